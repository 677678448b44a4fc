#include "coda/mapping/constraints.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "coda/common/checked.hpp"
#include "coda/common/error.hpp"

namespace coda::mapping {

const char* slot_name(Slot s) {
  switch (s) {
    case Slot::Temporal: return "temporal";
    case Slot::SpatialX: return "spatial-X";
    case Slot::SpatialY: return "spatial-Y";
  }
  return "?";
}

bool FactorRule::admits(int64_t f) const {
  if (fixed > 0 && f != fixed) return false;
  if (f < min) return false;
  if (max > 0 && f > max) return false;
  if (!allowed.empty() && !std::binary_search(allowed.begin(), allowed.end(), f)) return false;
  return true;
}

std::string FactorRule::describe() const {
  if (fixed > 0) return fmt::format("= {}", fixed);
  std::string s;
  if (!allowed.empty()) {
    std::string list;
    for (int64_t a : allowed) list += (list.empty() ? "" : ", ") + std::to_string(a);
    s = "in {" + list + "}";
  }
  if (min > 1) s += (s.empty() ? "" : " and ") + fmt::format(">= {}", min);
  if (max > 0) s += (s.empty() ? "" : " and ") + fmt::format("<= {}", max);
  return s.empty() ? "any" : s;
}

int64_t child_fanout_x(const model::Machine& m, int level) {
  return level + 1 < m.num_levels ? m.levels[size_t(level + 1)].fanout_x : m.compute.fanout_x;
}

int64_t child_fanout_y(const model::Machine& m, int level) {
  return level + 1 < m.num_levels ? m.levels[size_t(level + 1)].fanout_y : m.compute.fanout_y;
}

LevelRoles level_roles(const model::Machine& m) {
  LevelRoles r;
  const int L = m.num_levels;
  r.dram = 0;
  r.pe = L > 0 ? L - 1 : 0;
  for (int i = 0; i < L; ++i)
    if (child_fanout_x(m, i) * child_fanout_y(m, i) > 1) r.spatial.push_back(i);
  r.glb = !r.spatial.empty() ? r.spatial.front() : (L >= 2 ? L - 2 : 0);
  return r;
}

Constraints::Constraints(const workload::Problem& p, const model::Machine& m) {
  dim_names = p.dim_names;
  for (const auto& t : p.tensors) tensor_names.push_back(t.name);
  for (int i = 0; i < m.num_levels; ++i)
    level_names.push_back(m.levels[size_t(i)].name.empty() ? fmt::format("L{}", i) : m.levels[size_t(i)].name);
  levels.resize(size_t(m.num_levels));
  for (auto& lv : levels)
    for (auto& f : lv.factors) f.assign(dim_names.size(), FactorRule{});
}

namespace {

std::string join_origins(const std::string& a, const std::string& b) {
  if (a.empty() || a == b) return b;
  if (b.empty()) return a;
  return a + "; " + b;
}

}  // namespace

void Constraints::restrict(int level, Slot s, int dim, const FactorRule& r) {
  FactorRule& cur = rule(level, s, dim);
  FactorRule out = cur;
  auto conflict = [&](const std::string& what) {
    throw InputError(fmt::format("contradictory constraints on the {} factor of {} at level {}: {} ({}) and {} ({}): {}",
                                 slot_name(s), dim_names[size_t(dim)], level_names[size_t(level)], cur.describe(),
                                 cur.origin.empty() ? "earlier" : cur.origin, r.describe(),
                                 r.origin.empty() ? "later" : r.origin, what));
  };
  if (r.fixed > 0) {
    if (cur.fixed > 0 && cur.fixed != r.fixed) conflict("two different fixed factors");
    out.fixed = r.fixed;
  }
  out.min = std::max(cur.min, r.min);
  if (r.max > 0) out.max = cur.max > 0 ? std::min(cur.max, r.max) : r.max;
  if (!r.allowed.empty()) {
    if (cur.allowed.empty()) {
      out.allowed = r.allowed;
    } else {
      out.allowed.clear();
      std::set_intersection(cur.allowed.begin(), cur.allowed.end(), r.allowed.begin(), r.allowed.end(),
                            std::back_inserter(out.allowed));
      if (out.allowed.empty()) conflict("no factor is in both allowed sets");
    }
  }
  if (out.max > 0 && out.min > out.max) conflict("the minimum exceeds the maximum");
  if (out.fixed > 0) {
    FactorRule probe = out;
    probe.fixed = 0;
    if (!probe.admits(out.fixed)) conflict("the fixed factor is outside the other bounds");
  }
  out.origin = join_origins(cur.origin, r.origin);
  cur = out;
}

void Constraints::allow_spatial_only(int level, Slot s, const std::vector<int>& dims, const std::string& origin) {
  for (int d = 0; d < num_dims(); ++d) {
    if (std::find(dims.begin(), dims.end(), d) != dims.end()) continue;
    FactorRule one;
    one.fixed = 1;
    one.origin = origin;
    restrict(level, s, d, one);
  }
}

void Constraints::set_imperfect(bool on) {
  for (auto& lv : levels)
    for (auto& slot : lv.factors)
      for (auto& r : slot) r.imperfect = on;
}

void Constraints::force_keep(int level, int tensor, bool keep, const std::string& origin) {
  auto& lv = levels[size_t(level)];
  const uint32_t bit = 1u << tensor;
  if ((keep && (lv.bypass & bit)) || (!keep && (lv.keep & bit)))
    throw InputError(fmt::format("contradictory constraints at level {}: {} must be {} ({}) and {} ({})",
                                 level_names[size_t(level)], tensor_names[size_t(tensor)], keep ? "bypassed" : "kept", lv.keep_origin, keep ? "kept" : "bypassed",
                                 origin));
  (keep ? lv.keep : lv.bypass) |= bit;
  lv.keep_origin = join_origins(lv.keep_origin, origin);
}

void Constraints::set_order(int level, std::vector<OrderBlock> order, int wildcard, const std::string& origin) {
  auto& lv = levels[size_t(level)];
  if (!lv.order.empty())
    throw InputError(fmt::format("the loop order of level {} is constrained twice: {} and {}",
                                 level_names[size_t(level)], lv.order_origin, origin));
  lv.order = std::move(order);
  lv.wildcard = std::clamp(wildcard, 0, int(lv.order.size()));
  lv.order_origin = origin;
}

void Constraints::merge(const Constraints& o) {
  if (o.num_levels() != num_levels() || o.dim_names != dim_names || o.tensor_names != tensor_names)
    throw InputError("cannot combine constraint sets written for different problems or machines");
  for (int i = 0; i < num_levels(); ++i) {
    const auto& ol = o.levels[size_t(i)];
    for (int s = 0; s < kNumSlots; ++s)
      for (int d = 0; d < num_dims(); ++d) {
        const FactorRule& r = ol.factors[size_t(s)][size_t(d)];
        if (!r.is_free()) restrict(i, Slot(s), d, r);
        if (!r.imperfect) rule(i, Slot(s), d).imperfect = false;
      }
    if (!ol.order.empty()) set_order(i, ol.order, ol.wildcard, ol.order_origin);
    for (int t = 0; t < num_tensors(); ++t) {
      if (ol.keep >> t & 1u) force_keep(i, t, true, ol.keep_origin);
      if (ol.bypass >> t & 1u) force_keep(i, t, false, ol.keep_origin);
    }
    auto& lv = levels[size_t(i)];
    if (ol.min_utilization > lv.min_utilization) {
      lv.min_utilization = ol.min_utilization;
      lv.utilization_origin = ol.utilization_origin;
    }
  }
  if (o.min_utilization > min_utilization) {
    min_utilization = o.min_utilization;
    utilization_origin = o.utilization_origin;
  }
  name = name.empty() ? o.name : (o.name.empty() ? name : name + " + " + o.name);
}

bool Constraints::order_matches(int level, const std::vector<int>& dims) const {
  const auto& lv = levels[size_t(level)];
  if (lv.order.empty()) return true;
  // Position of each dimension in the pattern: blocks before the wildcard keep their index,
  // the wildcard takes index `wildcard`, blocks after it shift by one.
  auto position = [&lv](int d) {
    for (size_t b = 0; b < lv.order.size(); ++b)
      for (int x : lv.order[b].dims)
        if (x == d) return int(b) < lv.wildcard ? int(b) : int(b) + 1;
    return lv.wildcard;
  };
  int last = -1;
  for (int d : dims) {
    int p = position(d);
    if (p < last) return false;
    last = p;
  }
  return true;
}

namespace {

std::string level_name(const model::Machine& m, int i) {
  return i < m.num_levels && !m.levels[size_t(i)].name.empty() ? m.levels[size_t(i)].name : fmt::format("L{}", i);
}

std::string origin_note(const std::string& o) { return o.empty() ? "" : " (" + o + ")"; }

}  // namespace

std::string Constraints::violation(const Mapping& map, const workload::Problem& p, const model::Machine& m) const {
  const int L = num_levels();
  if (int(map.levels.size()) != L)
    return fmt::format("the mapping has {} levels, the constraints {}", map.levels.size(), L);
  const int D = p.num_dims();
  if (D != num_dims()) return "the constraints were built for another problem";
  // Factor of each (level, slot, dim).
  std::vector<std::array<std::vector<int64_t>, kNumSlots>> f(static_cast<size_t>(L));
  for (int i = 0; i < L; ++i) {
    for (auto& s : f[size_t(i)]) s.assign(size_t(D), 1);
    const auto& lv = map.levels[size_t(i)];
    for (const auto& l : lv.temporal)
      if (l.dim >= 0 && l.dim < D) f[size_t(i)][0][size_t(l.dim)] *= l.factor;
    for (const auto& l : lv.spatial)
      if (l.dim >= 0 && l.dim < D) f[size_t(i)][l.axis == Axis::X ? 1 : 2][size_t(l.dim)] *= l.factor;
  }
  for (int i = 0; i < L; ++i)
    for (int s = 0; s < kNumSlots; ++s)
      for (int d = 0; d < D; ++d) {
        const FactorRule& r = rule(i, Slot(s), d);
        const int64_t v = f[size_t(i)][size_t(s)][size_t(d)];
        if (!r.admits(v))
          return fmt::format("level {} {}: {} has factor {}, but the constraints require {}{}", level_name(m, i),
                             slot_name(Slot(s)), p.dim_names[size_t(d)], v, r.describe(), origin_note(r.origin));
      }
  // Divisibility, inner slots first (nest order within a level: temporal, X, Y).
  for (int d = 0; d < D; ++d) {
    int64_t rem = p.bounds[size_t(d)];
    for (int i = L - 1; i >= 0; --i)
      for (int s = kNumSlots - 1; s >= 0; --s) {
        const int64_t v = f[size_t(i)][size_t(s)][size_t(d)];
        if (i == 0 && s == 0) continue;  // the outermost slot takes what remains
        if (v > 1 && rem % v != 0 && !rule(i, Slot(s), d).imperfect)
          return fmt::format("level {} {}: factor {} of {} does not divide the {} left by the inner loops, and "
                             "imperfect factors are not allowed there",
                             level_name(m, i), slot_name(Slot(s)), v, p.dim_names[size_t(d)], rem);
        rem = ceil_div(rem, v);
      }
  }
  for (int i = 0; i < L; ++i) {
    std::vector<int> dims;
    for (const auto& l : map.levels[size_t(i)].temporal)
      if (l.factor > 1) dims.push_back(l.dim);
    if (!order_matches(i, dims)) {
      std::string nest;
      for (int d : dims) nest += (nest.empty() ? "" : " ") + p.dim_names[size_t(d)];
      return fmt::format("level {}: temporal loop order [{}] does not match the order constraint{}", level_name(m, i),
                         nest, origin_note(levels[size_t(i)].order_origin));
    }
    const auto& lc = levels[size_t(i)];
    for (int t = 0; t < p.num_tensors(); ++t) {
      const bool k = map.levels[size_t(i)].keeps(t);
      if ((lc.keep >> t & 1u) && !k)
        return fmt::format("level {} must keep {}{}", level_name(m, i), p.tensors[size_t(t)].name,
                           origin_note(lc.keep_origin));
      if ((lc.bypass >> t & 1u) && k)
        return fmt::format("level {} must bypass {}{}", level_name(m, i), p.tensors[size_t(t)].name,
                           origin_note(lc.keep_origin));
    }
  }
  int64_t active = 1;
  for (int i = 0; i < L; ++i) {
    int64_t used = 1;
    for (int d = 0; d < D; ++d) used *= f[size_t(i)][1][size_t(d)] * f[size_t(i)][2][size_t(d)];
    active *= used;
    const double fan = double(child_fanout_x(m, i) * child_fanout_y(m, i));
    const double need = levels[size_t(i)].min_utilization;
    if (need > 0 && double(used) < need * fan - 1e-9)
      return fmt::format("level {}: the spatial loops use {} of {} children, below the minimum utilization {}{}",
                         level_name(m, i), used, int64_t(fan), need, origin_note(levels[size_t(i)].utilization_origin));
  }
  if (min_utilization > 0) {
    int64_t total = m.compute.fanout_x * m.compute.fanout_y;
    for (int i = 1; i < m.num_levels; ++i) total *= m.levels[size_t(i)].fanout_x * m.levels[size_t(i)].fanout_y;
    if (double(active) < min_utilization * double(total) - 1e-9)
      return fmt::format("the mapping uses {} of {} MAC units, below the minimum utilization {}{}", active, total,
                         min_utilization, origin_note(utilization_origin));
  }
  return {};
}

std::string Constraints::describe(const workload::Problem& p, const model::Machine& m) const {
  std::string out;
  for (int i = 0; i < num_levels(); ++i) {
    const auto& lv = levels[size_t(i)];
    for (int s = 0; s < kNumSlots; ++s) {
      std::string items;
      for (int d = 0; d < num_dims() && d < p.num_dims(); ++d) {
        const FactorRule& r = lv.factors[size_t(s)][size_t(d)];
        if (r.is_free() && !r.imperfect) continue;
        if (Slot(s) != Slot::Temporal && r.fixed == 1) continue;  // listed below as "only"
        items += fmt::format("{}{} {}{}", items.empty() ? "" : ", ", p.dim_names[size_t(d)], r.describe(),
                             r.imperfect ? " (imperfect)" : "");
      }
      if (Slot(s) != Slot::Temporal) {
        std::string only;
        int n = 0;
        for (int d = 0; d < num_dims() && d < p.num_dims(); ++d)
          if (lv.factors[size_t(s)][size_t(d)].fixed != 1) only += (only.empty() ? "" : " ") + p.dim_names[size_t(d)], ++n;
        if (n < p.num_dims()) items = "only [" + only + "]" + (items.empty() ? "" : "; " + items);
      }
      if (!items.empty()) out += fmt::format("  {} {}: {}\n", level_name(m, i), slot_name(Slot(s)), items);
    }
    if (!lv.order.empty()) {
      std::string pat;
      for (size_t b = 0; b <= lv.order.size(); ++b) {
        if (int(b) == lv.wildcard) pat += (pat.empty() ? "" : " ") + std::string("*");
        if (b == lv.order.size()) break;
        std::string blk;
        for (int d : lv.order[b].dims) blk += (blk.empty() ? "" : ",") + p.dim_names[size_t(d)];
        pat += (pat.empty() ? "" : " ") + (lv.order[b].dims.size() > 1 ? "{" + blk + "}" : blk);
      }
      out += fmt::format("  {} order (outer to inner): {}\n", level_name(m, i), pat);
    }
    std::string keep, bypass;
    for (int t = 0; t < p.num_tensors(); ++t) {
      if (lv.keep >> t & 1u) keep += (keep.empty() ? "" : ", ") + p.tensors[size_t(t)].name;
      if (lv.bypass >> t & 1u) bypass += (bypass.empty() ? "" : ", ") + p.tensors[size_t(t)].name;
    }
    if (!keep.empty()) out += fmt::format("  {} keeps: {}\n", level_name(m, i), keep);
    if (!bypass.empty()) out += fmt::format("  {} bypasses: {}\n", level_name(m, i), bypass);
    if (lv.min_utilization > 0)
      out += fmt::format("  {} children used >= {:.0f} %\n", level_name(m, i), 100 * lv.min_utilization);
  }
  if (min_utilization > 0) out += fmt::format("  MAC units used >= {:.0f} %\n", 100 * min_utilization);
  return out;
}

}  // namespace coda::mapping
