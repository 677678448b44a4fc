// Eyexam (studies/eyexam): the hand-derived steps 1-4 of a small case, the bound property against
// the model on random problems, machines and mappings, and the study on a zoo network with coda's
// mapper (the bound never rises from one step to the next and never falls below the model).
#include <gtest/gtest.h>

#include "../model/random_cases.hpp"
#include "coda/io/arch_loader.hpp"
#include "coda/io/network_loader.hpp"
#include "coda/mapping/mapspace.hpp"
#include "coda/model/evaluate.hpp"
#include "coda/network/search_adapter.hpp"
#include "coda/report/eyexam_report.hpp"
#include "coda/studies/eyexam.hpp"
#include "coda/workload/statistics.hpp"

namespace coda {
namespace {

model::Machine two_level(int64_t x, int64_t y) {
  model::Machine m;
  m.num_levels = 2;
  m.levels[0].name = "DRAM";
  m.levels[1].name = "PE";
  m.levels[1].fanout_x = x;
  m.levels[1].fanout_y = y;
  return m;
}

TEST(Eyexam, HandDerivedStepsOneToFour) {
  // M = 6, C = 3, P = 3 (54 MACs) on a 4 x 2 array, M on X only, C on Y only (docs/studies.md):
  // 1: 1 cycle; 2: M and C parallel, P in time: 3; 3: 8 units, M x C <= 8: M 6, C 1 -> 3 x 3 = 9;
  // 4: M <= 4 on X, C <= 2 on Y: ceil(6/4) x ceil(3/2) x 3 = 12.
  workload::ConvShape s;
  s.m = 6;
  s.c = 3;
  s.p = 3;
  const auto p = workload::make_conv("hand", s);
  const auto m = two_level(4, 2);
  mapping::Constraints c(p, m);
  c.allow_spatial_only(0, mapping::Slot::SpatialX, {p.dim_index("M")}, "test");
  c.allow_spatial_only(0, mapping::Slot::SpatialY, {p.dim_index("C")}, "test");
  const auto b = studies::eyexam_shape_bound(p, m, c);
  EXPECT_TRUE(b.feasible);
  EXPECT_EQ(b.cycles, (std::array<int64_t, 4>{1, 3, 9, 12}));
  EXPECT_EQ(b.assignment, "DRAM X: M=4; DRAM Y: C=2");
  EXPECT_EQ(b.spatial[size_t(p.dim_index("M"))], 4);

  // Unconstrained, every dimension may go spatial (step 2: 1 cycle) and a dimension may take both
  // axes: 8 units leave 9 cycles at best (M 6 alone, or M 2 x C 3), and M over X 4 x Y 2 reaches it.
  const auto free = studies::eyexam_shape_bound(p, m, mapping::Constraints(p, m));
  EXPECT_EQ(free.cycles, (std::array<int64_t, 4>{1, 1, 9, 9}));
}

// For random problems, machines and mappings of an unconstrained space, and for mappings sampled
// from random dataflow-like spaces, the model's compute cycles are never below step 4.
TEST(Eyexam, StepFourBoundsTheModelOnRandomCases) {
  Rng rng(2024);
  int checked = 0;
  for (int k = 0; k < 600; ++k) {
    std::string kind;
    const auto p = testing::random_problem(rng, kind);
    const auto m = testing::random_machine(rng, p.num_tensors());
    mapping::Constraints c(p, m);
    if (k % 2 == 1) {  // a random set of spatial dimensions per axis
      for (int i = 0; i < m.num_levels; ++i)
        for (auto s : {mapping::Slot::SpatialX, mapping::Slot::SpatialY}) {
          std::vector<int> dims;
          for (int d = 0; d < p.num_dims(); ++d)
            if (rng.below(2)) dims.push_back(d);
          c.allow_spatial_only(i, s, dims, "random");
        }
    }
    const auto b = studies::eyexam_shape_bound(p, m, c);
    ASSERT_TRUE(b.feasible);
    for (int s = 0; s + 1 < 4; ++s)
      ASSERT_LE(b.cycles[size_t(s)], b.cycles[size_t(s + 1)]) << kind << " step " << s;
    model::Result r;
    if (k % 2 == 0) {
      const auto map = testing::random_mapping(rng, p, m);
      model::evaluate(p, m, map, r);
      if (!r.valid) continue;
      ASSERT_GE(r.compute_cycles, b.cycles[3]) << kind << "\n" << mapping::to_loop_nest(map, p);
      ++checked;
    } else {
      mapping::Mapspace space(p, m, c);
      mapping::Point pt;
      for (int t = 0; t < 20; ++t) {
        if (!space.sample(rng, pt)) continue;
        const auto map = space.to_mapping(pt);
        model::evaluate(p, m, map, r);
        if (!r.valid) continue;
        ASSERT_GE(r.compute_cycles, b.cycles[3]) << kind << "\n" << mapping::to_loop_nest(map, p);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 1000);
}

TEST(Eyexam, StudyOnLeNetNeverRisesAndBoundsTheModel) {
  const auto net = workload::build_network(io::load_network_spec("lenet5"), 2);
  const auto a = io::load_architecture("eyeriss");
  auto factory = [](const std::string& objective) {
    io::MapperSettings s;
    s.objective = objective;
    s.budget_evals = 400;
    s.threads = 1;
    return network::make_layer_mapper(s);
  };
  const auto r = studies::eyexam(net, a, "", "energy", factory);
  EXPECT_EQ(r.dataflow, "rs");
  EXPECT_EQ(r.peak, 168);
  int64_t macs = 0;
  for (const auto& l : workload::compute_stats(net).layers) macs += l.macs;
  EXPECT_EQ(r.macs, macs);
  ASSERT_FALSE(r.layers.empty());
  auto check = [&](const auto& x, const std::string& what) {
    for (int s = 0; s + 1 < studies::kEyexamSteps; ++s)
      EXPECT_GE(x.bound(s), x.bound(s + 1)) << what << " step " << s;
    EXPECT_LE(x.bound(2), double(r.peak)) << what;
    EXPECT_GE(x.bound(5), x.modelled()) << what;
    EXPECT_GT(x.modelled(), 0) << what;
  };
  for (const auto& l : r.layers) {
    check(l, l.layer);
    EXPECT_DOUBLE_EQ(l.bound(0), double(l.macs)) << l.layer;  // step 1: every MAC in one cycle
  }
  check(r, "total");
  // Writers carry every step.
  const std::string csv = report::eyexam_csv(r);
  EXPECT_NE(csv.find("step6_bandwidth_macs_per_cycle"), std::string::npos);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), long(r.layers.size()) + 2);
  EXPECT_EQ(report::eyexam_json(r)["layers"].size(), r.layers.size());
}

}  // namespace
}  // namespace coda
