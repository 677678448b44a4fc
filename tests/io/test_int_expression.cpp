#include <gtest/gtest.h>

#include <map>

#include "coda/common/error.hpp"
#include "coda/io/int_expression.hpp"

using namespace coda;
using coda::io::evaluate_int_expression;

namespace {

int64_t eval(const std::string& e) {
  const std::map<std::string, int64_t, std::less<>> vars = {{"N", 16}, {"ROWS", 12}, {"big", INT64_MAX}};
  return evaluate_int_expression(e, [&](std::string_view name) -> std::optional<int64_t> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

std::string error_of(const std::string& e) {
  try {
    eval(e);
  } catch (const InputError& err) {
    return err.what();
  }
  return "";
}

}  // namespace

TEST(IntExpression, ArithmeticWithPrecedenceAndParentheses) {
  EXPECT_EQ(eval("42"), 42);
  EXPECT_EQ(eval("N"), 16);
  EXPECT_EQ(eval("N*N"), 256);
  EXPECT_EQ(eval(" 1 + 2 * 3 "), 7);
  EXPECT_EQ(eval("(1 + 2) * 3"), 9);
  EXPECT_EQ(eval("100*1024"), 102400);
  EXPECT_EQ(eval("ROWS*N/4"), 48);
  EXPECT_EQ(eval("10 - 4 - 3"), 3);  // left associative
  EXPECT_EQ(eval("64 / 4 / 2"), 8);
  EXPECT_EQ(eval("-7 / 2"), -3);  // truncates toward zero, as in C++
  EXPECT_EQ(eval("-7 % 3"), -1);
  EXPECT_EQ(eval("17 % 5"), 2);
  EXPECT_EQ(eval("--3"), 3);
  EXPECT_EQ(eval("+N"), 16);
  EXPECT_EQ(eval("((((N))))"), 16);
  EXPECT_EQ(eval("9223372036854775807"), INT64_MAX);
}

TEST(IntExpression, ErrorsNameTheExpressionAndTheProblem) {
  EXPECT_NE(error_of("N/0").find("expression 'N/0': division by zero"), std::string::npos);
  EXPECT_NE(error_of("N%(N-16)").find("modulo by zero"), std::string::npos);
  EXPECT_NE(error_of("big+1").find("overflow"), std::string::npos);
  EXPECT_NE(error_of("big*2").find("overflow"), std::string::npos);
  EXPECT_NE(error_of("-big-2").find("overflow"), std::string::npos);
  EXPECT_NE(error_of("9223372036854775808").find("does not fit"), std::string::npos);
  EXPECT_NE(error_of("M*2").find("unknown parameter 'M'"), std::string::npos);
  EXPECT_NE(error_of("").find("empty expression"), std::string::npos);
  EXPECT_NE(error_of("1+").find("unexpected end"), std::string::npos);
  EXPECT_NE(error_of("(1+2").find("expected ')'"), std::string::npos);
  EXPECT_NE(error_of("1 2").find("unexpected '2'"), std::string::npos);
  EXPECT_NE(error_of("2^3").find("unexpected '^'"), std::string::npos);
  EXPECT_NE(error_of("1.5").find("unexpected '.'"), std::string::npos);
  EXPECT_NE(error_of(std::string(200, '(') + "1" + std::string(200, ')')).find("nested too deeply"), std::string::npos);
  EXPECT_NE(error_of(std::string(200, '-') + "1").find("nested too deeply"), std::string::npos);
}
