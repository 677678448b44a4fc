// Hand-derived cases of docs/model.md §7: a 1-D convolution (M = 2 filters of R = 3 taps over
// P = 4 outputs, C = N = 1, stride 1, so the input has H = 6 elements) on a two-level machine
// (DRAM -> one register file -> one MAC), mapped weight-stationary, output-stationary and with the
// inputs kept in the register file (sliding-window reuse). Energies per 16-bit word: DRAM 200 pJ
// read/write, RF 1 pJ read/write, MAC 1 pJ (the Eyeriss normalised costs, ISCA 2016).
#include <gtest/gtest.h>

#include "coda/model/evaluate.hpp"
#include "coda/workload/builders.hpp"

namespace coda {
namespace {

using mapping::Axis;
using mapping::Loop;

workload::Problem conv1d() {
  workload::ConvShape s;
  s.m = 2;
  s.p = 4;
  s.r = 3;
  return workload::make_conv("conv1d", s);
}

model::Machine two_level() {
  model::Machine m;
  m.num_levels = 2;
  m.levels[0].name = "DRAM";
  m.levels[0].set_energy(200, 200);
  m.levels[1].name = "RF";
  m.levels[1].capacity_words = 16;
  m.levels[1].set_energy(1, 1);
  m.compute.mac_pj = 1;
  return m;
}

// Tensor indices of make_conv: 0 Weights, 1 Inputs, 2 Outputs. Dimensions: N G M C P Q R S.
constexpr int W = 0, I = 1, O = 2;
constexpr int M = 2, P = 4, R = 6;

mapping::Mapping nest(uint32_t rf_keep) {
  mapping::Mapping map;
  map.levels.resize(2);
  map.levels[0].temporal = {Loop{M, 2}, Loop{P, 4}};
  map.levels[1].temporal = {Loop{R, 3}};
  map.levels[1].keep = rf_keep;
  return map;
}

TEST(HandCases, WeightStationary) {
  auto p = conv1d();
  model::Result r;
  model::evaluate(p, two_level(), nest(1u << W), r);
  ASSERT_TRUE(r.valid) << r.why();
  const auto& c = r.counts;
  EXPECT_EQ(c.macs, 24);
  EXPECT_EQ(c.compute_steps, 24);
  // The RF holds the 3 taps of one filter; they change only when m advances: 2 x 3 fills.
  EXPECT_EQ(c.at[1][W].tile, 3);
  EXPECT_EQ(c.at[1][W].fills, 6);
  EXPECT_EQ(c.at[1][W].reads, 24);  // one per MAC
  EXPECT_EQ(c.at[0][W].reads, 6);   // DRAM serves the fills
  // Inputs and outputs bypass the RF: every MAC reads DRAM and accumulates into DRAM.
  EXPECT_EQ(c.at[0][I].reads, 24);
  EXPECT_EQ(c.at[0][O].updates, 24);
  EXPECT_EQ(c.at[0][O].fills, 8);  // 8 outputs: the first accumulation of each is a plain write
  EXPECT_EQ(c.at[0][O].rmw, 16);
  // Energy: DRAM (6 + 24) reads x 200 + 8 writes x 200 + 16 RMW x (200 + 200); RF 6 writes + 24
  // reads; 24 MACs.
  EXPECT_DOUBLE_EQ(r.level_energy_pj[0], 30 * 200.0 + 8 * 200.0 + 16 * 400.0);
  EXPECT_DOUBLE_EQ(r.level_energy_pj[1], 6 + 24);
  EXPECT_DOUBLE_EQ(r.mac_energy_pj, 24);
  EXPECT_DOUBLE_EQ(r.energy_pj, 14000 + 30 + 24);
  EXPECT_DOUBLE_EQ(r.cycles, 24);
  EXPECT_DOUBLE_EQ(r.utilization, 1.0);
  EXPECT_DOUBLE_EQ(r.dram_accesses_per_mac, (30.0 + 24.0) / 24.0);
}

TEST(HandCases, OutputStationary) {
  auto p = conv1d();
  model::Result r;
  model::evaluate(p, two_level(), nest(1u << O), r);
  ASSERT_TRUE(r.valid) << r.why();
  const auto& c = r.counts;
  // One output per RF residency (r is innermost): 8 residencies, 24 accumulations of which the
  // first of each is a write, and 8 drains to DRAM (which are first writes there: no RMW).
  EXPECT_EQ(c.at[1][O].tile, 1);
  EXPECT_EQ(c.at[1][O].fills, 8);
  EXPECT_EQ(c.at[1][O].updates, 24);
  EXPECT_EQ(c.at[1][O].rmw, 16);
  EXPECT_EQ(c.at[1][O].reads, 8);
  EXPECT_EQ(c.at[0][O].updates, 8);
  EXPECT_EQ(c.at[0][O].rmw, 0);
  EXPECT_EQ(c.at[0][W].reads, 24);
  EXPECT_EQ(c.at[0][I].reads, 24);
  // DRAM: 48 reads + 8 writes; RF: 8 writes + 16 RMW x 2 + 8 reads; 24 MACs.
  EXPECT_DOUBLE_EQ(r.level_energy_pj[0], 56 * 200.0);
  EXPECT_DOUBLE_EQ(r.level_energy_pj[1], 8 + 32 + 8);
  EXPECT_DOUBLE_EQ(r.energy_pj, 11200 + 48 + 24);
}

TEST(HandCases, SlidingWindowReuseOfInputs) {
  auto p = conv1d();
  model::Result r;
  model::evaluate(p, two_level(), nest(1u << I), r);
  ASSERT_TRUE(r.valid) << r.why();
  const auto& c = r.counts;
  // The RF holds inputs [p, p+3). First tile 3; each of the 3 p-steps per filter brings 1 new
  // input (2 overlap); when m advances p wraps from [3,6) to [0,3): 3 new. 3 + 2*3*1 + 3 = 12.
  EXPECT_EQ(c.at[1][I].tile, 3);
  EXPECT_EQ(c.at[1][I].fills, 12);
  EXPECT_EQ(c.at[0][I].reads, 12);
  EXPECT_EQ(c.at[1][I].reads, 24);
}

TEST(HandCases, MulticastAndSpatialReduction) {
  // The same problem on 3 MACs under the RF, R unrolled spatially: the 3 MACs of one step need
  // 3 different weights and 3 different inputs, and produce partial sums of one output.
  auto p = conv1d();
  auto m = two_level();
  m.compute.fanout_x = 3;
  mapping::Mapping map;
  map.levels.resize(2);
  map.levels[0].temporal = {Loop{M, 2}, Loop{P, 4}};
  map.levels[1].spatial = {Loop{R, 3, Axis::X}};
  map.levels[1].keep = (1u << O);
  m.levels[1].reduction[O] = true;
  model::Result r;
  model::evaluate(p, m, map, r);
  ASSERT_TRUE(r.valid) << r.why();
  EXPECT_EQ(r.counts.compute_steps, 8);
  EXPECT_EQ(r.counts.at[1][O].deliveries, 24);  // 3 partial sums per step leave the MACs
  EXPECT_EQ(r.counts.at[1][O].updates, 8);      // reduced in the network: one per step
  EXPECT_EQ(r.counts.at[1][O].rmw, 0);
  m.levels[1].reduction[O] = false;
  model::evaluate(p, m, map, r);
  EXPECT_EQ(r.counts.at[1][O].updates, 24);
  EXPECT_EQ(r.counts.at[1][O].rmw, 16);
  // Weights do not depend on P: with R spread over X and P temporal, a multicast network does not
  // help weights (3 distinct per step), but mapping M spatially would let inputs be multicast.
  EXPECT_EQ(r.counts.at[0][W].reads, 24);
}

TEST(HandCases, InvalidMappingsSayWhy) {
  auto p = conv1d();
  auto m = two_level();
  m.levels[1].capacity_words = 2;
  model::Result r;
  model::evaluate(p, m, nest(1u << W), r);
  EXPECT_FALSE(r.valid);
  EXPECT_NE(std::string(r.why()).find("RF"), std::string::npos) << r.why();
  EXPECT_NE(std::string(r.why()).find("1.50x"), std::string::npos) << r.why();
  auto map = nest(1u << W);
  map.levels[0].keep = 0b011;
  model::evaluate(p, two_level(), map, r);
  EXPECT_FALSE(r.valid);
  EXPECT_NE(std::string(r.why()).find("bypasses Outputs"), std::string::npos) << r.why();
  map = nest(1u << W);
  map.levels[0].temporal = {Loop{M, 2}, Loop{P, 3}};
  model::evaluate(p, two_level(), map, r);
  EXPECT_FALSE(r.valid);
  EXPECT_NE(std::string(r.why()).find("less than its bound 4"), std::string::npos) << r.why();
  map = nest(1u << W);
  map.levels[1].spatial = {Loop{R, 3, Axis::Y}};
  map.levels[1].temporal = {};
  model::evaluate(p, two_level(), map, r);
  EXPECT_FALSE(r.valid);
  EXPECT_NE(std::string(r.why()).find("spatial-Y"), std::string::npos) << r.why();
}

}  // namespace
}  // namespace coda
