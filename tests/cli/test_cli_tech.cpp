// `coda tech`: the technology library printed at a node, user tables and Accelergy imports, errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using coda::test::run_coda;
using coda::test::temp_file;

TEST(CliTech, DefaultTableShowsHorowitzEntriesAndReferenceComponents) {
  auto r = run_coda("tech");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("horowitz45"), std::string::npos);
  EXPECT_NE(r.out.find("priced at 45 nm"), std::string::npos);
  EXPECT_NE(r.out.find("SRAM 8 KB"), std::string::npos);
  EXPECT_NE(r.out.find("Horowitz ISSCC 2014"), std::string::npos);
  EXPECT_NE(r.out.find("regfile 512 B"), std::string::npos);
  EXPECT_NE(r.out.find("Stillmaker & Baas"), std::string::npos);
}

TEST(CliTech, JsonAtANodeCarriesScaledPrices) {
  auto base = run_coda("tech --format json");
  auto scaled = run_coda("tech --format json --node 22");
  ASSERT_EQ(base.code, 0) << base.err;
  ASSERT_EQ(scaled.code, 0) << scaled.err;
  auto b = nlohmann::json::parse(base.out);
  auto s = nlohmann::json::parse(scaled.out);
  EXPECT_EQ(b["node_nm"], 45);
  EXPECT_EQ(s["node_nm"], 22);
  ASSERT_EQ(b["components"].size(), s["components"].size());
  const auto& bm = b["components"][1];  // mac int16
  const auto& sm = s["components"][1];
  EXPECT_EQ(bm["component"], "mac int16");
  EXPECT_LT(sm["op_pj"].get<double>(), bm["op_pj"].get<double>());
  EXPECT_GT(sm["op_pj"].get<double>(), 0);
}

TEST(CliTech, EyerissModelRatios) {
  auto r = run_coda("tech --model eyeriss65 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["base_node_nm"], 65);
  double mac = 0, rf = 0, glb = 0, dram = 0, wire = 0;
  for (const auto& c : j["components"]) {
    const std::string n = c["component"];
    if (n == "mac int16") mac = c["op_pj"];
    if (n == "regfile 512 B") rf = c["read_pj"];
    if (n == "sram 128 KB") glb = c["read_pj"];
    if (n == "dram lpddr4") dram = c["read_pj"];
    if (n == "wire 1 mm") wire = c["hop_pj"];
  }
  ASSERT_GT(mac, 0);
  EXPECT_DOUBLE_EQ(rf / mac, 1);
  EXPECT_DOUBLE_EQ(wire / mac, 2);
  EXPECT_DOUBLE_EQ(glb / mac, 6);
  EXPECT_DOUBLE_EQ(dram / mac, 200);
}

TEST(CliTech, UserTableAndErtOverride) {
  const std::string t = temp_file("tech_cli.yaml", "entries:\n  - {name: 'mac int16', op_pj: 0.123}\n");
  const std::string e = temp_file("tech_cli.ERT.yaml",
                                  "ERT:\n  version: 0.3\n  tables:\n  - name: top.sram 8 KB\n    actions:\n"
                                  "    - {name: read, arguments: null, energy: 7.5}\n");
  auto r = run_coda("tech --format json --table " + t + " --ert '" + e + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  for (const auto& c : j["components"]) {
    if (c["component"] == "mac int16") {
      EXPECT_EQ(c["op_pj"].get<double>(), 0.123);
    }
    if (c["component"] == "sram 8 KB") {
      EXPECT_EQ(c["read_pj"].get<double>(), 7.5);
    }
  }
}

TEST(CliTech, BadInputExitsWithCode2) {
  auto n = run_coda("tech --node 3");
  EXPECT_EQ(n.code, 2);
  EXPECT_NE(n.err.find("7..130"), std::string::npos) << n.err;
  auto m = run_coda("tech --model cacti");
  EXPECT_EQ(m.code, 2);
  const std::string bad = temp_file("tech_bad.csv", "name,read_pj\nGLB,abc\n");
  auto b = run_coda("tech --table " + bad);
  EXPECT_EQ(b.code, 2);
  EXPECT_NE(b.err.find("tech_bad.csv:2: column 'read_pj'"), std::string::npos) << b.err;
  auto f = run_coda("tech --ert /nonexistent.yaml");
  EXPECT_EQ(f.code, 2);
  EXPECT_NE(f.err.find("cannot open"), std::string::npos) << f.err;
}
