#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace coda {
namespace {

const std::string kConv3 =
    "--arch eyeriss --layer alexnet:conv3 --batch 4 --mapping "
    "examples/mappings/eyeriss_alexnet_conv3_rs.yaml";

TEST(CliEval, EyerissRowStationaryConv3) {
  auto r = test::run_coda("eval " + kConv3);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("spatial-X for P in [0:13)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("156 of 168 MAC units active"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("598,081,536 MACs"), std::string::npos);
}

TEST(CliEval, JsonHasEveryFigureAndMatchesTheModel) {
  auto r = test::run_coda("eval " + kConv3 + " --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["macs"].get<int64_t>(), 598081536);
  EXPECT_EQ(j["active_units"].get<int64_t>(), 156);
  EXPECT_EQ(j["compute_cycles"].get<int64_t>(), 598081536 / 156);
  // The GLB holds the Table III psum and ifmap tiles: 4 x 64 x 13 x 13 and 4 x 4 x 15 x 15 words.
  EXPECT_EQ(j["levels"][1]["tensors"]["Outputs"]["tile"].get<int64_t>(), 43264);
  EXPECT_EQ(j["levels"][1]["tensors"]["Inputs"]["tile"].get<int64_t>(), 3600);
  EXPECT_EQ(j["levels"][2]["tensors"]["Weights"]["tile"].get<int64_t>(), 192);
  EXPECT_EQ(j["levels"][2]["tensors"]["Inputs"]["tile"].get<int64_t>(), 12);
  EXPECT_EQ(j["levels"][2]["tensors"]["Outputs"]["tile"].get<int64_t>(), 16);
  double sum = j["mac_energy_pj"].get<double>() + j["compute_leak_pj"].get<double>();
  for (const auto& l : j["levels"]) sum += l["energy_pj"].get<double>() + l["leak_pj"].get<double>();
  EXPECT_NEAR(sum, j["energy_pj"].get<double>(), 1e-6 * sum);
  EXPECT_LE(j["utilization"].get<double>(), 1.0);
}

TEST(CliEval, InvalidMappingExitsTwoWithTheReason) {
  const std::string path = std::string(CODA_BINARY_DIR) + "/too_big_mapping.yaml";
  std::ofstream(path)
      << "mapping:\n  - level: DRAM\n    temporal: [M6, C64]\n  - level: GLB\n    temporal: [N4, Q13]\n"
         "    spatial: [P13X, R3Y, M4Y]\n  - level: PE\n    temporal: [M16, C8, S3]\n"
         "";
  auto r = test::run_coda("eval --arch eyeriss --layer alexnet:conv3 --batch 4 --mapping " + path);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("loop C64 has 64 iterations but C (bound 256, 8 per iteration) needs at most 32"),
            std::string::npos)
      << r.err;
  std::ofstream(path)
      << "mapping:\n  - level: DRAM\n    temporal: [M6, C32]\n  - level: GLB\n    temporal: [N4, Q13]\n"
         "    spatial: [P13X, R3Y, M4Y]\n  - level: PE\n    temporal: [M16, C8, S3]\n";
  r = test::run_coda("eval --arch eyeriss --layer alexnet:conv3 --batch 4 --mapping " + path);
  EXPECT_EQ(r.code, 2);
  // 64 filters x 8 channels x 9 taps = 4608 words in the GLB's 8 kB filter partition.
  EXPECT_NE(r.err.find("level GLB"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("4608 words"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1.12x over"), std::string::npos) << r.err;
}

TEST(CliEval, BadNamesExitTwo) {
  auto r = test::run_coda(
      "eval --arch eyeriss --layer alexnet:conv9 --mapping examples/mappings/eyeriss_alexnet_conv3_rs.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no layer 'conv9'"), std::string::npos) << r.err;
  r = test::run_coda(
      "eval --arch nosuch --layer alexnet:conv3 --mapping examples/mappings/eyeriss_alexnet_conv3_rs.yaml");
  EXPECT_EQ(r.code, 2);
  r = test::run_coda("eval --arch eyeriss --layer alexnet:conv3 --mapping /nonexistent.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("/nonexistent.yaml"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace coda
