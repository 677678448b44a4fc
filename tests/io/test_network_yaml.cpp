#include <gtest/gtest.h>

#include "coda/common/error.hpp"
#include "coda/io/network_yaml.hpp"
#include "coda/io/zoo.hpp"
#include "coda/workload/statistics.hpp"

using namespace coda;

namespace {

std::string error_of(const std::string& text) {
  try {
    io::parse_network_yaml(text, "t.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(NetworkYaml, ParsesEveryConvKey) {
  auto spec = io::parse_network_yaml(
      "name: t\ninput: [8, 16, 16]\nbits: 8\nlayers:\n"
      "  - {name: c, type: conv, filters: 16, kernel: [3, 5], stride: [1, 2], dilation: 2, padding: [1, 1, 2, 2], "
      "groups: 2, bits: 4, density: {weights: 0.5, inputs: 0.25}}\n",
      "t.yaml");
  ASSERT_EQ(spec.layers.size(), 1u);
  const auto& l = spec.layers[0];
  EXPECT_EQ(l.kernel, (std::array<int64_t, 2>{3, 5}));
  EXPECT_EQ(l.stride, (std::array<int64_t, 2>{1, 2}));
  EXPECT_EQ(l.dilation, (std::array<int64_t, 2>{2, 2}));
  EXPECT_EQ(l.pad, (std::array<int64_t, 4>{1, 1, 2, 2}));
  EXPECT_EQ(l.groups, 2);
  EXPECT_EQ(l.bits, 4);
  EXPECT_EQ(*l.weight_density, 0.5);
  EXPECT_EQ(spec.default_bits, 8);
  EXPECT_EQ(l.origin, "t.yaml:5");
}

TEST(NetworkYaml, ErrorsNameFileLineAndKey) {
  EXPECT_NE(error_of("name: t\ninput: [3]\nlayers:\n  - {type: fc, outputs: 0}\n").find("t.yaml:4"), std::string::npos);
  EXPECT_NE(error_of("name: t\ninput: [3]\nlayers:\n  - {type: fc, outputs: 0}\n").find("key 'outputs'"),
            std::string::npos);
  EXPECT_NE(error_of("name: t\nlayers: []\n").find("input"), std::string::npos);
  EXPECT_NE(error_of("name: t\ninput: [3]\nlayer: []\n").find("unknown key 'layer'"), std::string::npos);
  EXPECT_NE(error_of("name: t\ninput: [3]\nlayers:\n  - {type: fc, outputs: 4, density: {weights: 2}}\n")
                .find("(0, 1]"),
            std::string::npos);
  EXPECT_NE(error_of("[1, 2").find("malformed YAML"), std::string::npos);
  EXPECT_NE(error_of("name: t\ninput: [3]\nlayers:\n  - {type: maxpool, kernel: 3, filters: 2}\n")
                .find("unknown key 'filters'"),
            std::string::npos);
}

TEST(NetworkYaml, WriterRoundTripsTheZooAlexNet) {
  auto spec = io::zoo_network("alexnet");
  auto again = io::parse_network_yaml(io::write_network_yaml(spec), "rt.yaml");
  auto a = workload::compute_stats(workload::build_network(spec));
  auto b = workload::compute_stats(workload::build_network(again));
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    EXPECT_EQ(a.layers[i].name, b.layers[i].name);
    EXPECT_EQ(a.layers[i].macs, b.layers[i].macs);
    EXPECT_EQ(a.layers[i].weights, b.layers[i].weights);
    EXPECT_EQ(a.layers[i].output_shape, b.layers[i].output_shape);
  }
}

TEST(NetworkYaml, MultipleInputsAndUnknownOps) {
  auto spec = io::parse_network_yaml(
      "name: t\ninputs: {a: [4, 8], b: [4, 8]}\nlayers:\n"
      "  - {name: s, type: add, inputs: [a, b]}\n"
      "  - {name: w, type: unknown, op: Weird}\n",
      "t.yaml");
  auto net = workload::build_network(spec);
  EXPECT_EQ(net.layers[1].output_shape, (workload::Shape{4, 8}));
  ASSERT_EQ(net.warnings.size(), 1u);
  EXPECT_NE(net.warnings[0].find("Weird"), std::string::npos);
}

TEST(NetworkYaml, PerTensorBitsPoolDilationAndUnknownShapeRoundTrip) {
  const std::string text =
      "name: t\ninput: [4, 9, 9]\nbits: 8\nlayers:\n"
      "  - {name: c, type: conv, filters: 8, kernel: 3, bits: {weights: 4, outputs: 16}}\n"
      "  - {name: p, type: maxpool, kernel: 2, dilation: 2}\n"
      "  - {name: u, type: unknown, op: Resize, shape: [8, 10, 10]}\n"
      "  - {name: g, type: global_avgpool}\n";
  auto spec = io::parse_network_yaml(text, "t.yaml");
  EXPECT_EQ(spec.layers[0].weight_bits, 4);
  EXPECT_FALSE(spec.layers[0].input_bits.has_value());
  EXPECT_EQ(spec.layers[1].dilation, (std::array<int64_t, 2>{2, 2}));
  auto net = workload::build_network(spec);
  const auto& p = *net.layers[0].problem;
  EXPECT_EQ(p.tensors[p.tensor_index("Weights")].bits, 4);
  EXPECT_EQ(p.tensors[p.tensor_index("Inputs")].bits, 8);
  EXPECT_EQ(p.tensors[p.tensor_index("Outputs")].bits, 16);
  EXPECT_EQ(net.layers[1].output_shape, (workload::Shape{8, 5, 5}));  // (7 - 3) / 1 + 1
  EXPECT_EQ(net.layers[2].output_shape, (workload::Shape{8, 10, 10}));
  EXPECT_FALSE(net.layers[2].problem.has_value());
  ASSERT_EQ(net.warnings.size(), 1u);
  EXPECT_NE(net.warnings[0].find("Resize"), std::string::npos);
  auto again = io::parse_network_yaml(io::write_network_yaml(spec), "again.yaml");
  EXPECT_EQ(again.layers[0].weight_bits, 4);
  EXPECT_EQ(again.layers[0].input_bits, 8);  // written explicitly with the network default
  EXPECT_EQ(again.layers[1].dilation, (std::array<int64_t, 2>{2, 2}));
  EXPECT_EQ(again.layers[2].shape, (std::vector<int64_t>{8, 10, 10}));
  EXPECT_NE(error_of("name: t\ninput: [4, 9, 9]\nlayers:\n  - {type: conv, filters: 8, kernel: 3, bits: {weight: 4}}\n")
                .find("unknown key 'weight'"),
            std::string::npos);
}
