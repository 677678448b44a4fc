#include <gtest/gtest.h>

#include "coda/common/error.hpp"
#include "coda/io/experiment_yaml.hpp"

namespace coda {
namespace {

std::string error_of(const std::string& text) {
  try {
    io::parse_experiment_yaml(text, "e.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ExperimentYaml, DefaultExperimentIsEyerissOnAlexNet) {
  auto e = io::default_experiment();
  EXPECT_EQ(e.network, "alexnet");
  EXPECT_EQ(e.arch, "eyeriss");
  EXPECT_EQ(e.batch, 4);
  ASSERT_EQ(e.dataflows.size(), 1u);
  EXPECT_EQ(e.dataflows[0], "rs");
}

TEST(ExperimentYaml, EveryKey) {
  auto e = io::parse_experiment_yaml(
      "experiment:\n"
      "  name: sq\n  network: squeezenet1_0\n  batch: 1\n  arch: squeezelerator\n"
      "  set: {N: 16}\n  dataflows: [ws, os]\n"
      "  mapper: {strategy: random, objective: 'cycles,energy', budget_evals: 500,"
      " budget_seconds: 1.5, threads: 2, seed: 9}\n"
      "  density: {weights: 0.6}\n  outputs: {csv: o.csv, json: o.json}\n",
      "e.yaml");
  EXPECT_EQ(e.name, "sq");
  ASSERT_EQ(e.arch_parameters.size(), 1u);
  EXPECT_EQ(e.arch_parameters[0].second, "16");
  EXPECT_EQ(e.dataflows.size(), 2u);
  EXPECT_EQ(e.mapper.strategy, "random");
  EXPECT_EQ(e.mapper.objective, "cycles,energy");
  EXPECT_EQ(e.mapper.budget_evals, 500);
  EXPECT_DOUBLE_EQ(e.mapper.budget_seconds, 1.5);
  EXPECT_EQ(e.mapper.threads, 2);
  EXPECT_EQ(e.mapper.seed, 9u);
  EXPECT_DOUBLE_EQ(*e.weight_density, 0.6);
  EXPECT_FALSE(e.input_density);
  EXPECT_EQ(e.csv, "o.csv");
}

TEST(ExperimentYaml, BadInputNamesTheKey) {
  EXPECT_NE(error_of("experiment:\n  network: alexnet\n  arch: eyeriss\n  bach: 4\n").find("bach"),
            std::string::npos);
  EXPECT_NE(error_of("experiment:\n  network: alexnet\n").find("arch"), std::string::npos);
  EXPECT_NE(error_of("experiment:\n  network: alexnet\n  arch: eyeriss\n  mapper: {strategy: magic}\n")
                .find("e.yaml:4"),
            std::string::npos);
  EXPECT_NE(error_of("experiment:\n  network: alexnet\n  arch: eyeriss\n  density: {weights: 1.5}\n")
                .find("(0, 1]"),
            std::string::npos);
  EXPECT_NE(error_of("[1, 2]").find("e.yaml"), std::string::npos);
}

}  // namespace
}  // namespace coda
