#pragma once
// A brute-force reference for the mapspace and the exhaustive mapper on tiny problems: every
// perfect factorization of every dimension over the slots, every permutation of every level's
// temporal loops, every keep mask (the outermost level keeps everything), each evaluated by the
// model. Written independently of mapping::Mapspace (no DP, no canonical orders, no pruning).
#include <algorithm>
#include <functional>
#include <vector>

#include "coda/mapping/constraints.hpp"
#include "coda/mapping/factorization.hpp"
#include "coda/mapping/mapping.hpp"
#include "coda/model/evaluate.hpp"

namespace coda::testing {

struct BruteSlot {
  int level;
  int kind;  // 0 temporal, 1 X, 2 Y
};

inline std::vector<BruteSlot> brute_slots(const model::Machine& m) {
  std::vector<BruteSlot> v;
  for (int l = 0; l < m.num_levels; ++l) {
    v.push_back({l, 0});
    if (mapping::child_fanout_x(m, l) > 1) v.push_back({l, 1});
    if (mapping::child_fanout_y(m, l) > 1) v.push_back({l, 2});
  }
  return v;
}

/// Calls visit(mapping, result) for every valid mapping (model-valid and satisfying `c` if given).
inline void brute_force(const workload::Problem& p, const model::Machine& m, const mapping::Constraints* c,
                        const std::function<void(const mapping::Mapping&, const model::Result&)>& visit) {
  const auto slots = brute_slots(m);
  const int D = p.num_dims(), S = int(slots.size()), L = m.num_levels, T = p.num_tensors();
  std::vector<std::vector<std::vector<int64_t>>> per_dim(static_cast<size_t>(D));
  for (int d = 0; d < D; ++d)
    mapping::for_each_factorization(p.bounds[size_t(d)], S, [&](std::span<const int64_t> f) {
      per_dim[size_t(d)].emplace_back(f.begin(), f.end());
      return true;
    });
  std::vector<size_t> pick(size_t(D), 0);
  model::Result r;
  while (true) {
    // factors[level][kind][dim]
    std::vector<std::array<std::vector<int64_t>, 3>> f(static_cast<size_t>(L));
    for (auto& lv : f)
      for (auto& k : lv) k.assign(size_t(D), 1);
    for (int d = 0; d < D; ++d)
      for (int s = 0; s < S; ++s) f[size_t(slots[size_t(s)].level)][size_t(slots[size_t(s)].kind)][size_t(d)] = per_dim[size_t(d)][pick[size_t(d)]][size_t(s)];
    // Temporal permutations per level and keep masks.
    std::vector<std::vector<int>> active(static_cast<size_t>(L));
    for (int l = 0; l < L; ++l)
      for (int d = 0; d < D; ++d)
        if (f[size_t(l)][0][size_t(d)] > 1) active[size_t(l)].push_back(d);
    std::vector<std::vector<int>> perm = active;
    std::vector<uint32_t> keep(static_cast<size_t>(L), (1u << T) - 1);
    std::function<void(int)> levels = [&](int l) {
      if (l == L) {
        // every keep mask of levels 1..L-1
        const uint32_t all = (1u << T) - 1;
        std::function<void(int)> keeps = [&](int k) {
          if (k == L) {
            mapping::Mapping map;
            map.levels.resize(size_t(L));
            for (int i = 0; i < L; ++i) {
              for (int d : perm[size_t(i)]) map.levels[size_t(i)].temporal.push_back({d, f[size_t(i)][0][size_t(d)], mapping::Axis::X});
              for (int kind = 1; kind <= 2; ++kind)
                for (int d = 0; d < D; ++d)
                  if (f[size_t(i)][size_t(kind)][size_t(d)] > 1)
                    map.levels[size_t(i)].spatial.push_back(
                        {d, f[size_t(i)][size_t(kind)][size_t(d)], kind == 1 ? mapping::Axis::X : mapping::Axis::Y});
              map.levels[size_t(i)].keep = keep[size_t(i)];
            }
            model::evaluate(p, m, map, r);
            if (!r.valid) return;
            if (c && !c->violation(map, p, m).empty()) return;
            visit(map, r);
            return;
          }
          for (uint32_t s = 0; s <= all; ++s) {
            if (c && ((c->levels[size_t(k)].keep & ~s) || (c->levels[size_t(k)].bypass & s))) continue;
            keep[size_t(k)] = s;
            keeps(k + 1);
          }
          keep[size_t(k)] = all;
        };
        keeps(1);
        return;
      }
      std::sort(perm[size_t(l)].begin(), perm[size_t(l)].end());
      do {
        levels(l + 1);
      } while (std::next_permutation(perm[size_t(l)].begin(), perm[size_t(l)].end()));
    };
    levels(0);
    int d = D - 1;
    while (d >= 0) {
      if (++pick[size_t(d)] < per_dim[size_t(d)].size()) break;
      pick[size_t(d)] = 0;
      --d;
    }
    if (d < 0) break;
  }
}

}  // namespace coda::testing
