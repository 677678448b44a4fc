#pragma once
// A small deterministic random-search mapper for tests of the network layer and the studies: they
// must not depend on how mappings are found (coda's mapper is tested on its own in tests/mapper).
#include <algorithm>
#include <string>
#include <vector>

#include "coda/common/rng.hpp"
#include "coda/mapping/factorization.hpp"
#include "coda/model/evaluate.hpp"
#include "coda/network/evaluate.hpp"

namespace coda::testing {

// Random perfect mappings, most of each dimension at the outer levels (so that tiles fit).
inline mapping::Mapping draw(Rng& rng, const workload::Problem& p, const model::Machine& m) {
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
        int64_t cap = kind == 1   ? cap_x[size_t(i)]
                      : kind == 2 ? cap_y[size_t(i)]
                                  : std::min<int64_t>(rem, 16);
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
          map.levels[size_t(i)].spatial.insert(
              map.levels[size_t(i)].spatial.begin(),
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

inline network::MapOutcome random_search(const workload::Problem& p, const model::Machine& m,
                                         const std::string&) {
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

}  // namespace coda::testing
