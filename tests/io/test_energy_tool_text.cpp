#include <gtest/gtest.h>

#include "coda/common/error.hpp"
#include "coda/io/energy_tool_text.hpp"
#include "coda/io/zoo.hpp"
#include "coda/workload/statistics.hpp"

using namespace coda;
using workload::build_network;
using workload::compute_stats;

namespace {

std::string error_of(const std::string& text) {
  try {
    auto spec = io::parse_energy_tool_text(text, "layers.txt");
    (void)build_network(spec);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// MAC layers of a network, in order.
std::vector<workload::LayerStats> mac_layers(const workload::NetworkStats& st) {
  std::vector<workload::LayerStats> v;
  for (const auto& l : st.layers)
    if (l.macs > 0) v.push_back(l);
  return v;
}

const char* kAlexNetConv1 = "1,227,227,3,1,0,16,11,11,3,96,0,16,55,55,96,1,0,16,4,4,0,0,0,0";

}  // namespace

TEST(EnergyToolText, WritesAlexNetConvLayersAsPublished) {
  auto net = build_network(io::zoo_network("alexnet"));
  std::vector<std::string> notes;
  const std::string text = io::write_energy_tool_text(net, &notes);
  std::vector<std::string> lines;
  for (size_t p = 0, e; p < text.size(); p = e + 1) lines.push_back(text.substr(p, (e = text.find('\n', p)) - p));
  ASSERT_EQ(lines.size(), 8u);  // 5 CONV + 3 FC
  EXPECT_EQ(lines[0], kAlexNetConv1);
  // CONV2: 96x27x27 input, 5x5 filters over 48 channels (2 groups), 256 filters, padding 2.
  EXPECT_EQ(lines[1], "2,27,27,96,1,0,16,5,5,48,256,0,16,27,27,256,1,0,16,1,1,2,2,2,2");
  // FC6: the filter covers the 256x6x6 input.
  EXPECT_EQ(lines[5], "6,6,6,256,1,0,16,6,6,256,4096,0,16,1,1,4096,1,0,16,1,1,0,0,0,0");
  EXPECT_EQ(lines[6], "7,1,1,4096,1,0,16,1,1,4096,4096,0,16,1,1,4096,1,0,16,1,1,0,0,0,0");
  ASSERT_EQ(notes.size(), 1u);  // the 15 layers without MACs
  EXPECT_NE(notes[0].find("15 layers without MACs"), std::string::npos) << notes[0];
}

TEST(EnergyToolText, ZooRoundTripKeepsEveryMacRelevantField) {
  for (const auto& entry : io::zoo_list()) {
    auto net = build_network(io::zoo_network(entry.name));
    auto back = build_network(io::parse_energy_tool_text(io::write_energy_tool_text(net), entry.name + ".txt"));
    auto a = mac_layers(compute_stats(net)), b = mac_layers(compute_stats(back));
    ASSERT_EQ(a.size(), b.size()) << entry.name;
    const bool has_matmul = [&] {
      for (const auto& L : net.layers)
        if (L.spec.type == workload::LayerType::MatMul || L.spec.type == workload::LayerType::Linear) return true;
      return false;
    }();
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].macs, b[i].macs) << entry.name << " " << a[i].name;
      EXPECT_EQ(a[i].output_activations, b[i].output_activations) << entry.name << " " << a[i].name;
      EXPECT_EQ(a[i].bits, b[i].bits) << entry.name << " " << a[i].name;
      if (!has_matmul) {
        EXPECT_EQ(a[i].weights, b[i].weights) << entry.name << " " << a[i].name;
        EXPECT_EQ(a[i].category, b[i].category) << entry.name << " " << a[i].name;
        EXPECT_EQ(a[i].input_activations, b[i].input_activations) << entry.name << " " << a[i].name;
      }
    }
  }
}

TEST(EnergyToolText, DensitiesAndPerTensorBitsRoundTrip) {
  const std::string text =
      "1,13,13,384,1,16224,8,3,3,192,256,265421,4,13,13,256,1,0,16,1,1,1,1,1,1\n"
      "2,1,1,4096,1,0,8,1,1,4096,1000,0,8,1,1,1000,1,0,8,1,1,0,0,0,0\n";
  auto spec = io::parse_energy_tool_text(text, "dir/pruned.txt");
  EXPECT_EQ(spec.name, "pruned");
  ASSERT_EQ(spec.layers.size(), 2u);
  const auto& c = spec.layers[0];
  EXPECT_EQ(c.type, workload::LayerType::Conv);
  EXPECT_EQ(c.groups, 2);  // 384 input channels / 192 per filter
  EXPECT_EQ(c.origin, "dir/pruned.txt:1");
  EXPECT_DOUBLE_EQ(*c.input_density, 1.0 - 16224.0 / (13 * 13 * 384));
  EXPECT_DOUBLE_EQ(*c.weight_density, 1.0 - 265421.0 / (3 * 3 * 192 * 256));
  EXPECT_EQ(c.input_bits, 8);
  EXPECT_EQ(c.weight_bits, 4);
  EXPECT_EQ(c.output_bits, 16);
  EXPECT_EQ(spec.layers[1].type, workload::LayerType::FC);
  EXPECT_EQ(spec.layers[1].bits, 8);
  auto net = build_network(spec);
  EXPECT_EQ(io::write_energy_tool_text(net), text);
  auto st = compute_stats(net);
  EXPECT_EQ(st.layers[0].nonzero_weights, 3 * 3 * 192 * 256 - 265421);
}

TEST(EnergyToolText, BadInputNamesFileLineAndField) {
  struct Case {
    std::string text, expect;
  };
  const std::string ok = std::string(kAlexNetConv1) + "\n";
  const Case cases[] = {
      {"1,227,227,3\n", "layers.txt:1: expected 25 comma-separated fields"},
      {ok + "\n" + "2,227,227,3,1,0,16,11,11,3,96,0,16,55,55,96,1,0,16,4,4,0,0,0\n", "layers.txt:3: expected 25"},
      {"1,227,227,3,1,0,16,11,11,3,96,0,16,55,55,96,1,0,16,4,x,0,0,0,0\n", "layers.txt:1: field 21 (stride x): expected an integer, got 'x'"},
      {"2,227,227,3,1,0,16,11,11,3,96,0,16,55,55,96,1,0,16,4,4,0,0,0,0\n", "field 1 (layer index): expected 1"},
      {"1,227,227,3,1,0,16,11,11,3,96,0,16,54,55,96,1,0,16,4,4,0,0,0,0\n", "field 14 (output height): expected 55"},
      {"1,5,5,3,1,0,16,11,11,3,96,0,16,1,1,96,1,0,16,4,4,0,0,0,0\n", "field 8 (filter height): filter 11 is larger than the padded input 5"},
      {"1,227,227,3,1,0,16,11,11,2,96,0,16,55,55,96,1,0,16,4,4,0,0,0,0\n", "field 10 (filter channels): filter channels 2 do not divide"},
      {"1,227,227,3,4,0,16,11,11,3,96,0,16,55,55,96,4,0,16,4,4,0,0,0,0\n2,1,1,4,2,0,16,1,1,4,4,0,16,1,1,4,2,0,16,1,1,0,0,0,0\n",
       "layers.txt:2: field 5 (input maps (batch)): expected 4 maps as on the first line"},
      {"1,227,227,3,4,0,16,11,11,3,96,0,16,55,55,96,1,0,16,4,4,0,0,0,0\n", "field 17 (output maps (batch)): expected 4"},
      {"1,227,227,3,1,999999999,16,11,11,3,96,0,16,55,55,96,1,0,16,4,4,0,0,0,0\n", "field 6 (input zero entries): 999999999 zero entries"},
      {"1,227,227,3,1,0,0,11,11,3,96,0,16,55,55,96,1,0,16,4,4,0,0,0,0\n", "field 7 (input bits): expected a bit width in 1..64"},
      {"1,227,0,3,1,0,16,11,11,3,96,0,16,55,55,96,1,0,16,4,4,0,0,0,0\n", "field 3 (input width): expected an integer >= 1, got 0"},
      {"1,227,227,3,1,0,16,11,11,3,96,0,16,55,55,96,1,0,16,4,4,-1,0,0,0\n", "field 22 (padding top): expected an integer >= 0"},
      {"\n\n", "layers.txt: no layers"},
      {"1,3037000500,3037000500,3037000500,1,0,16,1,1,3037000500,1,0,16,3037000500,3037000500,1,1,0,16,1,1,0,0,0,0\n",
       "layers.txt:1: 64-bit overflow"},
  };
  for (const Case& c : cases) {
    const std::string msg = error_of(c.text);
    EXPECT_NE(msg.find(c.expect), std::string::npos) << "text: " << c.text << "\nmessage: " << msg;
  }
}

TEST(EnergyToolText, NumberOfMapsIsTheBatch) {
  const std::string text = "1,13,13,8,4,2704,16,3,3,8,16,0,16,11,11,16,4,0,16,1,1,0,0,0,0\n";
  auto spec = io::parse_energy_tool_text(text, "b.txt");
  EXPECT_EQ(spec.batch, 4);
  EXPECT_DOUBLE_EQ(*spec.layers[0].input_density, 0.5);  // 2704 of 4 x 13 x 13 x 8 entries are zero
  auto net = build_network(spec, spec.batch);
  EXPECT_EQ(compute_stats(net).total.macs, 4LL * 11 * 11 * 16 * 8 * 9);
  EXPECT_EQ(io::write_energy_tool_text(net), text);
}
