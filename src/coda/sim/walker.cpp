#include "coda/sim/walker.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "coda/common/error.hpp"
#include "coda/common/rng.hpp"

namespace coda::sim {
namespace {

struct SLoop {
  int dim = 0, level = 0;
  bool spatial = false;
  int64_t factor = 1, stride = 1;
};

using Set = std::vector<int64_t>;  // sorted, unique

Set set_minus(const Set& a, const Set& b) {
  Set r;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(r));
  return r;
}

class Walker {
 public:
  Walker(const workload::Problem& p, const model::Machine& m, const mapping::Mapping& map)
      : p_(p), m_(m), map_(map), L_(int(map.levels.size())) {
    for (int i = 0; i < L_; ++i) {
      for (const auto& l : map.levels[size_t(i)].temporal) loops_.push_back({l.dim, i, false, l.factor, 1});
      for (const auto& l : map.levels[size_t(i)].spatial) loops_.push_back({l.dim, i, true, l.factor, 1});
    }
    std::vector<int64_t> run(static_cast<size_t>(p.num_dims()), 1);
    for (int k = int(loops_.size()) - 1; k >= 0; --k) {
      loops_[size_t(k)].stride = run[size_t(loops_[size_t(k)].dim)];
      run[size_t(loops_[size_t(k)].dim)] *= loops_[size_t(k)].factor;
    }
    for (int d = 0; d < p.num_dims(); ++d)
      if (run[size_t(d)] < p.bounds[size_t(d)])
        throw InputError("simulate: factors do not cover " + p.dim_names[size_t(d)]);
    cur_.assign(loops_.size(), 0);
  }

  model::Counts run(int64_t max_points) {
    int64_t work = 1;
    for (const auto& l : loops_) work *= l.factor;
    if (work * (L_ + 1) > max_points)
      throw InputError(fmt::format("simulate: {} iteration points is too large for the oracle", work));
    model::Counts c;
    c.num_levels = L_;
    c.num_tensors = p_.num_tensors();
    held_.assign(size_t(L_), std::vector<std::map<int64_t, Set>>(size_t(p_.num_tensors())));
    valued_.assign(size_t(L_), std::vector<std::map<int64_t, std::set<int64_t>>>(size_t(p_.num_tensors())));
    for (int t = 0; t < p_.num_tensors(); ++t)
      for (int i = 0; i < L_; ++i) c.at[size_t(i)][size_t(t)].kept = keeps(i, t);
    // Level 0 holds every tensor whole for the whole run.
    for (int t = 0; t < p_.num_tensors(); ++t) {
      Set all = tile(0, t);
      held_[0][size_t(t)][0] = all;
      c.at[0][size_t(t)].tile = int64_t(all.size());
      if (p_.tensors[size_t(t)].is_output) c.at[0][size_t(t)].fills = int64_t(all.size());
    }
    std::vector<int> temporal;
    for (int k = 0; k < int(loops_.size()); ++k)
      if (!loops_[size_t(k)].spatial) temporal.push_back(k);
    std::vector<int64_t> prev;  // previous valid temporal tuple
    bool first = true;
    // Odometer over all temporal loops in nest order.
    while (true) {
      if (temporal_valid()) {
        std::vector<int64_t> now;
        for (int k : temporal) now.push_back(cur_[size_t(k)]);
        step(c, first ? nullptr : &prev, temporal);
        prev = now;
        first = false;
      }
      int k = int(temporal.size()) - 1;
      while (k >= 0) {
        auto& x = cur_[size_t(temporal[size_t(k)])];
        if (++x < loops_[size_t(temporal[size_t(k)])].factor) break;
        x = 0;
        --k;
      }
      if (k < 0) break;
    }
    // Final drains, innermost first.
    for (int j = L_ - 1; j >= 1; --j)
      for (int t = 0; t < p_.num_tensors(); ++t) {
        if (!keeps(j, t) || !p_.tensors[size_t(t)].is_output) continue;
        drain_level(c, j, t, /*final=*/true);
      }
    for (int t = 0; t < p_.num_tensors(); ++t)
      if (p_.tensors[size_t(t)].is_output)
        for (int i = 0; i < L_; ++i) {
          auto& x = c.at[size_t(i)][size_t(t)];
          (void)x;
        }
    return c;
  }

 private:
  bool keeps(int level, int t) const { return level == 0 || map_.levels[size_t(level)].keeps(t); }

  int parent_keeper(int level, int t) const {
    int i = level - 1;
    while (i > 0 && !keeps(i, t)) --i;
    return i;
  }

  bool temporal_valid() const {
    std::vector<int64_t> coord(size_t(p_.num_dims()), 0);
    for (size_t k = 0; k < loops_.size(); ++k)
      if (!loops_[k].spatial) coord[size_t(loops_[k].dim)] += cur_[k] * loops_[k].stride;
    for (int d = 0; d < p_.num_dims(); ++d)
      if (coord[size_t(d)] >= p_.bounds[size_t(d)]) return false;
    return true;
  }

  // The coordinate code of tensor t at the current loop indices, or -1 if out of bounds.
  int64_t code(int t) const {
    std::vector<int64_t> coord(size_t(p_.num_dims()), 0);
    for (size_t k = 0; k < loops_.size(); ++k) coord[size_t(loops_[k].dim)] += cur_[k] * loops_[k].stride;
    for (int d = 0; d < p_.num_dims(); ++d)
      if (coord[size_t(d)] >= p_.bounds[size_t(d)]) return -1;
    int64_t c = 0;
    const auto& ten = p_.tensors[size_t(t)];
    for (int r = 0; r < int(ten.ranks.size()); ++r) {
      int64_t v = 0;
      for (const auto& term : ten.ranks[size_t(r)].terms) v += term.coef * coord[size_t(term.dim)];
      c = c * p_.rank_extent(t, r) + v;
    }
    return c;
  }

  // Calls f() for every index combination of the given loops (restores them to 0 afterwards).
  template <class F>
  void combos(const std::vector<int>& ids, size_t pos, F&& f) {
    if (pos == ids.size()) {
      f();
      return;
    }
    for (int64_t x = 0; x < loops_[size_t(ids[pos])].factor; ++x) {
      cur_[size_t(ids[pos])] = x;
      combos(ids, pos + 1, f);
    }
    cur_[size_t(ids[pos])] = 0;
  }

  std::vector<int> loops_where(bool (*pred)(const SLoop&, int), int arg) const {
    std::vector<int> r;
    for (int k = 0; k < int(loops_.size()); ++k)
      if (pred(loops_[size_t(k)], arg)) r.push_back(k);
    return r;
  }

  // The tile of tensor t at `level` for the current indices of the loops above it.
  Set tile(int level, int t) {
    auto below = loops_where([](const SLoop& l, int j) { return l.level >= j; }, level);
    std::set<int64_t> s;
    combos(below, 0, [&] {
      int64_t c = code(t);
      if (c >= 0) s.insert(c);
    });
    return Set(s.begin(), s.end());
  }

  // Instance id of `level` (mixed radix of the spatial loops above it, in nest order), and the
  // same id with the loops in `zero_mask` (bit k = loop k) set to zero: the group key.
  int64_t instance_id(int level, uint64_t zero_mask = 0) const {
    int64_t id = 0;
    for (int k = 0; k < int(loops_.size()); ++k) {
      const auto& l = loops_[size_t(k)];
      if (!l.spatial || l.level >= level) continue;
      id = id * l.factor + (((zero_mask >> k) & 1u) ? 0 : cur_[size_t(k)]);
    }
    return id;
  }

  uint64_t group_of(int t, int parent, int child) const {
    const bool out = p_.tensors[size_t(t)].is_output;
    uint64_t mask = 0;
    for (int k = 0; k < int(loops_.size()); ++k) {
      const auto& l = loops_[size_t(k)];
      if (!l.spatial || l.level < parent || l.level >= child) continue;
      const auto& lv = m_.levels[size_t(l.level)];
      if (out ? lv.reduction[size_t(t)] : lv.multicast[size_t(t)]) mask |= uint64_t(1) << k;
    }
    return mask;
  }

  // An accumulation of element x arriving at instance `inst` of output keeper `level`.
  void accumulate(model::Counts& c, int level, int t, int64_t inst, int64_t x) {
    auto& v = valued_[size_t(level)][size_t(t)][inst];
    auto& cc = c.at[size_t(level)][size_t(t)];
    ++cc.updates;
    if (v.count(x))
      ++cc.rmw;
    else
      v.insert(x);
  }

  // Level j's instances move to the tiles of the current indices (or to nothing when final):
  // outputs drain old \ new to the parent keeper.
  void drain_level(model::Counts& c, int j, int t, bool final) {
    const int i = parent_keeper(j, t);
    const uint64_t red = group_of(t, i, j);
    auto above_sp = loops_where([](const SLoop& l, int lv) { return l.spatial && l.level < lv; }, j);
    std::map<std::pair<int64_t, int64_t>, std::set<int64_t>> groups;  // (parent inst, group key)
    combos(above_sp, 0, [&] {
      int64_t inst = instance_id(j);
      Set now = final ? Set{} : tile(j, t);
      Set& old = held_[size_t(j)][size_t(t)][inst];
      Set gone = set_minus(old, now);
      c.at[size_t(j)][size_t(t)].reads += int64_t(gone.size());
      c.at[size_t(i)][size_t(t)].deliveries += int64_t(gone.size());
      int64_t pinst = instance_id(i);
      auto& g = groups[{pinst, instance_id(j, red)}];
      for (int64_t x : gone) {
        if (red)
          g.insert(x);
        else
          accumulate(c, i, t, pinst, x);
      }
      // The level's own accumulated values leave with the drained words.
      auto& v = valued_[size_t(j)][size_t(t)][inst];
      for (int64_t x : gone) v.erase(x);
      old = set_minus(old, gone);  // the fill step adds the new words
    });
    for (auto& [key, g] : groups)
      for (int64_t x : g) accumulate(c, i, t, key.first, x);
  }

  void fill_level(model::Counts& c, int j, int t) {
    const int i = parent_keeper(j, t);
    const bool out = p_.tensors[size_t(t)].is_output;
    const uint64_t mc = group_of(t, i, j);
    auto above_sp = loops_where([](const SLoop& l, int lv) { return l.spatial && l.level < lv; }, j);
    std::map<std::pair<int64_t, int64_t>, std::set<int64_t>> groups;
    combos(above_sp, 0, [&] {
      int64_t inst = instance_id(j);
      Set now = tile(j, t);
      Set& old = held_[size_t(j)][size_t(t)][inst];
      Set in = set_minus(now, old);
      auto& cc = c.at[size_t(j)][size_t(t)];
      cc.tile = std::max<int64_t>(cc.tile, int64_t(now.size()));
      cc.fills += int64_t(in.size());
      if (!out) {
        c.at[size_t(i)][size_t(t)].deliveries += int64_t(in.size());
        auto& g = groups[{instance_id(i), instance_id(j, mc)}];
        g.insert(in.begin(), in.end());
      }
      old = now;
    });
    for (auto& [key, g] : groups) c.at[size_t(i)][size_t(t)].reads += int64_t(g.size());
  }

  void step(model::Counts& c, const std::vector<int64_t>* prev, const std::vector<int>& temporal) {
    // Which levels see a new tile: those with a changed temporal loop above them.
    std::vector<bool> changed(size_t(L_), prev == nullptr);
    if (prev) {
      for (size_t q = 0; q < temporal.size(); ++q) {
        if ((*prev)[q] == cur_[size_t(temporal[q])]) continue;
        for (int j = loops_[size_t(temporal[q])].level + 1; j < L_; ++j) changed[size_t(j)] = true;
      }
    }
    // Outputs drain first (innermost first), then every tensor fills (outermost first).
    for (int j = L_ - 1; j >= 1; --j)
      for (int t = 0; t < p_.num_tensors(); ++t)
        if (changed[size_t(j)] && keeps(j, t) && p_.tensors[size_t(t)].is_output && prev)
          drain_level(c, j, t, false);
    for (int j = 1; j < L_; ++j)
      for (int t = 0; t < p_.num_tensors(); ++t)
        if (changed[size_t(j)] && keeps(j, t)) fill_level(c, j, t);
    // Compute: every MAC unit with an in-bound point reads its operands and emits a result.
    ++c.compute_steps;
    std::vector<int> spatial;
    for (int k = 0; k < int(loops_.size()); ++k)
      if (loops_[size_t(k)].spatial) spatial.push_back(k);
    const int nt = p_.num_tensors();
    std::vector<std::map<std::pair<int64_t, int64_t>, std::set<int64_t>>> groups(static_cast<size_t>(nt));
    std::vector<int> keeper(static_cast<size_t>(nt));
    std::vector<uint64_t> gm(static_cast<size_t>(nt));
    for (int t = 0; t < nt; ++t) {
      int i = L_ - 1;
      while (i > 0 && !keeps(i, t)) --i;
      keeper[size_t(t)] = i;
      gm[size_t(t)] = group_of(t, i, L_);
    }
    combos(spatial, 0, [&] {
      if (code(0) < 0 && code(p_.output_index()) < 0) return;
      bool valid = true;
      for (int t = 0; t < nt; ++t) valid &= code(t) >= 0;
      if (!valid) return;
      ++c.macs;
      for (int t = 0; t < nt; ++t) {
        int i = keeper[size_t(t)];
        c.at[size_t(i)][size_t(t)].deliveries += 1;
        groups[size_t(t)][{instance_id(i), instance_id(L_, gm[size_t(t)])}].insert(code(t));
      }
    });
    for (int t = 0; t < nt; ++t) {
      int i = keeper[size_t(t)];
      for (auto& [key, g] : groups[size_t(t)]) {
        if (p_.tensors[size_t(t)].is_output) {
          if (gm[size_t(t)]) {
            for (int64_t x : g) accumulate(c, i, t, key.first, x);
          }
        } else {
          c.at[size_t(i)][size_t(t)].reads += int64_t(g.size());
        }
      }
    }
    // Without spatial reduction every MAC unit's result is its own accumulation.
    for (int t = 0; t < nt; ++t) {
      if (!p_.tensors[size_t(t)].is_output || gm[size_t(t)]) continue;
      int i = keeper[size_t(t)];
      combos(spatial, 0, [&] {
        bool valid = true;
        for (int u = 0; u < nt; ++u) valid &= code(u) >= 0;
        if (valid) accumulate(c, i, t, instance_id(i), code(t));
      });
    }
  }

  const workload::Problem& p_;
  const model::Machine& m_;
  const mapping::Mapping& map_;
  int L_;
  std::vector<SLoop> loops_;
  std::vector<int64_t> cur_;
  std::vector<std::vector<std::map<int64_t, Set>>> held_;
  std::vector<std::vector<std::map<int64_t, std::set<int64_t>>>> valued_;
};

}  // namespace

model::Counts simulate(const workload::Problem& p, const model::Machine& m, const mapping::Mapping& map,
                       int64_t max_points) {
  Walker w(p, m, map);
  return w.run(max_points);
}

std::string functional_check(const workload::Problem& p, const mapping::Mapping& map, uint64_t seed) {
  // Operand values: small pseudo-random integers per tensor element (exact in int64).
  Rng rng(seed);
  const int nt = p.num_tensors();
  const int out = p.output_index();
  std::vector<std::vector<int64_t>> data(static_cast<size_t>(nt));
  for (int t = 0; t < nt; ++t) {
    int64_t size = p.tensor_box_size(t);
    data[size_t(t)].resize(size_t(size));
    if (t != out)
      for (auto& v : data[size_t(t)]) v = rng.between(-8, 8);
  }
  auto code = [&](int t, const std::vector<int64_t>& coord) {
    int64_t c = 0;
    const auto& ten = p.tensors[size_t(t)];
    for (int r = 0; r < int(ten.ranks.size()); ++r) {
      int64_t v = 0;
      for (const auto& term : ten.ranks[size_t(r)].terms) v += term.coef * coord[size_t(term.dim)];
      c = c * p.rank_extent(t, r) + v;
    }
    return size_t(c);
  };
  auto apply = [&](std::vector<int64_t>& o, const std::vector<int64_t>& coord) {
    int64_t prod = 1;
    for (int t = 0; t < nt; ++t)
      if (t != out) prod *= data[size_t(t)][code(t, coord)];
    o[code(out, coord)] += prod;
  };
  // Direct evaluation in canonical order.
  std::vector<int64_t> direct(data[size_t(out)].size(), 0);
  {
    std::vector<int64_t> coord(static_cast<size_t>(p.num_dims()), 0);
    while (true) {
      apply(direct, coord);
      int d = p.num_dims() - 1;
      while (d >= 0) {
        if (++coord[size_t(d)] < p.bounds[size_t(d)]) break;
        coord[size_t(d)] = 0;
        --d;
      }
      if (d < 0) break;
    }
  }
  // The mapped nest: every loop of every level in nest order, out-of-bound points skipped.
  std::vector<SLoop> loops;
  for (int i = 0; i < int(map.levels.size()); ++i) {
    for (const auto& l : map.levels[size_t(i)].temporal) loops.push_back({l.dim, i, false, l.factor, 1});
    for (const auto& l : map.levels[size_t(i)].spatial) loops.push_back({l.dim, i, true, l.factor, 1});
  }
  std::vector<int64_t> run(static_cast<size_t>(p.num_dims()), 1);
  for (int k = int(loops.size()) - 1; k >= 0; --k) {
    loops[size_t(k)].stride = run[size_t(loops[size_t(k)].dim)];
    run[size_t(loops[size_t(k)].dim)] *= loops[size_t(k)].factor;
  }
  std::vector<int64_t> mapped(direct.size(), 0);
  std::vector<int64_t> idx(loops.size(), 0);
  int64_t executed = 0;
  while (true) {
    std::vector<int64_t> coord(static_cast<size_t>(p.num_dims()), 0);
    for (size_t k = 0; k < loops.size(); ++k) coord[size_t(loops[k].dim)] += idx[k] * loops[k].stride;
    bool in = true;
    for (int d = 0; d < p.num_dims(); ++d) in &= coord[size_t(d)] < p.bounds[size_t(d)];
    if (in) {
      apply(mapped, coord);
      ++executed;
    }
    int k = int(loops.size()) - 1;
    while (k >= 0) {
      if (++idx[size_t(k)] < loops[size_t(k)].factor) break;
      idx[size_t(k)] = 0;
      --k;
    }
    if (k < 0) break;
  }
  if (executed != p.points())
    return fmt::format("the mapped nest executed {} points, the problem has {}", executed, p.points());
  for (size_t e = 0; e < direct.size(); ++e)
    if (direct[e] != mapped[e])
      return fmt::format("output element {} differs: direct {} mapped {}", e, direct[e], mapped[e]);
  return {};
}

}  // namespace coda::sim
