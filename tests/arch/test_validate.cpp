#include <gtest/gtest.h>

#include "coda/arch/validate.hpp"
#include "coda/common/error.hpp"
#include "coda/io/arch_yaml.hpp"

using namespace coda;

namespace {

// A valid description; each test breaks one thing with a text replacement.
const std::string kValid = R"(name: t
clock_mhz: 100
dataflow: ws
levels:
  - name: DRAM
    class: dram
    subclass: lpddr4
  - name: GLB
    class: sram
    capacity_words: 1024
    block_words: 4
    read_bandwidth: 8
    network:
      - {tensors: [Weights], topology: bus}
      - {topology: mesh, spatial_reduction: true}
  - name: RF
    class: regfile
    mesh: [4, 4]
    partitions:
      - {name: w, tensors: [Weights], capacity_words: 8}
      - {name: o, tensors: [Outputs], capacity_words: 2}
compute:
  name: MAC
  operand_bits: 8
)";

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// The message of validating `text` (parse errors included), or "" if valid.
std::string error_of(const std::string& text) {
  try {
    arch::validate(io::parse_arch_yaml(text, "t.yaml"));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Validate, TheBaseDescriptionIsValid) {
  EXPECT_EQ(error_of(kValid), "");
  EXPECT_TRUE(arch::validate(io::parse_arch_yaml(kValid, "t.yaml")).empty());
}

TEST(Validate, ErrorsNameTheFileLevelKeyAndProblem) {
  struct Case {
    std::string from, to, expect;
  };
  const Case cases[] = {
      {"class: sram", "class: edram", "t.yaml:8: architecture 't', level 'GLB', key 'class': unknown storage class 'edram'"},
      {"subclass: lpddr4", "subclass: ddr9", "level 'DRAM', key 'subclass': unknown DRAM type 'ddr9'"},
      {"capacity_words: 1024", "capacity_words: 0", "level 'GLB', key 'capacity_words': missing capacity"},
      {"block_words: 4", "block_words: 2048", "block of 2048 words is larger than the capacity"},
      {"block_words: 4", "block_words: 0", "key 'block_words': expected block_words >= 1"},
      {"read_bandwidth: 8", "read_bandwidth: -1", "key 'read_bandwidth': expected a bandwidth >= 0"},
      {"mesh: [4, 4]", "mesh: [4, 0]", "level 'RF', key 'mesh'"},
      {"name: RF", "name: GLB", "level 'GLB', key 'name': duplicate level name"},
      {"name: MAC", "name: RF", "key 'compute.name'"},
      {"operand_bits: 8", "operand_bits: 0", "key 'compute.operand_bits'"},
      {"dataflow: ws", "dataflow: ws/xy", "key 'dataflow': unknown dataflow 'xy'"},
      {"tensors: [Weights], topology: bus", "tensors: [Weight], topology: bus",
       "key 'network[0].tensors': unknown tensor 'Weight'"},
      {"{topology: mesh, spatial_reduction: true}", "{tensors: [Weights], topology: mesh}",
       "tensor 'Weights' is carried by two networks"},
      {"{topology: mesh, spatial_reduction: true}", "{tensors: [Inputs], topology: mesh}",
       "no network carries tensor 'Outputs'"},
      {"{name: o, tensors: [Outputs], capacity_words: 2}", "{name: o, tensors: [Weights], capacity_words: 2}",
       "tensor 'Weights' is held by two partitions"},
      {"{name: o, tensors: [Outputs], capacity_words: 2}", "{name: w, tensors: [Outputs], capacity_words: 2}",
       "duplicate partition name"},
      {"{name: o, tensors: [Outputs], capacity_words: 2}", "{name: o, tensors: [Outputs], capacity_words: 0}",
       "expected a capacity >= 1 word"},
      {"    mesh: [4, 4]\n", "    mesh: [4, 4]\n    capacity_words: 11\n", "the partitions add up to 10 words but the level capacity is 11"},
      {"    mesh: [4, 4]\n", "    mesh: [4, 4]\n    keeps: [Inputs]\n", "tensor 'Inputs' is kept but no partition holds it"},
      {"    subclass: lpddr4\n", "    subclass: lpddr4\n    keeps: [Weights]\n", "outermost level must be able to keep every tensor"},
      {"class: dram\n    subclass: lpddr4", "class: sram", "level 'DRAM', key 'capacity_words': missing capacity"},
      {"class: regfile", "class: dram", "a DRAM level must be the outermost level"},
      {"    class: sram\n", "    class: sram\n    multiple_buffering: 0\n", "key 'multiple_buffering'"},
      {"    class: sram\n", "    class: sram\n    latency_cycles: -3\n", "key 'latency_cycles'"},
      {"    class: sram\n", "    class: sram\n    word_bits: 0\n", "expected a word width in [1, 1024] bits, got 0"},
      {"clock_mhz: 100", "clock_mhz: 0", "clock"},
      {"clock_mhz: 100", "clock_mhz: 100\ntechnology: {model: tsmc7}", "unknown technology model 'tsmc7'"},
      {"clock_mhz: 100", "clock_mhz: 100\nsparsity: {gating: true, skipping: true}", "gating and skipping are alternatives"},
      {"clock_mhz: 100", "clock_mhz: 100\nsparsity: {compressed_tensors: [Psums]}", "unknown tensor 'Psums'"},
      {"clock_mhz: 100", "clock_mhz: 100\nsparsity: {compressed_tensors: [Inputs], compression: huffman}",
       "unknown compression 'huffman'"},
      {"clock_mhz: 100", "clock_mhz: 100\ntensors: [Weights, Weights]", "tensor 'Weights' is listed twice"},
      {"{topology: mesh, spatial_reduction: true}", "{topology: mesh, hop_mm: -1}", "network[1].hop_mm"},
      {"{topology: mesh, spatial_reduction: true}", "{topology: mesh}\n      - {topology: bus}", "only one network may omit"},
  };
  for (const Case& c : cases) {
    const std::string err = error_of(replace(kValid, c.from, c.to));
    EXPECT_NE(err.find(c.expect), std::string::npos) << "case '" << c.to << "': got '" << err << "'";
  }
}

TEST(Validate, DeclaredTensorsExtendTheKnownNames) {
  std::string text = replace(kValid, "dataflow: ws", "dataflow: ws\ntensors: [Weights, Inputs, Outputs, Bias]");
  text = replace(text, "{tensors: [Weights], topology: bus}", "{tensors: [Weights, Bias], topology: bus}");
  EXPECT_EQ(error_of(text), "");
}

TEST(Validate, MixedWidthPartitionsMustNotGiveALevelCapacity) {
  std::string text = replace(kValid, "{name: o, tensors: [Outputs], capacity_words: 2}",
                             "{name: o, tensors: [Outputs], capacity_words: 2, word_bits: 32}");
  EXPECT_EQ(error_of(text), "");
  auto a = io::parse_arch_yaml(text, "t.yaml");
  EXPECT_EQ(a.levels[2].capacity_words, 0);
  EXPECT_EQ(a.levels[2].capacity_bits(), 8 * 16 + 2 * 32);
  text = replace(text, "    mesh: [4, 4]\n", "    mesh: [4, 4]\n    capacity_words: 10\n");
  EXPECT_NE(error_of(text).find("partitions of different word widths"), std::string::npos) << error_of(text);
}

TEST(Validate, BandwidthImbalanceIsAWarningNotAnError) {
  // 16 children x 4 words/cycle without multicast exceed the GLB's 8 words/cycle.
  std::string text = replace(kValid, "      - {tensors: [Weights], topology: bus}\n      - {topology: mesh, spatial_reduction: true}",
                             "      - {topology: bus, multicast: false}");
  text = replace(text, "    mesh: [4, 4]\n", "    mesh: [4, 4]\n    write_bandwidth: 4\n");
  auto a = io::parse_arch_yaml(text, "t.yaml");
  auto warnings = arch::validate(a);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("can absorb 64 words/cycle but 'GLB' delivers at most 8"), std::string::npos) << warnings[0];
  // With multicast one read may fill many children: no warning.
  a.levels[1].networks[0].multicast = true;
  EXPECT_TRUE(arch::validate(a).empty());
}

TEST(Validate, AnEmptyArchitectureIsAnError) {
  arch::Architecture a;
  a.name = "x";
  EXPECT_THROW(arch::validate(a), InputError);
}
