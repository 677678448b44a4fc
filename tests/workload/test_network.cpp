#include <gtest/gtest.h>

#include "coda/common/error.hpp"
#include "coda/io/zoo.hpp"
#include "coda/workload/network.hpp"
#include "coda/workload/statistics.hpp"

using namespace coda::workload;

namespace {

LayerSpec conv(const std::string& name, int64_t filters, int64_t k, int64_t stride = 1, int64_t pad = 0,
               int64_t groups = 1) {
  LayerSpec l;
  l.name = name;
  l.type = LayerType::Conv;
  l.filters = filters;
  l.kernel = {k, k};
  l.stride = {stride, stride};
  l.pad = {pad, pad, pad, pad};
  l.groups = groups;
  return l;
}

NetworkSpec one_input(Shape s) {
  NetworkSpec n;
  n.name = "t";
  n.inputs.push_back({"input", std::move(s)});
  return n;
}

}  // namespace

TEST(Network, ConvOutputShapeFollowsTheTutorialFormula) {
  NetworkSpec n = one_input({3, 227, 227});
  n.layers.push_back(conv("c1", 96, 11, 4));
  Network net = build_network(n);
  EXPECT_EQ(net.layers[0].output_shape, (Shape{96, 55, 55}));  // (227 - 11 + 4) / 4 = 55
}

TEST(Network, SamePaddingAndCeilPooling) {
  NetworkSpec n = one_input({64, 112, 112});
  LayerSpec p;
  p.name = "pool";
  p.type = LayerType::MaxPool;
  p.kernel = {3, 3};
  p.stride = {2, 2};
  p.ceil_mode = true;
  n.layers.push_back(p);
  LayerSpec c = conv("c", 32, 3, 2);
  c.pad_mode = PadMode::SameUpper;
  n.layers.push_back(c);
  Network net = build_network(n);
  EXPECT_EQ(net.layers[0].output_shape, (Shape{64, 56, 56}));  // GoogLeNet: ceil(109/2)+1
  EXPECT_EQ(net.layers[1].output_shape, (Shape{32, 28, 28}));  // SAME: ceil(56/2)
}

TEST(Network, FilterLargerThanPaddedInputIsAnError) {
  NetworkSpec n = one_input({3, 4, 4});
  n.layers.push_back(conv("big", 8, 7, 1, 1));
  try {
    build_network(n);
    FAIL() << "expected an error";
  } catch (const coda::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("larger than the padded input"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'big'"), std::string::npos);
  }
}

TEST(Network, GroupMismatchAndUnknownInputAreErrors) {
  NetworkSpec n = one_input({6, 8, 8});
  n.layers.push_back(conv("g", 8, 3, 1, 1, 4));
  EXPECT_THROW(build_network(n), coda::InputError);
  NetworkSpec m = one_input({6, 8, 8});
  LayerSpec c = conv("c", 8, 3);
  c.inputs = {"nope"};
  m.layers.push_back(c);
  EXPECT_THROW(build_network(m), coda::InputError);
}

TEST(Network, AttentionShapes) {
  NetworkSpec n = one_input({128, 768});
  n.inputs[0].name = "x";
  LayerSpec q;
  q.name = "q";
  q.type = LayerType::Linear;
  q.outputs = 768;
  LayerSpec r;
  r.name = "r";
  r.type = LayerType::Reshape;
  r.shape = {128, 12, 64};
  LayerSpec t;
  t.name = "t";
  t.type = LayerType::Transpose;
  t.perm = {1, 0, 2};
  LayerSpec s;
  s.name = "scores";
  s.type = LayerType::MatMul;
  s.inputs = {"t", "t"};
  s.transpose_b = true;
  n.layers = {q, r, t, s};
  Network net = build_network(n, 2);
  EXPECT_EQ(net.layers[3].output_shape, (Shape{12, 128, 128}));
  EXPECT_EQ(net.layers[3].problem->points(), 2LL * 12 * 128 * 128 * 64);
  EXPECT_EQ(net.layers[0].problem->points(), 2LL * 128 * 768 * 768);
}

TEST(Stats, AlexNetMatchesThePublishedFigures) {
  Network net = build_network(coda::io::zoo_network("alexnet"));
  NetworkStats st = compute_stats(net);
  EXPECT_EQ(st.conv_layers, 5);
  EXPECT_EQ(st.fc_layers, 3);
  // domain.md §1.2: CONV 2.3M weights / 666M MACs, FC 58.6M, total 61M weights / 724M MACs.
  EXPECT_EQ(st.conv_weights, 2332704);
  EXPECT_EQ(st.fc_weights, 58621952);
  EXPECT_EQ(st.fc_macs, 58621952);
  EXPECT_NEAR(st.conv_macs / 1e6, 666, 0.5);
  EXPECT_NEAR(st.total.macs / 1e6, 724, 0.5);
  EXPECT_NEAR(st.total.weights / 1e6, 61, 0.05);
  // Per-layer (domain.md §1.2): CONV1 34k weights / 105M MACs, CONV2 307k / 224M, CONV3 885k / 150M.
  EXPECT_EQ(st.layers[net.find("conv1")].weights, 34848);
  EXPECT_NEAR(st.layers[net.find("conv1")].macs / 1e6, 105, 0.5);
  EXPECT_EQ(st.layers[net.find("conv2")].weights, 307200);
  EXPECT_NEAR(st.layers[net.find("conv2")].macs / 1e6, 224, 0.5);
  EXPECT_EQ(st.layers[net.find("conv3")].weights, 884736);
  EXPECT_NEAR(st.layers[net.find("conv3")].macs / 1e6, 150, 0.5);
  EXPECT_EQ(st.layers[net.find("conv1")].category, Category::FirstConv);
  EXPECT_EQ(st.layers[net.find("conv2")].category, Category::FxF);
  EXPECT_EQ(st.layers[net.find("fc6")].category, Category::FcGemm);
}

TEST(Stats, DensitiesGiveNonZeroCounts) {
  NetworkSpec n = coda::io::zoo_network("alexnet");
  n.default_weight_density = 0.5;
  n.default_input_density = 0.5;
  NetworkStats st = compute_stats(build_network(n));
  const LayerStats& c3 = st.layers[build_network(n).find("conv3")];
  EXPECT_EQ(c3.nonzero_weights, 884736 / 2);
  EXPECT_EQ(c3.nonzero_macs, c3.macs / 4);
}

TEST(Stats, BatchScalesMacsNotWeights) {
  NetworkSpec n = coda::io::zoo_network("alexnet");
  NetworkStats a = compute_stats(build_network(n, 1));
  NetworkStats b = compute_stats(build_network(n, 16));
  EXPECT_EQ(b.total.macs, 16 * a.total.macs);
  EXPECT_EQ(b.total.weights, a.total.weights);
}
