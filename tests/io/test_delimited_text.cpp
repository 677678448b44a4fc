#include <gtest/gtest.h>

#include "coda/common/error.hpp"
#include "coda/io/delimited_text.hpp"

using namespace coda;
using coda::io::split_delimited;

TEST(DelimitedText, SplitsCommasKeepsLineNumbersAndTrims) {
  auto r = split_delimited("\xEF\xBB\xBF" "a, 1 ,2\r\n\n  \t\nb,\t3,\n", "f.csv");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].line, 1);
  EXPECT_EQ(r[0].fields, (std::vector<std::string>{"a", "1", "2"}));
  EXPECT_EQ(r[1].line, 4);
  EXPECT_EQ(r[1].fields, (std::vector<std::string>{"b", "3", ""}));  // trailing comma: empty last field
  EXPECT_EQ(r[1].get_int(1, "x"), 3);
}

TEST(DelimitedText, WhitespaceModeAndComments) {
  io::DelimitedOptions o;
  o.delimiter = '\0';
  o.comment = '#';
  auto r = split_delimited("# header\n  1   2\t3 \n#x\n4\n", "w.txt", o);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(r[0].line, 2);
  EXPECT_EQ(r[1].line, 4);
}

TEST(DelimitedText, IntegerErrorsNameFileLineAndField) {
  auto r = split_delimited("x,12a,-3\n", "bad.csv");
  try {
    r[0].get_int(1, "height");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "bad.csv:1: field 2 (height): expected an integer, got '12a'");
  }
  try {
    r[0].get_int(2, "width", 1);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "bad.csv:1: field 3 (width): expected an integer >= 1, got -3");
  }
  try {
    r[0].get_int(5, "stride");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("missing field 6 (stride)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(split_delimited(std::string("a\0b", 3), "bin"), InputError);
  int64_t v = 0;
  EXPECT_FALSE(io::parse_int64("99999999999999999999", v));
  EXPECT_FALSE(io::parse_int64("", v));
  EXPECT_FALSE(io::parse_int64("1.5", v));
  EXPECT_TRUE(io::parse_int64("+7", v));
  EXPECT_EQ(v, 7);
}
