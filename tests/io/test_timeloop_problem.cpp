#include <gtest/gtest.h>

#include "coda/common/error.hpp"
#include "coda/io/timeloop_problem.hpp"
#include "coda/workload/statistics.hpp"

using namespace coda;
using workload::build_network;
using workload::compute_stats;

namespace {

std::string error_of(const std::string& text) {
  try {
    (void)build_network(io::parse_timeloop_problem(text, "prob.yaml"));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const char* kV3 =
    "problem:\n  C: 3\n  Hdilation: 1\n  Hstride: 4\n  K: 96\n  N: 1\n  P: 55\n  Q: 55\n  R: 11\n  S: 11\n"
    "  Wdilation: 1\n  Wstride: 4\n  shape: cnn-layer\n";

const char* kV4 =
    "problem:\n"
    "  version: 0.4\n"
    "  instance:\n"
    "    C: 256\n    Hdilation: 1\n    Hstride: 1\n    M: 384\n    N: 4\n    P: 13\n    Q: 13\n    R: 3\n    S: 3\n"
    "    Wdilation: 1\n    Wstride: 1\n"
    "    densities:\n      Inputs: 0.25\n      Weights: {distribution: fixed-structured, density: 0.5}\n"
    "      Outputs: 0.3\n"
    "  shape:\n"
    "    name: CNN_Layer\n"
    "    dimensions: [C, M, R, S, N, P, Q]\n"
    "    coefficients:\n"
    "      - {name: Wstride, default: 1}\n      - {name: Hstride, default: 1}\n"
    "      - {name: Wdilation, default: 1}\n      - {name: Hdilation, default: 1}\n"
    "    data_spaces:\n"
    "      - {name: Weights, projection: [[[C]], [[M]], [[R]], [[S]]]}\n"
    "      - {name: Inputs, projection: [[[N]], [[C]], [[R, Wdilation], [P, Wstride]], [[S, Hdilation], [Q, Hstride]]]}\n"
    "      - {name: Outputs, projection: [[[N]], [[M]], [[Q]], [[P]]], read_write: true}\n"
    "architecture: {version: 0.4}\n";  // other top-level keys of a merged input file are ignored

}  // namespace

TEST(TimeloopProblem, V03AlexNetConv1) {
  auto spec = io::parse_timeloop_problem(kV3, "layers/AlexNet_layer1.yaml");
  EXPECT_EQ(spec.name, "AlexNet_layer1");
  ASSERT_EQ(spec.layers.size(), 1u);
  EXPECT_EQ(spec.inputs[0].shape, (workload::Shape{3, 227, 227}));  // (55 - 1) * 4 + 11
  EXPECT_EQ(spec.layers[0].origin, "layers/AlexNet_layer1.yaml:2");
  auto st = compute_stats(build_network(spec));
  EXPECT_EQ(st.layers[0].macs, 105415200);
  EXPECT_EQ(st.layers[0].weights, 34848);
  EXPECT_EQ(st.layers[0].output_shape, (workload::Shape{96, 55, 55}));
}

TEST(TimeloopProblem, V04InstanceShapeAndDensities) {
  auto spec = io::parse_timeloop_problem(kV4, "layer3.yaml");
  EXPECT_EQ(spec.batch, 4);
  const auto& l = spec.layers[0];
  EXPECT_EQ(l.filters, 384);
  EXPECT_EQ(*l.weight_density, 0.5);
  EXPECT_EQ(*l.input_density, 0.25);
  auto st = compute_stats(build_network(spec, spec.batch));
  EXPECT_EQ(st.layers[0].input_shape, (workload::Shape{256, 15, 15}));
  EXPECT_EQ(st.layers[0].macs, 4LL * 13 * 13 * 384 * 256 * 9);
  EXPECT_EQ(st.layers[0].nonzero_macs, st.layers[0].macs / 8);
}

TEST(TimeloopProblem, RAndPIndexTheWidthSAndQTheHeight) {
  // Timeloop: Inputs[...][R*Wdilation + P*Wstride][S*Hdilation + Q*Hstride].
  auto spec = io::parse_timeloop_problem(
      "problem: {shape: CNN-Layer, R: 5, S: 3, P: 10, Q: 7, C: 2, K: 4, Wstride: 2, Hdilation: 2}\n", "a.yaml");
  const auto& l = spec.layers[0];
  EXPECT_EQ(l.kernel, (std::array<int64_t, 2>{3, 5}));
  EXPECT_EQ(l.stride, (std::array<int64_t, 2>{1, 2}));
  EXPECT_EQ(l.dilation, (std::array<int64_t, 2>{2, 1}));
  EXPECT_EQ(spec.inputs[0].shape, (workload::Shape{2, 6 + 4 + 1, 18 + 4 + 1}));
  auto net = build_network(spec);
  EXPECT_EQ(net.layers[0].output_shape, (workload::Shape{4, 7, 10}));
  // Absent dimensions are 1; one output pixel with a dense filter is an FC layer.
  auto fc = io::parse_timeloop_problem("problem:\n  instance: {C: 4096, K: 1000}\n  shape: cnn-layer\n", "fc.yaml");
  EXPECT_EQ(fc.layers[0].type, workload::LayerType::FC);
  EXPECT_EQ(compute_stats(build_network(fc)).total.weights, 4096000);
  // Coefficient defaults of the shape apply when the instance leaves them out.
  auto d = io::parse_timeloop_problem(
      "problem:\n  instance: {C: 1, M: 1, R: 3, S: 3, P: 4, Q: 4}\n"
      "  shape: {name: cnn-layer, coefficients: [{name: Wstride, default: 2}]}\n",
      "d.yaml");
  EXPECT_EQ(d.layers[0].stride, (std::array<int64_t, 2>{1, 2}));
}

TEST(TimeloopProblem, BadInputNamesFileLineAndKey) {
  struct Case {
    std::string text, expect;
  };
  const Case cases[] = {
      {"problem: {shape: cnn-layer, R: 3, Wstrides: 2}\n", "prob.yaml:1: problem: unknown key 'Wstrides'"},
      {"problem: {shape: grouped-cnn-layer, R: 3}\n", "unsupported problem shape 'grouped-cnn-layer'"},
      {"problem:\n  R: 3\n  P: -2\n", "prob.yaml:3: problem, key 'P': expected an integer >= 1, got -2"},
      {"problem:\n  R: 3\n  P: 0\n", "key 'P': expected an integer >= 1, got 0"},
      {"problem: {R: 3.5}\n", "key 'R': expected an integer, got '3.5'"},
      {"problem: {K: 3, M: 4}\n", "expected one of K and M"},
      {"problem: {densities: {Weights: 1.5}}\n", "key 'Weights': expected a density in (0, 1], got 1.5"},
      {"problem: {densities: {weights: 0.5}}\n", "unknown key 'weights'"},
      {"problem:\n  version: 0.3\n  instance: {C: 1}\n", "key 'version': expected 0.4"},
      {"problem:\n  instance: {C: 1}\n  shape: {name: cnn-layer, dimensions: [C, K, R, S, N, P]}\n",
       "expected the CNN-layer dimensions"},
      {"problem:\n  instance: {C: 1, M: 2}\n  shape: {name: cnn-layer, dimensions: [C, K, R, S, N, P, Q]}\n",
       "problem instance: unknown key 'M'"},
      {"problem: [1, 2]\n", "problem: expected a map of keys"},
      {"problem: {R: 3\n", "prob.yaml:2:1: malformed YAML"},
      {"layers: []\n", "expected a Timeloop problem"},
      {"problem: {P: 4611686018427387904, Wstride: 4}\n", "64-bit overflow"},
  };
  for (const Case& c : cases) {
    const std::string msg = error_of(c.text);
    EXPECT_NE(msg.find(c.expect), std::string::npos) << "text: " << c.text << "\nmessage: " << msg;
  }
}
