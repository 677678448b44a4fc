#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace coda {
namespace {

std::string write(const std::string& name, const std::string& text) {
  const std::string path = std::string(CODA_BINARY_DIR) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(CliRun, ExperimentFileTableCsvAndJson) {
  auto exp = write("lenet_exp.yaml",
                   "experiment:\n  name: lenet-on-eyeriss\n  network: lenet5\n  arch: eyeriss\n  batch: 2\n"
                   "  mapper: {budget_evals: 2000, threads: 1, seed: 3}\n");
  const std::string csv = std::string(CODA_BINARY_DIR) + "/lenet_run.csv";
  auto r = test::run_coda("run " + exp + " --csv " + csv);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("lenet5 on eyeriss  (batch 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("inferences/s"), std::string::npos);
  EXPECT_NE(test::slurp(csv).find("total,"), std::string::npos);
  auto j = test::run_coda("run " + exp + " --format json");
  ASSERT_EQ(j.code, 0) << j.err;
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["batch"].get<int64_t>(), 2);
  EXPECT_EQ(doc["totals"]["macs"].get<int64_t>(), 2 * 415680);
  double sum = 0;
  for (const auto& l : doc["layers"]) sum += l["energy_pj"].get<double>();
  EXPECT_NEAR(sum, doc["totals"]["energy_pj"].get<double>(), 1e-6 * sum);
  // Deterministic for a given seed and thread count.
  auto again = test::run_coda("run " + exp + " --format json");
  EXPECT_EQ(again.out, j.out);
}

TEST(CliRun, BadExperimentExitsTwo) {
  auto exp = write("bad_exp.yaml", "experiment:\n  network: lenet5\n  arch: eyeriss\n  dataflow: [rs]\n");
  auto r = test::run_coda("run " + exp);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("dataflow"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad_exp.yaml:4"), std::string::npos) << r.err;
  r = test::run_coda("run /nonexistent/exp.yaml");
  EXPECT_EQ(r.code, 2);
}

TEST(CliStudy, SqueezeleratorSmall) {
  auto r = test::run_coda(
      "study squeezelerator --network squeezenet1_1 --side 8 --budget-evals 500 --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("squeezenet1_1"), std::string::npos);
  EXPECT_NE(r.out.find("speedup vs WS"), std::string::npos);
}

TEST(CliStudy, EyexamTableCsvJsonAndBadInput) {
  const std::string base = "study eyexam --network lenet5 --arch eyeriss --budget-evals 300 --threads 1";
  auto r = test::run_coda(base);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Eyexam bounds (MACs/cycle) for lenet5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("6 bandwidth"), std::string::npos) << r.out;
  r = test::run_coda(base + " --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("layer,same_as,dataflow,macs,step1_shape_macs_per_cycle", 0), 0u) << r.out;
  r = test::run_coda(base + " --format json --dataflow ws");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["dataflow"], "ws");
  EXPECT_EQ(j["total"]["bound_macs_per_cycle"].size(), 6u);
  r = test::run_coda(base + " --dataflow nosuch");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("nosuch"), std::string::npos) << r.err;
  r = test::run_coda("study eyexam --network nosuchnet");
  EXPECT_EQ(r.code, 2);
}

}  // namespace
}  // namespace coda
