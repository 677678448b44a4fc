#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace coda {
namespace {

TEST(CliArchShow, EyerissTotalsAsPublished) {
  auto r = test::run_coda("arch show eyeriss");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("PEs              168"), std::string::npos) << r.out;
  // 108 kB GLB + 168 x 224 x 16-bit filter spads = 181.5 kB of SRAM (JSSC 2017).
  EXPECT_NE(r.out.find("of which SRAM 181.5 kB"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("33.6 GMAC/s"), std::string::npos) << r.out;
}

TEST(CliArchShow, JsonPricesEveryComponent) {
  auto r = test::run_coda("arch show eyeriss --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["pes"].get<int64_t>(), 168);
  EXPECT_DOUBLE_EQ(j["on_chip_sram_bytes"].get<double>(), 181.5 * 1024);
  double mac = 0, rf = 0, glb = 0, dram = 0;
  for (const auto& c : j["components"]) {
    const std::string name = c["name"];
    if (name == "MAC") mac = c["mac_pj"];
    if (name == "PE.ifmap_spad") rf = c["read_pj"];
    if (name == "GLB.fmaps") glb = c["read_pj"];
    if (name == "DRAM") dram = c["read_pj"];
    EXPECT_GE(c["area_um2"].get<double>(), 0) << name;
  }
  // The Eyeriss ISCA 2016 normalised costs: MAC 1, RF 1, buffer 6, DRAM 200.
  ASSERT_GT(mac, 0);
  EXPECT_NEAR(rf / mac, 1, 1e-9);
  EXPECT_NEAR(glb / mac, 6, 1e-9);
  EXPECT_NEAR(dram / mac, 200, 1e-9);
}

TEST(CliArchShow, EveryPresetPrices) {
  for (const char* p : {"eyeriss-256", "eyeriss-256-ws", "shidiannao", "tpu-v1", "nvdla-like", "simba-like",
                        "squeezelerator", "spatial-array", "systolic-array"}) {
    auto r = test::run_coda(std::string("arch show ") + p);
    EXPECT_EQ(r.code, 0) << p << ": " << r.err;
    EXPECT_NE(r.out.find("GMAC/s"), std::string::npos) << p;
  }
  auto r = test::run_coda("arch show nosuch");
  EXPECT_EQ(r.code, 2);
}

}  // namespace
}  // namespace coda
