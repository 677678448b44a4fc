// model::Evaluator reuses the caller's Result without clearing all of it (evaluate.cpp,
// reset_for): a result reused across mappings, problems and machines must read exactly as a
// fresh one, valid or not.
#include <gtest/gtest.h>

#include "../mapping/fixtures.hpp"
#include "coda/common/rng.hpp"
#include "coda/mapping/dataflows.hpp"
#include "coda/mapping/mapspace.hpp"
#include "coda/model/evaluate.hpp"

namespace coda {
namespace {

void expect_same(const model::Result& a, const model::Result& b, const std::string& where) {
  EXPECT_EQ(a.valid, b.valid) << where;
  EXPECT_STREQ(a.why(), b.why()) << where;
  EXPECT_TRUE(a.counts == b.counts) << where;
  for (int i = 0; i < model::kMaxLevels; ++i) {
    for (int t = 0; t < model::kMaxTensors; ++t) {
      const auto &x = a.energy[size_t(i)][size_t(t)], &y = b.energy[size_t(i)][size_t(t)];
      EXPECT_EQ(x.read, y.read) << where;
      EXPECT_EQ(x.write, y.write) << where;
      EXPECT_EQ(x.update, y.update) << where;
      EXPECT_EQ(x.network, y.network) << where;
    }
    EXPECT_EQ(a.level_energy_pj[size_t(i)], b.level_energy_pj[size_t(i)]) << where;
    EXPECT_EQ(a.leak_pj[size_t(i)], b.leak_pj[size_t(i)]) << where;
    EXPECT_EQ(a.level_cycles[size_t(i)], b.level_cycles[size_t(i)]) << where;
  }
  EXPECT_EQ(a.mac_energy_pj, b.mac_energy_pj) << where;
  EXPECT_EQ(a.compute_leak_pj, b.compute_leak_pj) << where;
  EXPECT_EQ(a.energy_pj, b.energy_pj) << where;
  EXPECT_EQ(a.compute_cycles, b.compute_cycles) << where;
  EXPECT_EQ(a.exposed_cycles, b.exposed_cycles) << where;
  EXPECT_EQ(a.cycles, b.cycles) << where;
  EXPECT_EQ(a.bottleneck, b.bottleneck) << where;
  EXPECT_EQ(a.total_units, b.total_units) << where;
  EXPECT_EQ(a.active_units, b.active_units) << where;
  EXPECT_EQ(a.nonzero_macs, b.nonzero_macs) << where;
  EXPECT_EQ(a.utilization, b.utilization) << where;
  EXPECT_EQ(a.area_um2, b.area_um2) << where;
  EXPECT_EQ(a.dram_accesses_per_mac, b.dram_accesses_per_mac) << where;
}

TEST(Evaluator, AReusedResultReadsAsAFreshOne) {
  // Machines of 2 to 4 levels and problems of 3 tensors; mappings valid and not (capacity).
  struct Case {
    const char* arch;
    const char* layer;
  };
  const Case cases[] = {{"eyeriss", "alexnet:conv3"},
                        {"tpu-v1", "alexnet:fc6"},
                        {"simba-like", "resnet50:conv1"},
                        {"eyeriss-256", "mobilenet_v1:conv_dw2"}};
  model::Result reused;
  int valid = 0, invalid = 0;
  Rng rng(11);
  for (int round = 0; round < 3; ++round)
    for (const auto& c : cases) {
      auto b = testing::bind_layer(c.arch, c.layer, 2);
      mapping::Mapspace ms(b.problem, b.machine, mapping::dataflow_constraints("any", b.problem, b.machine));
      const model::Evaluator eval(b.problem, b.machine);
      for (int k = 0; k < 30; ++k) {
        mapping::Point pt;
        if (!ms.sample(rng, pt)) continue;
        auto map = ms.to_mapping(pt);
        if (k % 3 == 2) map.levels.back().keep = ~0u;  // often over capacity: an invalid result
        model::Result fresh;
        eval(map, fresh);
        eval(map, reused);
        (fresh.valid ? valid : invalid)++;
        expect_same(reused, fresh, std::string(c.arch) + " " + c.layer);
        if (::testing::Test::HasFailure()) return;
      }
    }
  EXPECT_GT(valid, 20);
  EXPECT_GT(invalid, 0);
}

}  // namespace
}  // namespace coda
