// Totals of every preset against the numbers of their sources (see data/arch/*.yaml headers).
#include <gtest/gtest.h>

#include "coda/arch/validate.hpp"
#include "coda/common/error.hpp"
#include "coda/io/arch_loader.hpp"

using namespace coda;
using arch::Architecture;

namespace {

const arch::StorageLevel& level(const Architecture& a, const std::string& name) {
  auto i = a.level_index(name);
  if (!i) throw std::runtime_error("no level " + name);
  return a.levels[*i];
}

constexpr int64_t KiB = 1024 * 8;  // bits

}  // namespace

TEST(Presets, EveryPresetLoadsAndValidatesWithoutWarnings) {
  const auto list = io::preset_list();
  EXPECT_GE(list.size(), 15u);
  for (const io::PresetInfo& p : list) {
    Architecture a = io::load_architecture(p.name);
    EXPECT_EQ(a.name, p.name);
    EXPECT_FALSE(a.description.empty()) << p.name;
    EXPECT_TRUE(arch::validate(a).empty()) << p.name;
    EXPECT_GT(a.total_macs(), 0);
  }
}

TEST(Presets, EyerissV1) {
  const Architecture a = io::load_architecture("eyeriss");
  EXPECT_EQ(a.pe_count(), 168);
  EXPECT_EQ(a.total_macs(), 168);
  EXPECT_EQ(level(a, "PE").mesh_x, 14);  // 14 columns
  EXPECT_EQ(level(a, "PE").mesh_y, 12);  // 12 rows
  EXPECT_DOUBLE_EQ(a.peak_macs_per_second(), 33.6e9);
  const auto& glb = level(a, "GLB");
  EXPECT_EQ(glb.capacity_bits(), 108 * KiB);
  EXPECT_EQ(glb.capacity_for("Weights") * 16, 8 * KiB);
  EXPECT_EQ(glb.capacity_for("Inputs") * 16, 100 * KiB);
  EXPECT_EQ(glb.partition_for("Inputs"), glb.partition_for("Outputs"));  // shared ifmap/psum space
  const auto& pe = level(a, "PE");
  EXPECT_EQ(pe.capacity_for("Weights"), 224);
  EXPECT_EQ(pe.capacity_for("Inputs"), 12);
  EXPECT_EQ(pe.capacity_for("Outputs"), 24);
  EXPECT_EQ(pe.word_bits, 16);
  // 108 kB GLB + 168 filter spads of 224 x 16 b = 181.5 kB of SRAM (JSSC 2017).
  EXPECT_EQ(a.on_chip_bits_of_class("sram"), 108 * KiB + 168 * 224 * 16);
  EXPECT_DOUBLE_EQ(static_cast<double>(a.on_chip_bits_of_class("sram")) / KiB, 181.5);
  EXPECT_TRUE(a.sparsity.gating);
  EXPECT_EQ(a.sparsity.compressed_tensors, (std::vector<std::string>{"Inputs", "Outputs"}));
  EXPECT_TRUE(glb.network_for("Weights").multicast);
  EXPECT_TRUE(glb.network_for("Outputs").spatial_reduction);
  // 64-bit DRAM link at 90 MHz, in 16-bit words per 200 MHz core cycle.
  EXPECT_DOUBLE_EQ(level(a, "DRAM").shared_bandwidth, 64.0 / 16.0 * 90.0 / 200.0);
  EXPECT_EQ(a.dataflow, "rs");
  EXPECT_EQ(a.tech.model, "eyeriss65");
}

TEST(Presets, Eyeriss256) {
  const Architecture a = io::load_architecture("eyeriss-256");
  EXPECT_EQ(a.pe_count(), 256);
  EXPECT_EQ(level(a, "RF").capacity_bits(), 512 * 8);
  EXPECT_EQ(level(a, "GLB").capacity_bits(), 128 * KiB);
}

TEST(Presets, ShiDianNao) {
  const Architecture a = io::load_architecture("shidiannao");
  EXPECT_EQ(a.pe_count(), 64);
  EXPECT_EQ(level(a, "Buffers").capacity_bits(), 256 * KiB);
  EXPECT_EQ(level(a, "Buffers").capacity_for("Weights") * 16, 128 * KiB);
  EXPECT_DOUBLE_EQ(a.peak_macs_per_second(), 64e9);
  EXPECT_EQ(a.dataflow, "os_a");
}

TEST(Presets, TpuV1) {
  const Architecture a = io::load_architecture("tpu-v1");
  EXPECT_EQ(a.total_macs(), 65536);
  EXPECT_EQ(a.compute.operand_bits, 8);
  EXPECT_DOUBLE_EQ(a.clock_hz, 700e6);
  EXPECT_NEAR(2 * a.peak_macs_per_second() / 1e12, 92, 0.5);  // 92 TOPS
  EXPECT_EQ(level(a, "Buffers").capacity_for("Inputs") * 8, 24 * 1024 * KiB);
  EXPECT_EQ(level(a, "Accumulators").capacity_bits(), 4 * 1024 * KiB);
  EXPECT_EQ(level(a, "Accumulators").word_bits, 32);
  EXPECT_EQ(level(a, "DRAM").subclass, "ddr3");
  // 34 GB/s at 700 MHz in bytes (8-bit words) per cycle.
  EXPECT_DOUBLE_EQ(level(a, "DRAM").shared_bandwidth, 34e9 / 700e6);
  EXPECT_EQ(level(a, "Accumulators").network_for("Inputs").topology, arch::Topology::Systolic);
}

TEST(Presets, NvdlaLike) {
  const Architecture a = io::load_architecture("nvdla-like");
  EXPECT_EQ(a.total_macs(), 2048);
  EXPECT_DOUBLE_EQ(a.clock_hz, 1e9);
  EXPECT_EQ(level(a, "CBUF").capacity_bits(), 512 * KiB);
  EXPECT_FALSE(level(a, "CBUF").may_keep("Outputs"));
  EXPECT_DOUBLE_EQ(level(a, "DRAM").shared_bandwidth, 10.0);  // 10 GB/s at 1 GHz, 1-byte words
}

TEST(Presets, SimbaLike) {
  const Architecture a = io::load_architecture("simba-like");
  EXPECT_EQ(a.pe_count(), 16);
  EXPECT_EQ(a.total_macs(), 1024);
  const auto& pe = level(a, "PE");
  EXPECT_EQ(pe.capacity_for("Weights") * 8, 32 * KiB);
  EXPECT_EQ(pe.capacity_for("Inputs") * 8, 8 * KiB);
  EXPECT_EQ(pe.capacity_for("Outputs"), 1024);  // 3 kB of 24-bit partial sums
  EXPECT_EQ(pe.word_bits_for("Outputs"), 24);
  EXPECT_EQ(level(a, "GlobalBuffer").capacity_bits(), 64 * KiB);
}

TEST(Presets, SqueezeleratorIsParameterised) {
  const Architecture a = io::load_architecture("squeezelerator");
  EXPECT_EQ(a.pe_count(), 32 * 32);
  EXPECT_EQ(level(a, "RF").capacity_words, 16);
  EXPECT_EQ(level(a, "GLB").capacity_bits(), 128 * KiB);
  EXPECT_EQ(level(a, "DRAM").latency_cycles, 100);
  EXPECT_DOUBLE_EQ(level(a, "DRAM").shared_bandwidth, 16e9 / 1e9 / 2);  // 16-bit words per cycle
  const Architecture b = io::load_architecture("squeezelerator", {{"N", "16"}, {"RF", "8"}});
  EXPECT_EQ(b.pe_count(), 256);
  EXPECT_EQ(level(b, "RF").capacity_words, 8);
  EXPECT_NE(b.description.find("16x16"), std::string::npos) << b.description;
}

TEST(Presets, GenericArraysFollowTheirParameters) {
  const Architecture s = io::load_architecture(
      "spatial-array", {{"ROWS", "12"}, {"COLS", "14"}, {"GLB_KIB", "64"}, {"DATAFLOW", "ws"}, {"WORD_BITS", "8"}});
  EXPECT_EQ(s.pe_count(), 168);
  EXPECT_EQ(level(s, "GLB").capacity_bits(), 64 * KiB);
  EXPECT_EQ(level(s, "GLB").word_bits, 8);
  EXPECT_EQ(s.compute.operand_bits, 8);
  EXPECT_EQ(s.dataflow, "ws");
  const Architecture t = io::load_architecture("systolic-array");
  EXPECT_EQ(t.pe_count(), 32 * 32);
  EXPECT_EQ(level(t, "SRAM").capacity_for("Inputs") * 8, 64 * KiB);
  EXPECT_EQ(t.dataflow, "os");
  const Architecture u = io::load_architecture("systolic-array", {{"ROWS", "128"}, {"COLS", "128"}, {"DATAFLOW", "is"}});
  EXPECT_EQ(u.total_macs(), 128 * 128);
  EXPECT_EQ(u.dataflow, "is");
  EXPECT_THROW(io::load_architecture("systolic-array", {{"DATAFLOW", "diagonal"}}), InputError);
  EXPECT_THROW(io::load_architecture("systolic-array", {{"ROWS", "0"}}), InputError);
}

TEST(Presets, UnknownNamesListThePresets) {
  try {
    io::load_architecture("eyriss");
    FAIL();
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("unknown architecture preset 'eyriss'"), std::string::npos) << m;
    EXPECT_NE(m.find("eyeriss-256-nlr"), std::string::npos) << m;
    EXPECT_NE(m.find("tpu-v1"), std::string::npos) << m;
  }
  EXPECT_THROW(io::load_architecture("no/such/file.yaml"), InputError);
  EXPECT_THROW(io::load_architecture("eyeriss", {{"N", "3"}}), InputError);  // no parameters
}
