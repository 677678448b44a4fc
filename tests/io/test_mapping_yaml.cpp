#include <gtest/gtest.h>

#include "../model/random_cases.hpp"
#include "coda/common/error.hpp"
#include "coda/io/mapping_yaml.hpp"
#include "coda/io/yaml_reader.hpp"
#include "coda/workload/builders.hpp"

namespace coda {
namespace {

std::vector<std::string> names(int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back("L" + std::to_string(i));
  return v;
}

TEST(MappingYaml, RoundTripsRandomMappings) {
  for (uint64_t seed = 1; seed <= 500; ++seed) {
    auto c = testing::random_case(seed);
    auto lv = names(c.machine.num_levels);
    std::string text = io::write_mapping_yaml(c.mapping, c.problem, lv);
    auto back = io::parse_mapping_yaml(io::parse_yaml(text, "t.yaml"), c.problem, lv, "t.yaml");
    EXPECT_EQ(back, c.mapping) << text;
    EXPECT_EQ(back.hash(), c.mapping.hash());
  }
}

workload::Problem small_conv() {
  workload::ConvShape s;
  s.m = 4;
  s.c = 2;
  s.p = 3;
  s.r = 3;
  return workload::make_conv("c", s);
}

std::string error_of(const std::string& text) {
  try {
    io::parse_mapping_yaml(io::parse_yaml(text, "m.yaml"), small_conv(), {"DRAM", "RF"}, "m.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(MappingYaml, ReadsBothLoopFormsAndBypass) {
  auto m = io::parse_mapping_yaml(io::parse_yaml("mapping:\n"
                                                 "  - level: DRAM\n"
                                                 "    temporal: [M4, {dim: C, factor: 2}]\n"
                                                 "  - level: RF\n"
                                                 "    temporal: [P3]\n"
                                                 "    spatial: [R3Y]\n"
                                                 "    bypass: [Inputs]\n",
                                                 "m.yaml"),
                                  small_conv(), {"DRAM", "RF"}, "m.yaml");
  ASSERT_EQ(m.levels.size(), 2u);
  EXPECT_EQ(m.levels[0].temporal.size(), 2u);
  EXPECT_EQ(m.levels[0].temporal[1].factor, 2);
  EXPECT_EQ(m.levels[1].spatial[0].axis, mapping::Axis::Y);
  EXPECT_FALSE(m.levels[1].keeps(1));
  EXPECT_TRUE(m.levels[1].keeps(0));
}

TEST(MappingYaml, BadInputNamesFileLineAndExpectation) {
  EXPECT_NE(error_of("mapping:\n  - level: DRAM\n    temporal: [Z4]\n").find("m.yaml:3"), std::string::npos);
  EXPECT_NE(error_of("mapping:\n  - level: DRAM\n    temporal: [Z4]\n").find("unknown dimension 'Z'"),
            std::string::npos);
  EXPECT_NE(error_of("mapping:\n  - level: GLB\n").find("storage level of the architecture (DRAM, RF)"),
            std::string::npos);
  EXPECT_NE(error_of("mapping:\n  - level: DRAM\n    temporal: [M0]\n").find("factor"), std::string::npos);
  EXPECT_NE(error_of("mapping:\n  - level: DRAM\n    tempral: [M4]\n").find("tempral"), std::string::npos);
  EXPECT_NE(error_of("mapping:\n  - level: RF\n    keep: [Psums]\n").find("unknown tensor 'Psums'"),
            std::string::npos);
  EXPECT_NE(error_of("mapping:\n  - level: RF\n    spatial: [M4Z]\n").find("axis"), std::string::npos);
  EXPECT_NE(error_of("mapping: 3\n").find("list"), std::string::npos);
}

TEST(MappingYaml, ImportsTimeloopMappings) {
  // Timeloop: permutation is innermost first; K is coda's M; split k puts the first k
  // permutation dimensions on X.
  auto m = io::parse_mapping_yaml(
      io::parse_yaml(
          "mapping:\n"
          "  - target: RF\n    type: temporal\n    factors: R=3 P=1\n    permutation: RP\n"
          "  - target: DRAM\n    type: spatial\n    factors: K=2 C=2\n    permutation: KC\n    split: 1\n"
          "  - target: DRAM\n    type: temporal\n    factors: K=2 P=3 C=1\n    permutation: PCK\n"
          "  - target: RF\n    type: datatype\n    keep: [Weights]\n    bypass: [Inputs, Outputs]\n",
          "tl.yaml"),
      small_conv(), {"DRAM", "RF"}, "tl.yaml");
  const auto& p = small_conv();
  ASSERT_EQ(m.levels[0].temporal.size(), 2u);
  EXPECT_EQ(m.levels[0].temporal[0].dim, p.dim_index("M"));  // outermost
  EXPECT_EQ(m.levels[0].temporal[1].dim, p.dim_index("P"));
  ASSERT_EQ(m.levels[0].spatial.size(), 2u);
  EXPECT_EQ(m.levels[0].spatial[0].dim, p.dim_index("C"));
  EXPECT_EQ(m.levels[0].spatial[0].axis, mapping::Axis::Y);
  EXPECT_EQ(m.levels[0].spatial[1].axis, mapping::Axis::X);
  EXPECT_EQ(m.levels[1].temporal.size(), 1u);
  EXPECT_EQ(m.levels[1].keep, 1u);
  EXPECT_EQ(m.factor_product(p.dim_index("M")), 4);
}

}  // namespace
}  // namespace coda
