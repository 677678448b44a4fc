#include <gtest/gtest.h>

#include "coda/common/error.hpp"
#include "coda/io/scalesim_csv.hpp"
#include "coda/io/zoo.hpp"
#include "coda/workload/statistics.hpp"

using namespace coda;
using workload::build_network;
using workload::compute_stats;
using workload::LayerType;

namespace {

std::string error_of(const std::string& text) {
  try {
    (void)build_network(io::parse_scalesim_csv(text, "topo.csv"));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::vector<workload::LayerStats> mac_layers(const workload::NetworkStats& st) {
  std::vector<workload::LayerStats> v;
  for (const auto& l : st.layers)
    if (l.macs > 0) v.push_back(l);
  return v;
}

bool has_gemm(const workload::Network& net) {
  for (const auto& L : net.layers)
    if (L.spec.type == LayerType::MatMul || L.spec.type == LayerType::Linear) return true;
  return false;
}

}  // namespace

TEST(ScaleSimCsv, ConvFormFollowsScaleSimSemantics) {
  // SCALE-Sim style: padded IFMAP sizes, spaces, trailing commas, a comment after the last comma,
  // a "DP" (depthwise) layer, and a row without the trailing comma.
  const std::string text =
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
      "Conv1     ,224   ,224  ,11   ,11  ,3   ,96   ,4   ,\n"
      "\n"
      "Conv2_DP, 114, 114, 3, 3, 32, 1, 1,#dw\n"
      "Conv3,7,7,1,1,1024,1024,1\n"
      "FC, 1, 1, 1, 1, 1024, 1000, 1,\n";
  auto spec = io::parse_scalesim_csv(text, "nets/mobile.csv");
  EXPECT_EQ(spec.name, "mobile");
  ASSERT_EQ(spec.layers.size(), 4u);
  EXPECT_EQ(spec.layers[1].origin, "nets/mobile.csv:4");
  auto net = build_network(spec);
  auto st = compute_stats(net);
  // ceil((224 - 11 + 4) / 4) = 55: SCALE-Sim rounds up where floor would give 54.
  EXPECT_EQ(net.layers[0].output_shape, (workload::Shape{96, 55, 55}));
  EXPECT_EQ(st.layers[0].macs, 105415200);  // AlexNet CONV1's published 105M
  EXPECT_EQ(net.layers[1].spec.groups, 32);
  EXPECT_EQ(st.layers[1].category, workload::Category::Depthwise);
  EXPECT_EQ(st.layers[1].macs, 112 * 112 * 9 * 32);
  EXPECT_EQ(st.layers[2].macs, 7 * 7 * 1024 * 1024);
  EXPECT_EQ(net.layers[3].spec.type, LayerType::FC);
  EXPECT_EQ(st.layers[3].weights, 1024 * 1000);
}

TEST(ScaleSimCsv, SeparateStridesAndGemmForm) {
  auto s9 = io::parse_scalesim_csv(
      "Layer name,IFMAP height,IFMAP width,Filter height,Filter width,Channels,Num filter,Stride height,Stride width,\n"
      "c,9,10,3,3,4,8,2,3,\n",
      "t.csv");
  auto n9 = build_network(s9);
  // ceil((9 - 3 + 2) / 2) = 4 rows, ceil((10 - 3 + 3) / 3) = 4 columns (floor would give 3).
  EXPECT_EQ(n9.layers[0].output_shape, (workload::Shape{8, 4, 4}));
  auto g = io::parse_scalesim_csv("Layer,M,N,K\nQKT,1024,1024,64\nFF1,1024,3072,768,\n", "gpt.csv");
  auto st = compute_stats(build_network(g));
  ASSERT_EQ(st.layers.size(), 2u);
  EXPECT_EQ(st.layers[0].macs, 1024LL * 1024 * 64);
  EXPECT_EQ(st.layers[1].weights, 3072LL * 768);
  EXPECT_EQ(st.layers[1].category, workload::Category::FcGemm);
}

TEST(ScaleSimCsv, ZooRoundTripsKeepMacsAndWeights) {
  for (const auto& entry : io::zoo_list()) {
    auto net = build_network(io::zoo_network(entry.name));
    auto a = mac_layers(compute_stats(net));
    for (auto form : {io::ScaleSimForm::Conv, io::ScaleSimForm::Gemm}) {
      const std::string text = io::write_scalesim_csv(net, form);
      auto back = build_network(io::parse_scalesim_csv(text, entry.name + ".csv"));
      auto b = mac_layers(compute_stats(back));
      ASSERT_EQ(a.size(), b.size()) << entry.name;
      for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].macs, b[i].macs) << entry.name << " " << a[i].name << "\n" << text;
        if (!has_gemm(net)) {
          EXPECT_EQ(a[i].weights, b[i].weights) << entry.name << " " << a[i].name;
        }
        if (form == io::ScaleSimForm::Conv && !has_gemm(net)) {
          EXPECT_EQ(a[i].category, b[i].category) << entry.name << " " << a[i].name;
          EXPECT_EQ(a[i].output_activations, b[i].output_activations) << entry.name << " " << a[i].name;
        }
        if (form == io::ScaleSimForm::Gemm) {
          EXPECT_EQ(b[i].category, workload::Category::FcGemm);
        }
      }
    }
  }
}

TEST(ScaleSimCsv, WriterUsesPaddedTrimmedIfmapsAndTheDpConvention) {
  auto net = build_network(io::zoo_network("mobilenet_v2"));
  std::vector<std::string> notes;
  const std::string text = io::write_scalesim_csv(net, io::ScaleSimForm::Conv, &notes);
  // conv1: 224 input, 3x3/2 SAME padding (0 top, 1 bottom) -> padded 225, output 112.
  EXPECT_NE(text.find("\nconv1,225,225,3,3,3,32,2,\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nblock1_dw_DP,114,114,3,3,32,1,1,\n"), std::string::npos) << text;
  auto alex = build_network(io::zoo_network("alexnet"));
  notes.clear();
  const std::string a = io::write_scalesim_csv(alex, io::ScaleSimForm::Conv, &notes);
  EXPECT_NE(a.find("\nconv2,31,31,5,5,48,256,1,\n"), std::string::npos) << a;  // 2 groups: 48 channels each
  EXPECT_NE(a.find("\nfc6,6,6,6,6,256,4096,1,\n"), std::string::npos) << a;
  EXPECT_FALSE(notes.empty());
  const std::string g = io::write_scalesim_csv(alex, io::ScaleSimForm::Gemm);
  EXPECT_EQ(g.rfind("Layer, M, N, K,\nconv1,3025,96,363,\n", 0), 0u) << g;
}

TEST(ScaleSimCsv, BadInputNamesFileLineAndField) {
  const std::string hdr = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";
  struct Case {
    std::string text, expect;
  };
  const Case cases[] = {
      {"", "topo.csv: empty file"},
      {hdr, "topo.csv: no layers after the header"},
      {"conv1,224,224,11,11,3,96,4,\n", "topo.csv:1: expected a SCALE-Sim header"},
      {hdr + "c,224,224,11,11,3,96,\n", "topo.csv:2: expected 8 fields"},
      {hdr + "c,224,224,11,11,3,96,4,5,6,\n", "topo.csv:2: expected 8 fields"},
      {hdr + "c,224,22x4,11,11,3,96,4,\n", "topo.csv:2: field 3 (IFMAP width): expected an integer, got '22x4'"},
      {hdr + "c,224,224,11,11,0,96,4,\n", "field 6 (channels): expected an integer >= 1, got 0"},
      {hdr + "c,224,224,11,11,3,96,-4,\n", "field 8 (stride): expected an integer >= 1"},
      {hdr + "c,8,224,11,11,3,96,4,\n", "field 4 (filter height): filter height 11 is larger than the IFMAP height 8"},
      {"Layer,M,N,K\nq,1024,1024\n", "topo.csv:2: expected 4 fields (layer name, M, N, K), got 3"},
      {"Layer,M,N,K\nq,1024,0,64\n", "field 3 (N): expected an integer >= 1, got 0"},
      {hdr + "c,4,4,1,1,3,8,1,\nc,4,4,1,1,3,8,1,\n", "duplicate"},
      // Found by fuzz_scalesim_csv: the end padding needed for SCALE-Sim's ceil output size made
      // the written-back IFMAP too large to count.
      {hdr + "c,15,15,3,3,192,384,177777777777,\n", "field 8 (stride): stride 177777777777x177777777777 pads"},
  };
  for (const Case& c : cases) {
    const std::string msg = error_of(c.text);
    EXPECT_NE(msg.find(c.expect), std::string::npos) << "text: " << c.text << "\nmessage: " << msg;
  }
}

TEST(ScaleSimCsv, LayerNamesNeverCollideWithInputsOrEachOther) {
  // Found by fuzz_scalesim_csv: a layer called "<other layer>_in" collided with the graph input
  // coda names after the other layer, and the writer's renaming of "DP" could make two names equal.
  const std::string hdr = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";
  const auto net = build_network(io::parse_scalesim_csv(hdr + "a,8,8,3,3,4,4,1,\na_in,8,8,3,3,4,4,1,\n", "t.csv"));
  EXPECT_EQ(net.layers.size(), 2u);
  const auto net2 = build_network(io::parse_scalesim_csv(
      hdr + "b_DP,114,114,3,3,32,1,1,\nb_Dp_in,112,112,1,1,32,16,1,\nb_Dp,8,8,1,1,2,2,1,\n", "t.csv"));
  const int64_t macs = compute_stats(net2).total.macs;
  for (auto form : {io::ScaleSimForm::Conv, io::ScaleSimForm::Gemm}) {
    const std::string again = io::write_scalesim_csv(net2, form);
    const auto back = build_network(io::parse_scalesim_csv(again, "again.csv"));
    EXPECT_EQ(compute_stats(back).total.macs, macs) << again;
  }
}
