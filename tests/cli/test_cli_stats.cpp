#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using coda::test::run_coda;
using coda::test::temp_file;

TEST(CliStats, AlexNetTable) {
  auto r = run_coda("stats alexnet");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("724,406,816"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("60,954,656"), std::string::npos);
  EXPECT_NE(r.out.find("CONV: 5 layers"), std::string::npos);
  EXPECT_NE(r.out.find("FC/GEMM: 3 layers"), std::string::npos);
}

TEST(CliStats, JsonAndCsvCarryTheSameTotals) {
  auto j = run_coda("stats alexnet --format json --batch 4");
  ASSERT_EQ(j.code, 0) << j.err;
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["batch"], 4);
  EXPECT_EQ(doc["total"]["macs"].get<int64_t>(), 4LL * 724406816);
  auto c = run_coda("stats alexnet --format csv");
  ASSERT_EQ(c.code, 0);
  EXPECT_EQ(c.out.rfind("layer,type,category", 0), 0u) << c.out;
  EXPECT_NE(c.out.find("\ntotal,"), std::string::npos);
}

TEST(CliStats, DensityOptionsAndFile) {
  auto r = run_coda("stats alexnet --weight-density 0.5 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["total"]["nonzero_weights"].get<int64_t>(), 60954656 / 2);
  const std::string f = temp_file("density_ok.yaml", "layers:\n  conv1: {weights: 0.25}\n");
  auto p = run_coda("stats alexnet --format json --density-file " + f);
  ASSERT_EQ(p.code, 0) << p.err;
  auto d2 = nlohmann::json::parse(p.out);
  EXPECT_EQ(d2["layers"][0]["nonzero_weights"].get<int64_t>(), 34848 / 4);
  const std::string bad = temp_file("density_bad.yaml", "layers:\n  convX: {weights: 0.25}\n");
  auto b = run_coda("stats alexnet --density-file " + bad);
  EXPECT_EQ(b.code, 2);
  EXPECT_NE(b.err.find("convX"), std::string::npos) << b.err;
}

TEST(CliStats, BadInputExitsWithCode2AndAClearMessage) {
  struct Case {
    std::string name, text, expect;
  };
  const Case cases[] = {
      {"malformed.yaml", "name: x\ninput: [3, 8, 8\nlayers: []\n", "malformed.yaml:"},
      {"misspelled.yaml", "name: x\ninput: [3, 8, 8]\nlayers:\n  - {name: c, type: conv, filtres: 4, kernel: 3}\n",
       "unknown key 'filtres'"},
      {"missing.yaml", "name: x\ninput: [3, 8, 8]\nlayers:\n  - {name: c, type: conv, kernel: 3}\n",
       "key 'filters'"},
      {"negative.yaml", "name: x\ninput: [3, 8, 8]\nlayers:\n  - {name: c, type: conv, filters: -4, kernel: 3}\n",
       "filters"},
      {"zero.yaml", "name: x\ninput: [3, 0, 8]\nlayers:\n  - {name: c, type: conv, filters: 4, kernel: 3}\n",
       "input"},
      {"toolarge.yaml", "name: x\ninput: [3, 8, 8]\nlayers:\n  - {name: c, type: conv, filters: 4, kernel: 11}\n",
       "larger than the padded input"},
      {"badtype.yaml", "name: x\ninput: [3, 8, 8]\nlayers:\n  - {name: c, type: convolution, filters: 4}\n",
       "unknown layer type 'convolution'"},
  };
  for (const Case& c : cases) {
    const std::string path = temp_file(c.name, c.text);
    auto r = run_coda("stats " + path);
    EXPECT_EQ(r.code, 2) << c.name << ": " << r.out;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.name), std::string::npos) << c.name << " not named: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one message expected: " << r.err;
  }
}

TEST(CliStats, UnknownZooNameAndMissingFile) {
  auto r = run_coda("stats alexnett");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown zoo network 'alexnett'"), std::string::npos) << r.err;
  auto m = run_coda("stats /nonexistent/net.yaml");
  EXPECT_EQ(m.code, 2);
  EXPECT_NE(m.err.find("/nonexistent/net.yaml"), std::string::npos) << m.err;
  auto f = run_coda("stats alexnet --batch 0");
  EXPECT_EQ(f.code, 2);
}

TEST(CliHelp, EverySubcommandHasHelp) {
  auto top = run_coda("--help");
  EXPECT_EQ(top.code, 0);
  EXPECT_NE(top.out.find("stats"), std::string::npos);
  EXPECT_NE(top.out.find("zoo"), std::string::npos);
  for (const char* cmd : {"stats", "zoo"}) {
    auto h = run_coda(std::string(cmd) + " --help");
    EXPECT_EQ(h.code, 0) << cmd;
    EXPECT_NE(h.out.find("Usage"), std::string::npos) << cmd;
  }
  auto none = run_coda("");
  EXPECT_EQ(none.code, 2);
}

TEST(CliZoo, ListsAlexNet) {
  auto r = run_coda("zoo");
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("alexnet"), std::string::npos);
}
