#include <gtest/gtest.h>

#include "cli_runner.hpp"

using coda::test::run_coda;
using coda::test::temp_file;

TEST(CliArch, ListShowsEveryPresetWithItsTotals) {
  auto r = run_coda("arch list");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* name : {"eyeriss ", "eyeriss-256 ", "eyeriss-256-ws", "eyeriss-256-os-a", "eyeriss-256-os-b",
                           "eyeriss-256-os-c", "eyeriss-256-nlr", "eyeriss-256-rs", "shidiannao", "tpu-v1",
                           "nvdla-like", "simba-like", "squeezelerator *", "spatial-array *", "systolic-array *"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name << "\n" << r.out;
  EXPECT_NE(r.out.find("65,536"), std::string::npos);
  EXPECT_NE(r.out.find("squeezelerator: N=32 RF=16"), std::string::npos) << r.out;
}

TEST(CliArch, CheckPrintsOkAndTotals) {
  auto r = run_coda("arch check eyeriss");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("OK: architecture 'eyeriss'", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("PEs             168\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sram 181.5 kB"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("33.6 GMAC/s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DRAM x1 -> GLB x1 -> PE x168 -> MAC x168"), std::string::npos) << r.out;
}

TEST(CliArch, CheckWithParameterOverrides) {
  auto r = run_coda("arch check squeezelerator --set N=16 --set RF=8");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("PEs             256\n"), std::string::npos) << r.out;
  auto bad = run_coda("arch check squeezelerator --set M=16");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("no parameter 'M'; it declares: N, RF, CLOCK_MHZ"), std::string::npos) << bad.err;
  auto malformed = run_coda("arch check squeezelerator --set N");
  EXPECT_EQ(malformed.code, 2);
  EXPECT_NE(malformed.err.find("expected NAME=VALUE"), std::string::npos) << malformed.err;
}

TEST(CliArch, DumpWritesYamlThatChecksAgain) {
  const std::string path = std::string(CODA_BINARY_DIR) + "/cli_arch_dump.yaml";
  auto d = run_coda("arch dump systolic-array --set ROWS=8 -o " + path);
  ASSERT_EQ(d.code, 0) << d.err;
  const std::string text = coda::test::slurp(path);
  EXPECT_EQ(text.rfind("# coda architecture 'systolic-array'", 0), 0u) << text;
  EXPECT_EQ(text.find("${"), std::string::npos);
  auto c = run_coda("arch check " + path);
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_NE(c.out.find("PEs             256\n"), std::string::npos) << c.out;  // 8 rows x 32 columns
  auto s = run_coda("arch dump eyeriss-256-nlr");
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_NE(s.out.find("dataflow: nlr"), std::string::npos) << s.out;
}

TEST(CliArch, BadInputExitsWithCode2AndNamesTheKey) {
  struct Case {
    std::string name, text, expect;
  };
  const Case cases[] = {
      {"arch_malformed.yaml", "name: x\nclock_mhz: 1\nlevels: [\n", "arch_malformed.yaml:4:1: malformed YAML"},
      {"arch_unknown_key.yaml",
       "name: x\nclock_mhz: 1\nlevels:\n  - {name: D, class: dram, capacty_words: 3}\ncompute: {}\n",
       "arch_unknown_key.yaml:4: level 'D': unknown key 'capacty_words'"},
      {"arch_bad_class.yaml",
       "name: x\nclock_mhz: 1\nlevels:\n  - {name: D, class: dram}\n  - {name: B, class: flash, capacity_words: 8}\n"
       "compute: {}\n",
       "arch_bad_class.yaml:5: architecture 'x', level 'B', key 'class': unknown storage class 'flash'"},
      {"arch_partitions.yaml",
       "name: x\nclock_mhz: 1\nlevels:\n  - {name: D, class: dram}\n  - name: B\n    class: sram\n"
       "    capacity_words: 10\n    partitions: [{name: p, tensors: [Weights, Inputs, Outputs], capacity_words: 12}]\n"
       "compute: {}\n",
       "level 'B', key 'capacity_words': the partitions add up to 12 words but the level capacity is 10 words"},
  };
  for (const Case& c : cases) {
    const std::string path = temp_file(c.name, c.text);
    auto r = run_coda("arch check " + path);
    EXPECT_EQ(r.code, 2) << c.name << ": " << r.out;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.name << ": " << r.err;
  }
  auto unknown = run_coda("arch check eyriss");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown architecture preset 'eyriss'; presets: eyeriss,"), std::string::npos) << unknown.err;
  auto nofile = run_coda("arch check ./missing.yaml");
  EXPECT_EQ(nofile.code, 2);
  EXPECT_NE(nofile.err.find("no such file"), std::string::npos) << nofile.err;
  EXPECT_EQ(run_coda("arch").code, 2);  // a subcommand is required
}
