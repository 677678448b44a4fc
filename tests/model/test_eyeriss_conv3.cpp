// The Eyeriss row-stationary mapping of AlexNet CONV3 (batch 4; JSSC 2017 Table III), derived by
// hand in docs/model.md §8: every count below is a product of loop trip counts and tile sizes.
#include <gtest/gtest.h>

#include "coda/io/arch_loader.hpp"
#include "coda/io/layer_loader.hpp"
#include "coda/io/mapping_yaml.hpp"
#include "coda/io/yaml_reader.hpp"
#include "coda/model/bind.hpp"
#include "coda/model/evaluate.hpp"
#include "coda/sim/walker.hpp"
#include "coda/workload/builders.hpp"

namespace coda {
namespace {

constexpr int W = 0, I = 1, O = 2;
constexpr int DRAM = 0, GLB = 1, PE = 2;

TEST(EyerissConv3, HandDerivedCounts) {
  auto a = io::load_architecture("eyeriss");
  auto l = io::load_layer("alexnet:conv3", 4);
  auto m = model::bind(a, model::library_for(a), l.problem);
  auto map =
      io::read_mapping_file(std::string(CODA_SOURCE_DIR) + "/examples/mappings/eyeriss_alexnet_conv3_rs.yaml",
                            l.problem, model::level_names(a));
  model::Result r;
  model::evaluate(l.problem, m, map, r);
  ASSERT_TRUE(r.valid) << r.why();
  const auto& c = r.counts;
  const int64_t macs = 4LL * 384 * 256 * 13 * 13 * 3 * 3;
  const int64_t pes = 13 * 3 * 4;  // P13 x R3 x M4
  EXPECT_EQ(c.macs, macs);
  EXPECT_EQ(r.active_units, pes);
  EXPECT_EQ(c.compute_steps, macs / pes);
  // Weights: a PE holds 16 filters x 4 channels x 3 taps; it changes with (M, C) only: 6 x 64 tiles.
  EXPECT_EQ(c.at[PE][W].tile, 192);
  EXPECT_EQ(c.at[PE][W].fills, 6 * 64 * 192 * pes);
  EXPECT_EQ(c.at[PE][W].reads, macs);
  EXPECT_EQ(c.at[GLB][W].tile, 64 * 4 * 9);
  EXPECT_EQ(c.at[GLB][W].fills, 384LL * 256 * 9);  // every weight enters the GLB once
  EXPECT_EQ(c.at[GLB][W].reads, 384LL * 256 * 9);  // ... and leaves it once: multicast over P
  EXPECT_EQ(c.at[GLB][W].deliveries, 6 * 64 * 192 * pes);
  // Inputs: a PE holds 4 channels x a 3-wide window of one row; each Q step brings 4 new inputs.
  EXPECT_EQ(c.at[PE][I].tile, 12);
  EXPECT_EQ(c.at[PE][I].fills, 6LL * 64 * 4 * (12 + 12 * 4) * pes);
  EXPECT_EQ(c.at[GLB][I].tile, 4 * 4 * 15 * 15);
  EXPECT_EQ(c.at[GLB][I].fills, 6LL * 64 * 4 * 4 * 15 * 15);  // inputs re-read once per filter block
  EXPECT_EQ(c.at[DRAM][I].reads, 6LL * 4 * 256 * 15 * 15);
  // Diagonal multicast: the 39 PEs of a set need only the 15 rows h = p + r of each step.
  EXPECT_EQ(c.at[GLB][I].reads, c.at[GLB][I].fills);
  // Outputs: 16 psums per PE per Q step; one accumulation per MAC; reduced over R in the network.
  EXPECT_EQ(c.at[PE][O].tile, 16);
  EXPECT_EQ(c.at[PE][O].fills, 6LL * 64 * 4 * 13 * 16 * pes);
  EXPECT_EQ(c.at[PE][O].updates, macs);
  EXPECT_EQ(c.at[PE][O].rmw, macs - c.at[PE][O].fills);
  EXPECT_EQ(c.at[GLB][O].tile, 4 * 64 * 13 * 13);
  EXPECT_EQ(c.at[GLB][O].updates, c.at[PE][O].fills / 3);
  EXPECT_EQ(c.at[GLB][O].fills, 4LL * 384 * 13 * 13);  // the psums stay in the GLB across all C
  EXPECT_EQ(c.at[DRAM][O].updates, 4LL * 384 * 13 * 13);
  EXPECT_EQ(c.at[DRAM][O].rmw, 0);
}

TEST(EyerissConv3, ReducedInstanceAgreesWithTheOracle) {
  // The same row-stationary structure on a problem small enough to walk exhaustively (fewer
  // filters, channels and images; the same 13 x 3 PE set and the same spads).
  auto a = io::load_architecture("eyeriss");
  workload::ConvShape s;
  s.n = 2;
  s.m = 8;
  s.c = 4;
  s.p = 13;
  s.q = 13;
  s.r = 3;
  s.s = 3;
  auto p = workload::make_conv("conv3_small", s);
  auto m = model::bind(a, model::library_for(a), p);
  auto map = io::parse_mapping_yaml(
      io::parse_yaml("mapping:\n"
                     "  - {level: DRAM, temporal: [M2, C2]}\n"
                     "  - {level: GLB, temporal: [N2, Q13], spatial: [P13X, R3Y, M2Y]}\n"
                     "  - {level: PE, temporal: [M2, C2, S3]}\n",
                     "small.yaml"),
      p, model::level_names(a), "small.yaml");
  model::Result r;
  model::evaluate(p, m, map, r);
  ASSERT_TRUE(r.valid) << r.why();
  EXPECT_EQ(r.counts, sim::simulate(p, m, map, 50'000'000));
}

}  // namespace
}  // namespace coda
