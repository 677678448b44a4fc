// The analytical counts (model/transfers) against the exhaustive walker (sim/) on random small
// cases: every field must be equal. design.md §4 "The oracle"; issue 4 asks for >= 5,000 cases.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <map>

#include "coda/model/counts.hpp"
#include "coda/model/evaluate.hpp"
#include "coda/model/nest.hpp"
#include "coda/sim/walker.hpp"
#include "random_cases.hpp"

namespace coda {
namespace {

std::string describe(const model::Counts& c, const workload::Problem& p) {
  std::string s = fmt::format("macs {} steps {}\n", c.macs, c.compute_steps);
  for (int i = 0; i < c.num_levels; ++i)
    for (int t = 0; t < c.num_tensors; ++t) {
      const auto& x = c.at[size_t(i)][size_t(t)];
      if (!x.kept) continue;
      s += fmt::format("  L{} {:8} tile {} fills {} reads {} updates {} rmw {} deliveries {}\n", i,
                       p.tensors[size_t(t)].name, x.tile, x.fills, x.reads, x.updates, x.rmw, x.deliveries);
    }
  return s;
}

int64_t check_case(uint64_t seed) {
  auto c = testing::random_case(seed);
  model::Nest nest;
  std::string why = model::build_nest(c.problem, c.mapping, c.machine.num_levels, nest);
  EXPECT_EQ(why, "") << "seed " << seed;
  if (!why.empty()) return 0;
  model::Counts analytic;
  model::compute_counts(c.problem, c.machine, c.mapping, nest, analytic);
  model::Counts oracle = sim::simulate(c.problem, c.machine, c.mapping);
  EXPECT_EQ(analytic, oracle) << "seed " << seed << " (" << c.kind << ")\n"
                              << to_loop_nest(c.mapping, c.problem) << "analytic:\n"
                              << describe(analytic, c.problem) << "oracle:\n"
                              << describe(oracle, c.problem);
  return analytic == oracle ? 1 : 0;
}

TEST(Oracle, AnalyticalCountsEqualExhaustiveWalk) {
  int64_t ok = 0;
  const uint64_t n = 5000;
  for (uint64_t seed = 1; seed <= n; ++seed) {
    ok += check_case(seed);
    if (::testing::Test::HasFailure()) break;  // one detailed failure is enough to debug
  }
  EXPECT_EQ(ok, int64_t(n));
}

TEST(Oracle, MappedNestComputesTheDirectResult) {
  for (uint64_t seed = 1; seed <= 500; ++seed) {
    auto c = testing::random_case(seed);
    EXPECT_EQ(sim::functional_check(c.problem, c.mapping, seed), "") << "seed " << seed;
  }
}

}  // namespace
}  // namespace coda

namespace coda {
namespace {

// The random cases must exercise what the issue lists; otherwise equality proves little.
TEST(Oracle, RandomCasesCoverTheFeatures) {
  int imperfect = 0, multicast = 0, reduction = 0, rmw = 0, bypass = 0, spatial_y = 0, halo = 0;
  std::array<int, 6> levels{};
  std::map<std::string, int> kinds;
  for (uint64_t seed = 1; seed <= 5000; ++seed) {
    auto c = testing::random_case(seed);
    model::Nest nest;
    ASSERT_EQ(model::build_nest(c.problem, c.mapping, c.machine.num_levels, nest), "");
    model::Counts k;
    model::compute_counts(c.problem, c.machine, c.mapping, nest, k);
    bool imp = false;
    for (int d = 0; d < nest.num_dims; ++d) imp |= !nest.perfect[size_t(d)];
    imperfect += imp;
    ++levels[size_t(c.machine.num_levels)];
    ++kinds[c.kind];
    bool mc = false, red = false, rw = false, bp = false, hl = false;
    for (int i = 0; i < k.num_levels; ++i)
      for (int t = 0; t < k.num_tensors; ++t) {
        const auto& x = k.at[size_t(i)][size_t(t)];
        if (!x.kept) {
          bp = true;
          continue;
        }
        bool out = c.problem.tensors[size_t(t)].is_output;
        if (!out && x.reads < x.deliveries) mc = true;
        if (out && x.updates < x.deliveries) red = true;
        if (out && x.rmw > 0) rw = true;
        if (!out && i > 0 && x.fills > 0 && x.fills < x.tile * 2 && c.kind.find("conv") != std::string::npos)
          hl = true;
      }
    multicast += mc;
    reduction += red;
    rmw += rw;
    bypass += bp;
    halo += hl;
    for (const auto& lv : c.mapping.levels)
      for (const auto& l : lv.spatial) spatial_y += l.axis == mapping::Axis::Y && l.factor > 1;
  }
  EXPECT_GT(imperfect, 1000);
  EXPECT_GT(multicast, 500);
  EXPECT_GT(reduction, 500);
  EXPECT_GT(rmw, 500);
  EXPECT_GT(bypass, 1000);
  EXPECT_GT(spatial_y, 500);
  for (int l = 2; l <= 5; ++l) EXPECT_GT(levels[size_t(l)], 500) << l << " levels";
  for (const char* kind : {"conv", "depthwise", "grouped", "matmul", "conv1d"})
    EXPECT_GT(kinds[kind], 200) << kind;
  (void)halo;
}

}  // namespace
}  // namespace coda

namespace coda {
namespace {

// Results that cannot be right must never come out of the model (DEVELOPERS.md "Correctness").
TEST(Oracle, ResultsArePhysicallyPossible) {
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    auto c = testing::random_case(seed);
    Rng rng(seed * 7 + 1);
    for (int i = 0; i < c.machine.num_levels; ++i) {
      auto& lv = c.machine.levels[size_t(i)];
      lv.set_energy(rng.uniform() * 10, rng.uniform() * 10);
      lv.hop_pj.fill(rng.uniform());
      lv.read_bandwidth = rng.below(2) ? 0.5 + rng.uniform() * 4 : 0;
      lv.write_bandwidth = rng.below(2) ? 0.5 + rng.uniform() * 4 : 0;
      lv.multiple_buffering = int(rng.between(1, 2));
      lv.latency_cycles = int64_t(rng.below(3));
      lv.topology = rng.below(4) == 0 ? model::Topology::Systolic : model::Topology::Bus;
    }
    c.machine.compute.mac_pj = 1;
    c.machine.sparsity.gating = rng.below(2);
    c.machine.sparsity.skipping = rng.below(3) == 0;
    for (auto& t : c.problem.tensors) t.density = 0.25 + 0.75 * rng.uniform();
    model::Result r;
    model::evaluate(c.problem, c.machine, c.mapping, r);
    ASSERT_TRUE(r.valid) << "seed " << seed << ": " << r.why();
    const auto& k = r.counts;
    EXPECT_GT(r.cycles, 0) << seed;
    EXPECT_GE(r.cycles, double(r.compute_cycles)) << seed;
    EXPECT_LE(r.utilization, 1.0 + 1e-12) << seed;
    EXPECT_GT(r.utilization, 0) << seed;
    EXPECT_LE(r.active_units, r.total_units) << seed;
    EXPECT_LE(k.macs, k.compute_steps * r.active_units) << seed;
    EXPECT_GE(r.energy_pj, r.mac_energy_pj) << seed;
    for (int i = 0; i < k.num_levels; ++i)
      for (int t = 0; t < k.num_tensors; ++t) {
        const auto& x = k.at[size_t(i)][size_t(t)];
        if (!x.kept) continue;
        bool out = c.problem.tensors[size_t(t)].is_output;
        EXPECT_GE(x.fills, 0);
        EXPECT_GE(x.rmw, 0) << seed;
        EXPECT_LE(x.tile, c.problem.tensor_box_size(t)) << seed;
        if (out) {
          EXPECT_LE(x.updates, x.deliveries) << seed;
          EXPECT_LE(x.fills, x.updates) << seed;  // each residency is written at least once
          EXPECT_LE(x.updates, k.macs) << seed;
        } else {
          EXPECT_LE(x.reads, x.deliveries) << seed;  // multicast can only save reads
          EXPECT_LE(x.deliveries, k.macs) << seed;   // nothing is delivered that no MAC needs
          EXPECT_GE(x.reads, i == 0 ? 1 : 0) << seed;
        }
      }
  }
}

}  // namespace
}  // namespace coda
