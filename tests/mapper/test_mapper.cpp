#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "../mapping/brute_force.hpp"
#include "../mapping/fixtures.hpp"
#include "../model/random_cases.hpp"
#include "coda/common/error.hpp"
#include "coda/io/mapping_yaml.hpp"
#include "coda/mapper/search.hpp"
#include "coda/mapping/dataflows.hpp"

namespace coda {
namespace {

using mapper::Objective;
using mapper::Options;
using mapper::Strategy;

// DRAM, a 14-word buffer feeding 2 x 2 PEs with 5-word stores; bandwidth-limited DRAM so that
// cycles and energy disagree.
model::Machine tiny_machine() {
  model::Machine m;
  m.name = "tiny";
  m.num_levels = 3;
  const char* names[] = {"DRAM", "GLB", "PE"};
  for (int i = 0; i < 3; ++i) m.levels[size_t(i)].name = names[i];
  m.levels[0].set_energy(100, 100);
  m.levels[0].shared_bandwidth = 1.5;
  m.levels[1].set_energy(6, 6);
  m.levels[1].capacity_words = 14;
  m.levels[1].hop_pj.fill(2);
  m.levels[1].reduction.fill(true);
  m.levels[2].fanout_x = 2;
  m.levels[2].fanout_y = 2;
  m.levels[2].set_energy(1, 1);
  m.levels[2].capacity_words = 5;
  m.compute.mac_pj = 1;
  return m;
}

workload::Problem tiny_conv() {
  workload::ConvShape s;
  s.m = 2;
  s.c = 2;
  s.p = 3;
  s.r = 2;
  return workload::make_conv("tiny", s);
}

mapping::Constraints keep_all(const workload::Problem& p, const model::Machine& m) {
  mapping::Constraints c(p, m);
  for (int l = 1; l < m.num_levels; ++l)
    for (int t = 0; t < p.num_tensors(); ++t) c.force_keep(l, t, true, "test");
  return c;
}

TEST(Objective, ParsesAndCompares) {
  EXPECT_EQ(Objective::parse("energy").name(), "energy");
  EXPECT_EQ(Objective::parse("cycles, energy").name(), "cycles,energy");
  EXPECT_EQ(Objective::parse("latency").name(), "cycles");
  EXPECT_THROW(Objective::parse("power"), InputError);
  EXPECT_THROW(Objective::parse("energy,energy"), InputError);
  EXPECT_THROW(Objective::parse("energy,cycles,edp"), InputError);
  model::Result a, b;
  a.energy_pj = 10;
  a.cycles = 5;
  b.energy_pj = 12;
  b.cycles = 4;
  auto lex = Objective::parse("cycles,energy");
  EXPECT_TRUE(lex.score(b) < lex.score(a));
  auto e = Objective::parse("energy");
  EXPECT_TRUE(e.score(a) < e.score(b));
  auto edp = Objective::parse("edp");
  EXPECT_TRUE(edp.score(b) < edp.score(a));  // 48 < 50
  // The Eyexam metrics: compute steps only, and the steady state without exposed latency.
  a.compute_cycles = 3;
  a.exposed_cycles = 1;  // steady 4
  b.compute_cycles = 4;
  b.exposed_cycles = 1;  // steady 3
  EXPECT_TRUE(Objective::parse("compute-cycles").score(a) < Objective::parse("compute-cycles").score(b));
  EXPECT_TRUE(Objective::parse("roofline-cycles").score(b) < Objective::parse("roofline-cycles").score(a));
  EXPECT_DOUBLE_EQ(Objective::parse("roofline-cycles").score(a).v[0], 4);
  EXPECT_EQ(Objective::parse("compute-cycles,energy").name(), "compute-cycles,energy");
}

TEST(Mapper, ExhaustiveFindsTheBruteForceOptimum) {
  const auto p = tiny_conv();
  const auto m = tiny_machine();
  const auto c = keep_all(p, m);
  mapping::Mapspace ms(p, m, c);
  for (const char* obj : {"energy", "cycles", "edp", "cycles,energy"}) {
    const auto objective = Objective::parse(obj);
    mapper::Score best_brute;
    bool any = false;
    std::set<std::pair<double, double>> brute_front;
    testing::brute_force(p, m, &c, [&](const mapping::Mapping&, const model::Result& r) {
      auto s = objective.score(r);
      if (!any || s < best_brute) best_brute = s;
      any = true;
      brute_front.insert({r.energy_pj, r.cycles});
    });
    ASSERT_TRUE(any);
    Options o;
    o.strategy = Strategy::Exhaustive;
    o.objective = objective;
    o.threads = 2;
    o.pareto = true;
    o.top_k = 5;
    auto out = mapper::search(ms, o);
    ASSERT_FALSE(out.top.empty());
    EXPECT_TRUE(out.complete);
    EXPECT_TRUE(out.top.front().score == best_brute) << obj;
    for (size_t k = 1; k < out.top.size(); ++k) EXPECT_FALSE(out.top[k].score < out.top[k - 1].score);
    // The Pareto front is the brute-force front of (energy, cycles).
    std::set<std::pair<double, double>> front;
    for (const auto& [e, y] : brute_front) {
      bool dominated = false;
      for (const auto& [e2, y2] : brute_front)
        if (e2 <= e && y2 <= y && (e2 < e || y2 < y)) dominated = true;
      if (!dominated) front.insert({e, y});
    }
    std::set<std::pair<double, double>> got;
    for (const auto& cand : out.front) got.insert({cand.result.energy_pj, cand.result.cycles});
    EXPECT_EQ(got, front) << obj;
  }
}

mapper::Outcome run(const mapping::Mapspace& ms, Strategy s, int threads, uint64_t seed, int64_t budget) {
  Options o;
  o.strategy = s;
  o.threads = threads;
  o.seed = seed;
  o.budget_evals = budget;
  o.top_k = 3;
  return mapper::search(ms, o);
}

void expect_same(const mapper::Outcome& a, const mapper::Outcome& b, const std::string& what) {
  ASSERT_EQ(a.top.size(), b.top.size()) << what;
  for (size_t k = 0; k < a.top.size(); ++k) {
    EXPECT_EQ(a.top[k].mapping, b.top[k].mapping) << what;
    EXPECT_EQ(a.top[k].result.energy_pj, b.top[k].result.energy_pj) << what;
    EXPECT_EQ(a.top[k].result.cycles, b.top[k].result.cycles) << what;
  }
  EXPECT_EQ(a.evaluations, b.evaluations) << what;
}

TEST(Mapper, DeterministicForASeedWhateverTheThreads) {
  auto b = testing::bind_layer("eyeriss", "alexnet:conv4", 1);
  mapping::Mapspace ms(b.problem, b.machine, mapping::dataflow_constraints("rs", b.problem, b.machine));
  for (Strategy s : {Strategy::Random, Strategy::Anneal, Strategy::Default}) {
    auto one = run(ms, s, 1, 42, 600);
    auto two = run(ms, s, 2, 42, 600);
    auto again = run(ms, s, 2, 42, 600);
    ASSERT_FALSE(one.top.empty());
    expect_same(two, again, std::string("same threads, ") + mapper::strategy_name(s));
    expect_same(one, two, std::string("1 vs 2 threads, ") + mapper::strategy_name(s));
    auto other = run(ms, s, 2, 43, 600);
    EXPECT_FALSE(other.top.front().mapping == two.top.front().mapping && s == Strategy::Random &&
                 other.top[1].mapping == two.top[1].mapping)
        << "a different seed explores differently";
  }
}

// Random constraint sets on random problems and machines: whatever the strategy returns
// satisfies every constraint and is valid in the model.
TEST(Mapper, ReturnedMappingsNeverViolateConstraints) {
  int searched = 0, nonempty = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    auto cs = testing::random_case(seed);
    Rng rng(seed * 7919);
    auto& m = cs.machine;
    for (int l = 1; l < m.num_levels; ++l)
      if (rng.below(3) == 0) m.levels[size_t(l)].capacity_words = rng.between(4, 64);
    const auto& p = cs.problem;
    mapping::Constraints c(p, m);
    try {
      for (int l = 0; l < m.num_levels; ++l) {
        for (int s = 0; s < mapping::kNumSlots; ++s)
          for (int d = 0; d < p.num_dims(); ++d) {
            if (rng.below(12) != 0 || p.bounds[size_t(d)] == 1) continue;
            if (s == 1 && mapping::child_fanout_x(m, l) == 1) continue;
            if (s == 2 && mapping::child_fanout_y(m, l) == 1) continue;
            mapping::FactorRule r;
            r.origin = "random";
            switch (rng.below(4)) {
              case 0: r.fixed = rng.between(1, 2); break;
              case 1: r.max = rng.between(1, 3); break;
              case 2: r.allowed = {1, 2}; break;
              default: r.min = 2; break;
            }
            c.restrict(l, mapping::Slot(s), d, r);
            if (rng.below(3) == 0) c.rule(l, mapping::Slot(s), d).imperfect = true;
          }
        if (rng.below(3) == 0) {
          std::vector<int> dims;
          for (int d = 0; d < p.num_dims(); ++d)
            if (rng.below(3) == 0) dims.push_back(d);
          if (!dims.empty()) c.set_order(l, {mapping::OrderBlock{dims}}, 0, "random order");
        }
        if (l > 0)
          for (int t = 0; t < p.num_tensors(); ++t)
            if (rng.below(4) == 0) c.force_keep(l, t, rng.below(2) == 0, "random keep");
        if (rng.below(8) == 0) c.levels[size_t(l)].min_utilization = 0.5;
      }
      if (rng.below(8) == 0) c.min_utilization = 0.3;
    } catch (const InputError&) {
      continue;  // contradictory random rules
    }
    mapping::Mapspace ms(p, m, c);
    for (Strategy s : {Strategy::Exhaustive, Strategy::Random, Strategy::Default}) {
      Options o;
      o.strategy = s;
      o.threads = 2;
      o.seed = seed;
      o.budget_evals = 400;
      o.top_k = 4;
      o.pareto = true;
      auto out = mapper::search(ms, o);
      ++searched;
      if (out.top.empty()) {
        EXPECT_FALSE(out.empty_reason.empty());
        if (getenv("CODA_DEBUG_EMPTY")) fprintf(stderr, "seed %d %s: %s\n", int(seed), mapper::strategy_name(s), out.empty_reason.c_str());
        continue;
      }
      ++nonempty;
      std::vector<const mapper::Candidate*> all;
      for (const auto& x : out.top) all.push_back(&x);
      for (const auto& x : out.front) all.push_back(&x);
      for (const auto* x : all) {
        EXPECT_EQ(c.violation(x->mapping, p, m), "") << "seed " << seed << " " << mapper::strategy_name(s);
        model::Result r;
        model::evaluate(p, m, x->mapping, r);
        EXPECT_TRUE(r.valid) << r.why();
        EXPECT_EQ(r.energy_pj, x->result.energy_pj);
      }
    }
  }
  EXPECT_GT(searched, 100);
  EXPECT_GT(nonempty, searched / 4);
}

TEST(Mapper, EmptySpaceIsExplained) {
  auto b = testing::bind_layer("shidiannao", "alexnet:conv3");
  mapping::Mapspace ms(b.problem, b.machine, mapping::dataflow_constraints("ws", b.problem, b.machine));
  Options o;
  o.strategy = Strategy::Default;
  o.budget_evals = 200;
  auto out = mapper::search(ms, o);
  EXPECT_TRUE(out.top.empty());
  EXPECT_NE(out.empty_reason.find("does not let it keep Weights"), std::string::npos) << out.empty_reason;
}

// Row stationary on the Eyeriss chip, CONV1 at batch 4: the exhaustive search completes and its
// optimum is at least as good as the chip's own mapping (JSSC 2017 Table III), which lies in the
// space. (The other layers take minutes; their table is in docs/mapper.md.)
TEST(Mapper, EyerissRowStationaryConv1Exhaustive) {
  auto b = testing::bind_layer("eyeriss", "alexnet:conv1", 4);
  const auto c = mapping::dataflow_constraints("rs", b.problem, b.machine);
  auto ref = io::read_mapping_file(std::string(CODA_SOURCE_DIR) + "/examples/mappings/eyeriss_alexnet_conv1_rs.yaml",
                                   b.problem, b.level_names);
  ASSERT_EQ(c.violation(ref, b.problem, b.machine), "");
  model::Result rr;
  model::evaluate(b.problem, b.machine, ref, rr);
  ASSERT_TRUE(rr.valid);
  // A reduced space for CI: the Table's n = 1 (all 4 images from DRAM) and filters via the GLB
  // bypass as in the Table.
  auto reduced = c;
  mapping::FactorRule n4;
  n4.fixed = 4;
  n4.origin = "test: n = 1";
  reduced.restrict(0, mapping::Slot::Temporal, b.problem.dim_index("N"), n4);
  reduced.force_keep(1, b.problem.tensor_index("Weights"), false, "test: filters bypass the GLB");
  ASSERT_EQ(reduced.violation(ref, b.problem, b.machine), "");
  mapping::Mapspace ms(b.problem, b.machine, reduced);
  Options o;
  o.strategy = Strategy::Exhaustive;
  o.threads = 2;
  auto out = mapper::search(ms, o);
  ASSERT_TRUE(out.complete);
  ASSERT_FALSE(out.top.empty());
  EXPECT_LE(out.top.front().result.energy_pj, rr.energy_pj);
  EXPECT_GT(out.evaluations, 1000);
}

// The default strategy against the exhaustive optimum on small mapspaces of eyeriss-256.
TEST(Mapper, DefaultStrategyWithinTwoPercentOfExhaustive) {
  struct Case {
    const char* layer;
    const char* dataflow;
  };
  for (const Case& k : {Case{"mobilenet_v1:conv_dw2", "rs"}, Case{"mobilenet_v1:conv_dw13", "rs"},
                        Case{"mobilenet_v1:conv_dw13", "ws-tpu"}, Case{"mobilenet_v1:conv_pw13", "ws-tpu"}}) {
    auto b = testing::bind_layer("eyeriss-256", k.layer);
    mapping::Mapspace ms(b.problem, b.machine, mapping::dataflow_constraints(k.dataflow, b.problem, b.machine));
    Options ex;
    ex.strategy = Strategy::Exhaustive;
    ex.threads = 2;
    auto best = mapper::search(ms, ex);
    ASSERT_TRUE(best.complete);
    ASSERT_FALSE(best.top.empty());
    Options d;
    d.strategy = Strategy::Default;
    d.threads = 2;
    d.budget_evals = 1500;
    // Force the sampling path (the estimate would otherwise pick exhaustive for small spaces).
    Options r = d;
    r.strategy = Strategy::Anneal;
    for (const Options& o : {d, r}) {
      auto got = mapper::search(ms, o);
      ASSERT_FALSE(got.top.empty());
      EXPECT_LE(got.top.front().result.energy_pj, 1.02 * best.top.front().result.energy_pj)
          << k.layer << " " << k.dataflow << " " << mapper::strategy_name(o.strategy);
    }
  }
}

}  // namespace
}  // namespace coda
