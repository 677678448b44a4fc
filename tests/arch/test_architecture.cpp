#include <gtest/gtest.h>

#include <stdexcept>

#include "coda/arch/architecture.hpp"
#include "coda/common/error.hpp"

using namespace coda;
using namespace coda::arch;

namespace {

// DRAM -> GLB (partitioned) -> 4x2 PEs (shared RF) -> 2 MACs each.
Architecture small() {
  Architecture a;
  a.name = "small";
  a.clock_hz = 100e6;
  StorageLevel dram;
  dram.name = "DRAM";
  dram.cls = "dram";
  StorageLevel glb;
  glb.name = "GLB";
  glb.partitions = {Partition{"w", {"Weights"}, 100, "", 0}, Partition{"io", {"Inputs", "Outputs"}, 300, "regfile", 8}};
  glb.networks = {Network{{"Weights"}, Topology::Bus, true, false, 4, std::nullopt, 0},
                  Network{{}, Topology::Mesh, true, true, 0, 0.5, 0.1}};
  StorageLevel rf;
  rf.name = "RF";
  rf.cls = "regfile";
  rf.mesh_x = 4;
  rf.mesh_y = 2;
  rf.capacity_words = 32;
  rf.keeps = {"Weights", "Outputs"};
  a.levels = {dram, glb, rf};
  a.compute.mesh_x = 2;
  return a;
}

}  // namespace

TEST(Architecture, TotalsMultiplyFanoutsFromTheRoot) {
  Architecture a = small();
  EXPECT_EQ(a.total_instances(0), 1);
  EXPECT_EQ(a.total_instances(1), 1);
  EXPECT_EQ(a.total_instances(2), 8);
  EXPECT_EQ(a.total_macs(), 16);
  EXPECT_EQ(a.peak_macs_per_cycle(), 16);
  EXPECT_DOUBLE_EQ(a.peak_macs_per_second(), 16 * 100e6);
  EXPECT_EQ(a.pe_count(), 8);
  EXPECT_THROW(a.total_instances(3), std::out_of_range);
  EXPECT_EQ(a.level_index("RF"), 2u);
  EXPECT_FALSE(a.level_index("L2").has_value());
}

TEST(Architecture, PeCountFallsBackToMacsWithoutAReplicatedLevel) {
  Architecture a = small();
  a.levels.pop_back();
  a.compute.mesh_x = 16;
  a.compute.mesh_y = 16;
  EXPECT_EQ(a.pe_count(), 256);
  EXPECT_EQ(a.total_macs(), 256);
}

TEST(Architecture, OnChipCapacityCountsEveryInstanceAndPartitionWidth) {
  Architecture a = small();
  // GLB: 100 x 16 b + 300 x 8 b = 4000 bits; RF: 8 x 32 x 16 b = 4096 bits; DRAM excluded.
  EXPECT_EQ(a.levels[1].capacity_bits(), 4000);
  EXPECT_EQ(a.on_chip_bits(), 4000 + 4096);
  EXPECT_EQ(a.on_chip_bits_of_class("sram"), 1600);
  EXPECT_EQ(a.on_chip_bits_of_class("regfile"), 2400 + 4096);
  EXPECT_DOUBLE_EQ(a.on_chip_bytes(), (4000 + 4096) / 8.0);
}

TEST(Architecture, KeepCapacityAndNetworkPerTensor) {
  Architecture a = small();
  const StorageLevel& glb = a.levels[1];
  EXPECT_TRUE(glb.may_keep("Weights"));
  EXPECT_TRUE(glb.may_keep("Outputs"));
  EXPECT_FALSE(glb.may_keep("Bias"));  // not in any partition
  EXPECT_EQ(glb.capacity_for("Weights"), 100);
  EXPECT_EQ(glb.capacity_for("Inputs"), 300);
  EXPECT_EQ(glb.word_bits_for("Inputs"), 8);
  EXPECT_EQ(glb.word_bits_for("Weights"), 16);
  EXPECT_EQ(glb.partition_for("Outputs")->name, "io");
  EXPECT_THROW(glb.capacity_for("Bias"), std::invalid_argument);
  EXPECT_EQ(glb.network_for("Weights").bandwidth_words, 4);
  EXPECT_EQ(glb.network_for("Inputs").topology, Topology::Mesh);  // the catch-all
  EXPECT_TRUE(glb.network_for("Outputs").spatial_reduction);

  const StorageLevel& rf = a.levels[2];
  EXPECT_TRUE(rf.may_keep("Weights"));
  EXPECT_FALSE(rf.may_keep("Inputs"));  // keeps excludes it
  EXPECT_EQ(rf.capacity_for("Outputs"), 32);
  const Network& def = rf.network_for("Inputs");  // no networks: the default
  EXPECT_EQ(def, Network{});
  EXPECT_TRUE(def.multicast);
  EXPECT_FALSE(def.spatial_reduction);
  EXPECT_TRUE(a.levels[0].is_unbounded());
  EXPECT_FALSE(rf.is_unbounded());
}

TEST(Architecture, OverflowingFanoutsThrow) {
  Architecture a = small();
  a.levels[2].mesh_x = int64_t{1} << 40;
  a.levels[2].mesh_y = int64_t{1} << 30;
  EXPECT_THROW(a.total_macs(), OverflowError);
}

TEST(Architecture, OriginsDoNotTakePartInEquality) {
  Architecture a = small(), b = small();
  a.origin.where = "x.yaml";
  a.levels[1].origin.where = "x.yaml:7";
  EXPECT_EQ(a, b);
  b.levels[1].partitions[0].capacity_words = 101;
  EXPECT_NE(a, b);
}

TEST(Architecture, TopologyNamesRoundTrip) {
  for (Topology t : {Topology::Bus, Topology::Mesh, Topology::Systolic})
    EXPECT_EQ(parse_topology(topology_name(t)), t);
  EXPECT_FALSE(parse_topology("torus").has_value());
}
