#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace coda {
namespace {

const std::string kConv3 = "--arch eyeriss --layer alexnet:conv3 --batch 4";

TEST(CliMap, PrintsTheLoopNestAndWritesAMappingEvalReproduces) {
  const std::string out = std::string(CODA_BINARY_DIR) + "/map_conv3.yaml";
  auto r = test::run_coda("map " + kConv3 + " --dataflow rs --budget-evals 800 --threads 2 --seed 5 -o " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("mapper: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dataflow rs"), std::string::npos);
  EXPECT_NE(r.out.find("mapping (outermost first):"), std::string::npos);
  EXPECT_NE(r.out.find("spatial-Y for R in [0:3)"), std::string::npos) << r.out;  // R filter rows on Y
  EXPECT_NE(r.out.find("mapping written to"), std::string::npos);
  EXPECT_EQ(r.err, "");  // no progress line: stderr is not a terminal
  // The same search in JSON, and `coda eval` of the written file: identical figures.
  auto j = test::run_coda("map " + kConv3 + " --dataflow rs --budget-evals 800 --threads 2 --seed 5 --format json");
  ASSERT_EQ(j.code, 0) << j.err;
  auto mj = nlohmann::json::parse(j.out);
  auto e = test::run_coda("eval " + kConv3 + " --mapping " + out + " --format json");
  ASSERT_EQ(e.code, 0) << e.err;
  auto ej = nlohmann::json::parse(e.out);
  auto best = mj["best"];
  best.erase("mapping_yaml");
  EXPECT_EQ(best.dump(), ej.dump());  // bit for bit: every count, energy and cycle figure
  EXPECT_GT(mj["mapper"]["evaluations"].get<int64_t>(), 700);
}

TEST(CliMap, SameSeedSameResult) {
  const std::string args = "map --arch eyeriss-256 --layer mobilenet_v1:conv_dw2 --dataflow ws --strategy default "
                           "--budget-evals 600 --format json --top 3 --seed 9";
  auto a = test::run_coda(args + " --threads 2");
  auto b = test::run_coda(args + " --threads 2");
  auto c = test::run_coda(args + " --threads 1");
  ASSERT_EQ(a.code, 0) << a.err;
  auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out), jc = nlohmann::json::parse(c.out);
  EXPECT_EQ(ja["top"].dump(), jb["top"].dump());
  EXPECT_EQ(ja["top"].dump(), jc["top"].dump());
  EXPECT_EQ(ja["top"].size(), 3u);
}

TEST(CliMap, ExhaustiveParetoAndTop) {
  auto r = test::run_coda("map --arch eyeriss-256 --layer mobilenet_v1:conv_dw13 --dataflow ws-tpu --strategy exhaustive "
                          "--objective cycles,energy --top 4 --pareto --threads 2");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("exhaustive search (complete)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("top 4 by cycles,energy"), std::string::npos);
  EXPECT_NE(r.out.find("Pareto front (energy vs cycles)"), std::string::npos);
}

TEST(CliMap, ConstraintsFileAndImpossibleConstraints) {
  const std::string ok = test::temp_file("map_ok.yaml",
                                         "levels:\n"
                                         "  - role: pe\n"
                                         "    temporal: {S: all, M: any, C: any, '*': 1}\n"
                                         "  - role: glb\n"
                                         "    spatial_y: {R: all, M: any, '*': 1}\n"
                                         "    spatial_x: [P, M]\n"
                                         "    order: ['*', Q]\n");
  auto r = test::run_coda("map " + kConv3 + " --constraints " + ok + " --budget-evals 300 --threads 2");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("constraints " + ok), std::string::npos);
  // 8 channels x 3 taps of inputs cannot fit the 12-word ifmap spad.
  const std::string bad = test::temp_file("map_bad.yaml",
                                          "levels:\n"
                                          "  - role: pe\n"
                                          "    temporal: {S: all, C: 8}\n"
                                          "    keep: [Inputs]\n");
  r = test::run_coda("map " + kConv3 + " --constraints " + bad + " --budget-evals 300");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no mapping of alexnet:conv3 on eyeriss satisfies constraints"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing fits level PE"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("map_bad.yaml:3"), std::string::npos) << r.err;
}

TEST(CliMap, BadInputExitsTwo) {
  auto r = test::run_coda("map " + kConv3 + " --dataflow weight-stationary");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown dataflow"), std::string::npos);
  r = test::run_coda("map " + kConv3 + " --objective power");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("objective 'power'"), std::string::npos) << r.err;
  r = test::run_coda("map " + kConv3 + " --dataflow rs --constraints x.yaml");
  EXPECT_EQ(r.code, 2);
  r = test::run_coda("map " + kConv3 + " --constraints /nonexistent.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cannot open"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace coda
