// Network evaluation with a small deterministic random-search mapper standing in for coda's mapper
// (the network layer must not depend on how mappings are found).
#include <gtest/gtest.h>

#include <algorithm>

#include "coda/common/error.hpp"
#include "coda/common/rng.hpp"
#include "coda/io/arch_loader.hpp"
#include "coda/io/network_loader.hpp"
#include "coda/mapping/factorization.hpp"
#include "coda/model/bind.hpp"
#include "coda/network/evaluate.hpp"

namespace coda {
namespace {

// Random perfect mappings, most of each dimension at the outer levels (so that tiles fit).
mapping::Mapping draw(Rng& rng, const workload::Problem& p, const model::Machine& m) {
  mapping::Mapping map;
  const int L = m.num_levels;
  map.levels.resize(size_t(L));
  std::vector<int64_t> cap_x(static_cast<size_t>(L)), cap_y(static_cast<size_t>(L));
  for (int i = 0; i < L; ++i) {
    cap_x[size_t(i)] = i + 1 < L ? m.levels[size_t(i + 1)].fanout_x : m.compute.fanout_x;
    cap_y[size_t(i)] = i + 1 < L ? m.levels[size_t(i + 1)].fanout_y : m.compute.fanout_y;
  }
  std::vector<std::vector<mapping::Loop>> temporal(static_cast<size_t>(L));
  for (int d = 0; d < p.num_dims(); ++d) {
    int64_t rem = p.bounds[size_t(d)];
    for (int i = L - 1; i >= 0 && rem > 1; --i) {
      for (int kind : {1, 2, 0}) {
        if (rem == 1 || (kind == 0 && i == 0) || (kind == 0 && rng.below(2))) continue;
        int64_t cap = kind == 1 ? cap_x[size_t(i)] : kind == 2 ? cap_y[size_t(i)] : std::min<int64_t>(rem, 16);
        std::vector<int64_t> ds;
        for (int64_t v : mapping::divisors(rem))
          if (v <= cap) ds.push_back(v);
        int64_t f = ds[size_t(rng.below(ds.size()))];
        if (f == 1) continue;
        rem /= f;
        if (kind == 0) {
          temporal[size_t(i)].push_back({d, f, mapping::Axis::X});
        } else {
          (kind == 1 ? cap_x : cap_y)[size_t(i)] /= f;
          map.levels[size_t(i)].spatial.insert(map.levels[size_t(i)].spatial.begin(),
                                               mapping::Loop{d, f, kind == 2 ? mapping::Axis::Y : mapping::Axis::X});
        }
      }
    }
    if (rem > 1) temporal[0].push_back({d, rem, mapping::Axis::X});
  }
  for (int i = 0; i < L; ++i) {
    auto& t = temporal[size_t(i)];
    for (size_t k = t.size(); k > 1; --k) std::swap(t[k - 1], t[size_t(rng.below(k))]);
    map.levels[size_t(i)].temporal = t;
    uint32_t keep = 0;
    for (int k = 0; k < p.num_tensors(); ++k)
      if (m.levels[size_t(i)].may_keep[size_t(k)] && (i == 0 || rng.below(3) != 0)) keep |= 1u << k;
    map.levels[size_t(i)].keep = keep;
  }
  return map;
}

network::MapOutcome random_search(const workload::Problem& p, const model::Machine& m, const std::string&) {
  Rng rng(7);
  network::MapOutcome best;
  model::Result r;
  for (int k = 0; k < 400; ++k) {
    auto map = draw(rng, p, m);
    model::evaluate(p, m, map, r);
    if (r.valid && (!best.found || r.energy_pj < best.result.energy_pj)) {
      best.found = true;
      best.mapping = map;
      best.result = r;
    }
  }
  if (!best.found) best.why = "no valid mapping among 400 random samples";
  return best;
}

TEST(Network, AlexNetOnEyeriss) {
  auto a = io::load_architecture("eyeriss-256");
  auto net = workload::build_network(io::load_network_spec("alexnet"), 1);
  auto r = network::evaluate(net, a, model::library_for(a), {}, random_search);
  int mapped = 0, moved = 0;
  double e = 0, c = 0;
  for (const auto& l : r.layers) {
    mapped += l.mapped;
    moved += !l.mapped && l.energy_pj > 0;
    e += l.energy_pj;
    c += l.cycles;
    if (l.mapped) {
      EXPECT_TRUE(l.result.valid) << l.name;
      EXPECT_EQ(l.dataflow, "rs");
    }
  }
  EXPECT_EQ(mapped, 8);   // 5 CONV + 3 FC
  EXPECT_GE(moved, 3);    // pooling and LRN layers cost their data movement
  EXPECT_EQ(r.macs, 724406816);
  EXPECT_DOUBLE_EQ(r.energy_pj, e);
  EXPECT_DOUBLE_EQ(r.cycles, c);
  EXPECT_GT(r.seconds(), 0);
}

TEST(Network, IdenticalLayersAreMappedOnceAndPerLayerBestDataflowIsKept) {
  auto a = io::load_architecture("eyeriss-256");
  auto net = workload::build_network(io::load_network_spec("resnet18"), 1);
  int calls = 0;
  auto counting = [&calls](const workload::Problem& p, const model::Machine& m, const std::string& df) {
    ++calls;
    auto o = random_search(p, m, df);
    if (df == "slow") o.result.energy_pj *= 2;  // a worse candidate must never be chosen
    return o;
  };
  network::Options opt;
  opt.dataflows = {"slow", "fast"};
  auto r = network::evaluate(net, a, model::library_for(a), opt, counting);
  int mapped = 0, reused = 0;
  for (const auto& l : r.layers) {
    if (!l.mapped) continue;
    ++mapped;
    reused += l.same_as >= 0;
    EXPECT_EQ(l.dataflow, "fast") << l.name;
    EXPECT_EQ(l.candidates.size(), 2u);
  }
  EXPECT_GT(reused, 0);
  EXPECT_EQ(calls, 2 * (mapped - reused));
}

TEST(Network, UnmappableLayerNamesTheLayerAndTheReasons) {
  auto a = io::load_architecture("eyeriss");
  auto net = workload::build_network(io::load_network_spec("lenet5"), 1);
  auto never = [](const workload::Problem&, const model::Machine&, const std::string& df) {
    network::MapOutcome o;
    o.why = "nothing fits under " + df;
    return o;
  };
  try {
    network::evaluate(net, a, model::library_for(a), {}, never);
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nothing fits under rs"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("layer '"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace coda
