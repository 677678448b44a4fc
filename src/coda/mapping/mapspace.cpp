#include "coda/mapping/mapspace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "coda/common/checked.hpp"
#include "coda/common/error.hpp"
#include "coda/mapping/factorization.hpp"
#include "coda/model/nest.hpp"
#include "coda/model/perfect_counts.hpp"
#include "coda/model/transfers.hpp"

namespace coda::mapping {

void RejectStats::add(const RejectStats& o) {
  fanout += o.fanout;
  capacity += o.capacity;
  utilization += o.utilization;
  for (size_t i = 0; i < pool.size(); ++i)
    for (size_t k = 0; k < pool[i].size(); ++k) pool[i][k] += o.pool[i][k];
}

namespace {

// Smallest factors f with distinct ceil(rem / f): the balanced splits of `rem` (docs/mapper.md:
// an imperfect slot takes f = ceil(rem / q) for some number of outer iterations q, so that the
// tiles are as even as possible). They include every divisor of rem.
void balanced_splits(int64_t rem, std::vector<int64_t>& out) {
  out.clear();
  const int64_t k = int64_t(std::sqrt(double(rem))) + 2;
  for (int64_t v = 1; v <= std::min(rem, k); ++v) out.push_back(ceil_div(rem, v));
  for (int64_t f = 1; f <= std::min(rem, k); ++f)
    if (ceil_div(rem, ceil_div(rem, f)) == f) out.push_back(f);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace

Mapspace::Mapspace(const workload::Problem& p, const model::Machine& m, Constraints c)
    : p_(p), m_(m), c_(std::move(c)) {
  L_ = m.num_levels;
  D_ = p.num_dims();
  if (c_.num_levels() != L_ || c_.num_dims() != D_ || c_.num_tensors() != p.num_tensors())
    throw InputError("the constraints were built for another problem or architecture");
  if (D_ > model::kMaxDims || p.num_tensors() > model::kMaxTensors || L_ > model::kMaxLevels || L_ < 1)
    throw InputError(
        fmt::format("problem '{}' on '{}' exceeds the model's limits ({} dimensions, {} tensors, {} levels)",
                    p.name, m.name, model::kMaxDims, model::kMaxTensors, model::kMaxLevels));
  ranks_.resize(size_t(p.num_tensors()));
  for (int t = 0; t < p.num_tensors(); ++t) model::build_ranks(p, t, ranks_[size_t(t)]);
  for (int d = 0; d < D_; ++d) bounds_[size_t(d)] = p.bounds[size_t(d)];
  slot_of_.assign(size_t(L_), {-1, -1, -1});
  for (int l = 0; l < L_; ++l) {
    slot_of_[size_t(l)][0] = int(slots_.size());
    slots_.push_back({l, Slot::Temporal, 0});
    if (child_fanout_x(m, l) > 1) {
      slot_of_[size_t(l)][1] = int(slots_.size());
      slots_.push_back({l, Slot::SpatialX, child_fanout_x(m, l)});
    }
    if (child_fanout_y(m, l) > 1) {
      slot_of_[size_t(l)][2] = int(slots_.size());
      slots_.push_back({l, Slot::SpatialY, child_fanout_y(m, l)});
    }
  }
  // Rules on slots the machine does not have (no fanout on that axis) must admit the factor 1.
  for (int l = 0; l < L_ && dead_.empty(); ++l)
    for (int s = 1; s < kNumSlots && dead_.empty(); ++s) {
      if (slot_of_[size_t(l)][size_t(s)] >= 0) continue;
      for (int d = 0; d < D_; ++d) {
        const FactorRule& r = c_.rule(l, Slot(s), d);
        if (r.admits(1)) continue;
        dead_ = fmt::format(
            "level {} has no {} fanout (its children are not replicated on that axis), but the "
            "constraints require {} {}{}",
            c_.level_names[size_t(l)], s == 1 ? "X" : "Y", p.dim_names[size_t(d)], r.describe(),
            r.origin.empty() ? "" : " (" + r.origin + ")");
        break;
      }
    }
  for (int t = 0; t < p.num_tensors(); ++t)
    for (const auto& rank : p.tensors[size_t(t)].ranks) {
      int n = 0;
      for (const auto& term : rank.terms)
        if (term.coef != 0) ++n;
      for (const auto& term : rank.terms)
        if (term.coef != 0)
          dep_[size_t(t)][size_t(term.dim)] =
              std::max<int8_t>(dep_[size_t(t)][size_t(term.dim)], n > 1 ? 2 : 1);
    }
  dims_.resize(size_t(D_));
  for (int d = 0; d < D_; ++d) {
    auto& ds = dims_[size_t(d)];
    for (int l = L_ - 1; l >= 0; --l)
      for (int s = kNumSlots - 1; s >= 0; --s)
        if (slot_of_[size_t(l)][size_t(s)] >= 0) ds.slots.push_back(slot_of_[size_t(l)][size_t(s)]);
    ds.states.resize(ds.slots.size());
  }
  // Fill the per-dimension states of every reachable (slot, remaining) pair.
  for (int d = 0; d < D_; ++d) {
    std::function<double(int, int64_t)> fill = [&](int j, int64_t rem) -> double {
      auto& memo = dims_[size_t(d)].states[size_t(j)];
      auto it = memo.find(rem);
      if (it != memo.end()) return it->second.count;
      State st;
      std::vector<int64_t> ch;
      choices(d, j, rem, ch);
      const bool last = j + 1 == int(dims_[size_t(d)].slots.size());
      double n = 0;
      for (int64_t f : ch) {
        const int64_t nr = last ? 1 : next_rem(d, j, rem, f);
        const double w = last ? 1.0 : fill(j + 1, nr);
        if (w <= 0) continue;
        n += w;
        st.f.push_back(f);
        st.next.push_back(nr);
        st.cum.push_back(n);
      }
      st.count = n;
      dims_[size_t(d)].states[size_t(j)][rem] = std::move(st);
      return n;
    };
    fill(0, p.bounds[size_t(d)]);
    // Link each state to its successors so that a draw follows pointers instead of hashing the
    // remainder at every slot (references into an unordered_map stay valid: nothing is added later).
    auto& ds = dims_[size_t(d)];
    if (!ds.states.empty()) {
      auto it = ds.states[0].find(p.bounds[size_t(d)]);
      if (it != ds.states[0].end() && it->second.count > 0) ds.root = &it->second;
    }
    for (size_t j = 0; j < ds.states.size(); ++j)
      for (auto& [rem, st] : ds.states[j]) {
        st.to.assign(st.f.size(), nullptr);
        if (j + 1 < ds.states.size())
          for (size_t k = 0; k < st.f.size(); ++k) st.to[k] = &ds.states[j + 1].at(st.next[k]);
      }
  }
  total_units_ = checked_mul(m.compute.fanout_x, m.compute.fanout_y, "MAC units");
  for (int i = 1; i < L_; ++i)
    total_units_ = checked_mul(
        total_units_, checked_mul(m.levels[size_t(i)].fanout_x, m.levels[size_t(i)].fanout_y, "MAC units"),
        "MAC units");
  build_joint();
}

namespace {

// The joint tables stay off past these sizes (the independent draws with rejection remain):
// keys of spatial-factor vectors, and (reachable key, dimension key) pairs to combine.
constexpr uint64_t kMaxJointKeys = uint64_t(1) << 16;
constexpr uint64_t kMaxJointWork = 20'000'000;

double by_key_ways(const std::vector<std::pair<uint32_t, double>>& v, uint32_t key) {
  auto it = std::lower_bound(v.begin(), v.end(), key, [](const auto& e, uint32_t k) { return e.first < k; });
  return it != v.end() && it->first == key ? it->second : 0.0;
}

}  // namespace

void Mapspace::build_joint() {
  // Why: drawing each dimension's split independently and rejecting those whose spatial factors
  // overflow the array wastes nearly every draw under RS (98 % for AlexNet CONV1 on eyeriss,
  // docs/performance.md). Counting the splits of each dimension by the spatial factors they give,
  // then combining the dimensions by dynamic programming over the products so far, draws the
  // spatial factors of all dimensions with the right joint probability without rejection
  // (docs/mapper.md §4).
  Joint j;
  if (!dead_.empty()) return;
  j.sigma_of_slot.assign(slots_.size(), -1);
  uint64_t keys = 1;
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].kind == Slot::Temporal) continue;
    j.sigma_of_slot[i] = j.S++;
    j.stride.push_back(uint32_t(keys));
    j.cap.push_back(slots_[i].cap);
    // Checked before multiplying: a fanout read from a file can be large enough to wrap.
    if (uint64_t(slots_[i].cap) > kMaxJointKeys / keys) return;
    keys *= uint64_t(slots_[i].cap);
  }
  if (j.S == 0) return;  // nothing to fit: the independent draws never fail a fanout
  j.K = uint32_t(keys);
  const size_t S = size_t(j.S);
  j.digit.assign(size_t(j.K) * S, 1);
  for (uint32_t key = 0; key < j.K; ++key)
    for (size_t sg = 0; sg < S; ++sg)
      j.digit[key * S + sg] = int64_t(key / j.stride[sg] % uint32_t(j.cap[sg])) + 1;
  // Per state, its splits by key: outermost positions first (each needs the next position's).
  std::vector<double> scratch(j.K, 0.0);
  std::vector<uint32_t> touched;
  for (int d = 0; d < D_; ++d) {
    auto& ds = dims_[size_t(d)];
    if (ds.root == nullptr) return;  // an empty dimension: nothing to draw
    for (int pos = int(ds.states.size()) - 1; pos >= 0; --pos) {
      const int sg = j.sigma_of_slot[size_t(ds.slots[size_t(pos)])];
      for (auto& [rem, st] : ds.states[size_t(pos)]) {
        st.by_key.clear();
        if (st.count <= 0) continue;
        if (pos + 1 == int(ds.states.size())) {  // level 0 temporal: always temporal, no outer slot
          st.by_key.emplace_back(0u, st.count);
          continue;
        }
        touched.clear();
        for (size_t k = 0; k < st.f.size(); ++k) {
          const uint32_t shift = sg >= 0 ? uint32_t(st.f[k] - 1) * j.stride[size_t(sg)] : 0u;
          for (const auto& [key, ways] : st.to[k]->by_key) {
            const uint32_t nk = key + shift;  // the child's digit of this slot is 0
            if (scratch[nk] == 0) touched.push_back(nk);
            scratch[nk] += ways;
          }
        }
        std::sort(touched.begin(), touched.end());
        st.by_key.reserve(touched.size());
        for (uint32_t key : touched) {
          st.by_key.emplace_back(key, scratch[key]);
          scratch[key] = 0;
        }
      }
    }
  }
  // Keys reachable after each dimension (forward), then the completions (backward) on them only.
  std::vector<std::vector<uint32_t>> reach(size_t(D_) + 1);
  std::vector<uint8_t> seen(j.K, 0);
  reach[0].push_back(0);
  uint64_t work = 0;
  joint_ = std::move(j);  // joint_product reads joint_
  auto& J = joint_;
  for (int d = 0; d < D_; ++d) {
    work += uint64_t(reach[size_t(d)].size()) * dims_[size_t(d)].root->by_key.size();
    if (work > kMaxJointWork) {
      joint_ = Joint{};
      return;
    }
    std::fill(seen.begin(), seen.end(), 0);
    for (uint32_t a : reach[size_t(d)])
      for (const auto& [b, ways] : dims_[size_t(d)].root->by_key) {
        const uint32_t ab = joint_product(a, b);
        if (ab == kNoKey || seen[ab]) continue;
        seen[ab] = 1;
        reach[size_t(d) + 1].push_back(ab);
      }
  }
  J.g.assign(size_t(D_) + 1, std::vector<double>(J.K, 0.0));
  // At the end the products must meet the utilization constraints (the fanouts hold by
  // construction): utilization_ok on a point whose spatial slots hold a key's factors, carried
  // by one dimension (the rule only reads products over dimensions).
  Point probe;
  for (auto& lv : probe.f)
    for (auto& sl : lv) sl.fill(1);
  for (uint32_t a : reach[size_t(D_)]) {
    for (size_t i = 0; i < slots_.size(); ++i)
      if (J.sigma_of_slot[i] >= 0)
        probe.f[size_t(slots_[i].level)][size_t(slots_[i].kind)][0] =
            J.digit[a * S + size_t(J.sigma_of_slot[i])];
    bool ok = utilization_ok(probe, -1);
    for (int l = 0; l < L_ && ok; ++l) ok = utilization_ok(probe, l);
    J.g[size_t(D_)][a] = ok ? 1.0 : 0.0;
  }
  for (int d = D_ - 1; d >= 0; --d)
    for (uint32_t a : reach[size_t(d)]) {
      double n = 0;
      for (const auto& [b, ways] : dims_[size_t(d)].root->by_key) {
        const uint32_t ab = joint_product(a, b);
        if (ab != kNoKey) n += ways * J.g[size_t(d) + 1][ab];
      }
      J.g[size_t(d)][a] = n;
    }
  // No factorization fits: the independent draws remain, so that rejections are counted by
  // cause for the diagnosis.
  if (J.g[0][0] <= 0) {
    joint_ = Joint{};
    return;
  }
  J.on = true;
}

uint32_t Mapspace::joint_product(uint32_t a, uint32_t b) const {
  const size_t S = size_t(joint_.S);
  const int64_t* da = &joint_.digit[a * S];
  const int64_t* db = &joint_.digit[b * S];
  uint32_t key = 0;
  for (size_t sg = 0; sg < S; ++sg) {
    const int64_t v = da[sg] * db[sg];
    if (v > joint_.cap[sg]) return kNoKey;
    key += uint32_t(v - 1) * joint_.stride[sg];
  }
  return key;
}

void Mapspace::choices(int d, int j, int64_t rem, std::vector<int64_t>& out) const {
  out.clear();
  const auto& ds = dims_[size_t(d)];
  const SlotInfo& s = slots_[size_t(ds.slots[size_t(j)])];
  const FactorRule& r = c_.rule(s.level, s.kind, d);
  if (j + 1 == int(ds.slots.size())) {  // level 0 temporal takes what remains
    if (r.admits(rem) && (s.cap == 0 || rem <= s.cap)) out.push_back(rem);
    return;
  }
  std::vector<int64_t> cand;
  if (r.imperfect)
    balanced_splits(rem, cand);
  else
    cand = divisors(rem);
  for (int64_t f : cand)
    if (r.admits(f) && (s.cap == 0 || f <= s.cap)) out.push_back(f);
}

int64_t Mapspace::next_rem(int, int, int64_t rem, int64_t f) const { return ceil_div(rem, f); }

double Mapspace::count_from(int d, int j, int64_t rem) const {
  if (!dead_.empty()) return 0;
  const auto& ds = dims_[size_t(d)];
  if (j >= int(ds.slots.size())) return rem == 1 ? 1 : 0;
  auto it = ds.states[size_t(j)].find(rem);
  return it == ds.states[size_t(j)].end() ? 0 : it->second.count;
}

const Mapspace::State& Mapspace::state(int d, int j, int64_t rem) const {
  static const State empty;
  const auto& ds = dims_[size_t(d)];
  if (j >= int(ds.slots.size())) return empty;
  auto it = ds.states[size_t(j)].find(rem);
  return it == ds.states[size_t(j)].end() ? empty : it->second;
}

size_t Mapspace::draw(Rng& rng, const State& s) const {
  // A factor with probability proportional to the ways of completing the split after it.
  // The first k with cum[k] > x (the last one if rounding leaves none). Most slots offer a few
  // factors, where a scan beats a binary search; both return the same index.
  const double x = rng.uniform() * s.count;
  const size_t n = s.f.size();
  if (n <= 16) {
    size_t k = 0;
    while (k + 1 < n && s.cum[k] <= x) ++k;
    return k;
  }
  const size_t k = size_t(std::upper_bound(s.cum.begin(), s.cum.end(), x) - s.cum.begin());
  return std::min(k, n - 1);
}

Mapping Mapspace::to_mapping(const Point& pt) const {
  Mapping map;
  to_mapping(pt, map);
  return map;
}

void Mapspace::to_mapping(const Point& pt, Mapping& map) const {
  map.levels.resize(size_t(L_));
  for (int l = 0; l < L_; ++l) {
    auto& lv = map.levels[size_t(l)];
    lv.temporal.clear();  // keeps the capacity: a reused Mapping allocates nothing
    lv.spatial.clear();
    std::array<bool, model::kMaxDims> placed{};
    for (int k = 0; k < pt.order_len[size_t(l)]; ++k) {
      const int d = pt.order[size_t(l)][size_t(k)];
      if (pt.f[size_t(l)][0][size_t(d)] > 1 && !placed[size_t(d)]) {
        lv.temporal.push_back({d, pt.f[size_t(l)][0][size_t(d)], Axis::X});
        placed[size_t(d)] = true;
      }
    }
    for (int d = 0; d < D_; ++d)
      if (pt.f[size_t(l)][0][size_t(d)] > 1 && !placed[size_t(d)])
        lv.temporal.push_back({d, pt.f[size_t(l)][0][size_t(d)], Axis::X});
    for (int s = 1; s <= 2; ++s)
      for (int d = 0; d < D_; ++d)
        if (pt.f[size_t(l)][size_t(s)][size_t(d)] > 1)
          lv.spatial.push_back({d, pt.f[size_t(l)][size_t(s)][size_t(d)], s == 1 ? Axis::X : Axis::Y});
    lv.keep = pt.keep[size_t(l)];
  }
}

Point Mapspace::point_of(const Mapping& map) const {
  Point pt;
  for (auto& lv : pt.f)
    for (auto& s : lv) s.fill(1);
  for (int l = 0; l < L_ && l < int(map.levels.size()); ++l) {
    const auto& lv = map.levels[size_t(l)];
    int n = 0;
    for (const auto& lp : lv.temporal) {
      if (lp.dim < 0 || lp.dim >= D_) continue;
      if (lp.factor > 1 && pt.f[size_t(l)][0][size_t(lp.dim)] == 1 && n < model::kMaxDims)
        pt.order[size_t(l)][size_t(n++)] = int8_t(lp.dim);
      pt.f[size_t(l)][0][size_t(lp.dim)] *= lp.factor;
    }
    pt.order_len[size_t(l)] = int8_t(n);
    for (const auto& lp : lv.spatial)
      if (lp.dim >= 0 && lp.dim < D_)
        pt.f[size_t(l)][lp.axis == Axis::X ? 1 : 2][size_t(lp.dim)] *= lp.factor;
    pt.keep[size_t(l)] = lv.keep & all_tensors();
  }
  return pt;
}

// ---------------------------------------------------------------------------------------------
// Capacity

int64_t Mapspace::tile(const std::array<int64_t, model::kMaxDims>& ext, int t) const {
  // The model's own tile size (what model::check compares with the capacity): from the rank
  // lengths when every rank's set is a progression, as in nearly every layer, else exactly.
  model::RankLengths len;
  if (model::rank_lengths(ranks_[size_t(t)], ext.data(), bounds_.data(), len)) return len.size;
  // A one-level nest whose loops have the extents: model::tile_footprint only reads the factors
  // at and below the level.
  model::Nest n;
  n.num_dims = D_;
  n.num_levels = 1;
  int k = 0;
  for (int d = 0; d < D_; ++d) {
    n.bound[size_t(d)] = p_.bounds[size_t(d)];
    if (ext[size_t(d)] > 1) {
      n.loops[size_t(k)] = model::FlatLoop{d, 0, false, Axis::X, ext[size_t(d)], 1};
      ++k;
    }
  }
  n.num_loops = k;
  n.level_begin[0] = 0;
  n.level_begin[1] = k;
  return model::tile_footprint(ranks_[size_t(t)], n, 0);
}

bool Mapspace::level_fits(int l, const std::array<int64_t, model::kMaxDims>& ext, uint32_t keep,
                          int* pool_out) const {
  // The same rule as model::check: per pool (shared capacity or partition), the kept tiles x bits
  // x multiple buffering within capacity x word bits.
  const auto& lv = m_.levels[size_t(l)];
  std::array<int64_t, model::kMaxTensors + 1> need{};
  std::array<bool, model::kMaxTensors + 1> used{};
  for (int t = 0; t < p_.num_tensors(); ++t) {
    if (!(keep >> t & 1u)) continue;
    if (!lv.may_keep[size_t(t)]) {
      if (pool_out) *pool_out = 0;
      return false;
    }
    const size_t pool = size_t(lv.partition[size_t(t)] + 1);
    int64_t cap_words = pool == 0 ? lv.capacity_words : lv.partition_words[pool - 1];
    used[pool] = true;
    if (cap_words <= 0) continue;
    int64_t bits = 0, tl = tile(ext, t);
    if (__builtin_mul_overflow(tl, int64_t(p_.tensors[size_t(t)].bits) * lv.multiple_buffering, &bits) ||
        __builtin_add_overflow(need[pool], bits, &need[pool])) {
      if (pool_out) *pool_out = int(pool);
      return false;
    }
  }
  for (size_t pool = 0; pool < need.size(); ++pool) {
    if (!used[pool]) continue;
    const int64_t cap_words = pool == 0 ? lv.capacity_words : lv.partition_words[pool - 1];
    if (cap_words <= 0) continue;
    if (need[pool] > cap_words * lv.word_bits) {
      if (pool_out) *pool_out = int(pool);
      return false;
    }
  }
  return true;
}

void Mapspace::extents_at(const Point& pt, int l, std::array<int64_t, model::kMaxDims>& ext) const {
  ext.fill(1);
  for (int i = l; i < L_; ++i)
    for (int s = 0; s < kNumSlots; ++s)
      for (int d = 0; d < D_; ++d) ext[size_t(d)] *= pt.f[size_t(i)][size_t(s)][size_t(d)];
}

bool Mapspace::spatial_ok(const Point& pt, int l) const {
  int64_t px = 1, py = 1;
  for (int d = 0; d < D_; ++d) {
    px *= pt.f[size_t(l)][1][size_t(d)];
    py *= pt.f[size_t(l)][2][size_t(d)];
  }
  return px <= child_fanout_x(m_, l) && py <= child_fanout_y(m_, l);
}

bool Mapspace::utilization_ok(const Point& pt, int l) const {
  if (l >= 0) {
    const double need = c_.levels[size_t(l)].min_utilization;
    if (need <= 0) return true;
    int64_t used = 1;
    for (int d = 0; d < D_; ++d) used *= pt.f[size_t(l)][1][size_t(d)] * pt.f[size_t(l)][2][size_t(d)];
    return double(used) >= need * double(child_fanout_x(m_, l) * child_fanout_y(m_, l)) - 1e-9;
  }
  if (c_.min_utilization <= 0) return true;
  int64_t used = 1;
  for (int i = 0; i < L_; ++i)
    for (int d = 0; d < D_; ++d) used *= pt.f[size_t(i)][1][size_t(d)] * pt.f[size_t(i)][2][size_t(d)];
  return double(used) >= c_.min_utilization * double(total_units_) - 1e-9;
}

uint32_t Mapspace::forced_keeps(int l) const {
  if (l == 0) return all_tensors();  // the model requires the outermost level to keep everything
  return c_.levels[size_t(l)].keep & all_tensors();
}

uint32_t Mapspace::free_keeps(int l) const {
  if (l == 0) return 0;
  uint32_t f = 0;
  for (int t = 0; t < p_.num_tensors(); ++t)
    if (m_.levels[size_t(l)].may_keep[size_t(t)] &&
        !((c_.levels[size_t(l)].keep | c_.levels[size_t(l)].bypass) >> t & 1u))
      f |= 1u << t;
  return f;
}

bool Mapspace::fits(const Point& pt, RejectStats* st) const {
  for (int l = 0; l < L_; ++l)
    if (!spatial_ok(pt, l)) {
      if (st) ++st->fanout;
      return false;
    }
  for (int l = -1; l < L_; ++l)
    if (!utilization_ok(pt, l)) {
      if (st) ++st->utilization;
      return false;
    }
  std::array<int64_t, model::kMaxDims> ext{};
  for (int l = L_ - 1; l >= 0; --l) {
    extents_at(pt, l, ext);
    int pool = 0;
    if (!level_fits(l, ext, pt.keep[size_t(l)], &pool)) {
      if (st) {
        ++st->capacity;
        ++st->pool[size_t(l)][size_t(pool)];
      }
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Size

double Mapspace::factorization_count() const {
  double n = 1;
  for (int d = 0; d < D_; ++d) n *= count_from(d, 0, p_.bounds[size_t(d)]);
  return n;
}

double Mapspace::upper_bound() const {
  double n = factorization_count();
  for (int l = 0; l < L_; ++l) {
    n *= double(1u << __builtin_popcount(free_keeps(l)));
    if (l + 1 >= L_) continue;
    // Orders: at most k! for the k dimensions that may have a temporal loop here.
    int k = 0;
    for (int d = 0; d < D_; ++d)
      if (p_.bounds[size_t(d)] > 1 && c_.rule(l, Slot::Temporal, d).fixed != 1) ++k;
    for (int i = 2; i <= k; ++i) n *= i;
  }
  return n;
}

double Mapspace::keep_choices() const {
  double n = 1;
  for (int l = 0; l < L_; ++l) n *= double(1u << __builtin_popcount(free_keeps(l)));
  return n;
}

Mapspace::Estimate Mapspace::estimate(Rng& rng, int64_t attempts,
                                      const std::function<void(const Point&)>& accepted) const {
  Estimate e;
  double orders = 0;
  Point pt;
  for (int64_t k = 0; k < attempts; ++k) {
    ++e.attempts;
    if (!sample(rng, pt)) continue;
    ++e.accepted;
    orders += order_count(pt);
    if (accepted) accepted(pt);
  }
  if (e.attempts > 0) e.acceptance = double(e.accepted) / double(e.attempts);
  if (e.accepted > 0) e.mean_orders = orders / double(e.accepted);
  // The draws are uniform over the factorizations that fit the fanouts when the joint tables are
  // on, over all factorizations otherwise: the acceptance is a fraction of those.
  const double drawn_from = joint_.on ? joint_.g[0][0] : factorization_count();
  e.points = drawn_from * keep_choices() * e.acceptance * e.mean_orders;
  return e;
}

// ---------------------------------------------------------------------------------------------
// Orders

uint32_t Mapspace::imperfect_mask(const Point& pt) const {
  uint32_t mask = 0;
  for (int d = 0; d < D_; ++d) {
    int64_t prod = 1;
    for (int l = 0; l < L_; ++l)
      for (int s = 0; s < kNumSlots; ++s) prod *= pt.f[size_t(l)][size_t(s)][size_t(d)];
    if (prod != p_.bounds[size_t(d)]) mask |= 1u << d;
  }
  return mask;
}

uint32_t Mapspace::tensors_below(const Point& pt, int l) const {
  uint32_t m = 0;
  for (int c = l + 1; c < L_; ++c) m |= pt.keep[size_t(c)];
  return m & all_tensors();
}

std::string Mapspace::signature(const std::vector<int8_t>& order, uint32_t tensors,
                                uint32_t imperfect) const {
  // Per tensor: the set of loops up to its innermost simple loop, then the sequence of the loops
  // inside it with runs of loops it does not depend on sorted (they commute).
  std::string sig;
  const int n = int(order.size());
  for (int t = 0; t < p_.num_tensors(); ++t) {
    if (!(tensors >> t & 1u)) continue;
    auto cat = [&](int d) -> int {
      const int c = dep_[size_t(t)][size_t(d)];
      if (c == 0) return (imperfect >> d & 1u) ? 2 : 0;  // an idle iteration empties the tile
      return c;
    };
    int last_simple = -1;
    for (int k = 0; k < n; ++k)
      if (cat(order[size_t(k)]) == 1) last_simple = k;
    uint32_t outer = 0;
    for (int k = 0; k <= last_simple; ++k) outer |= 1u << order[size_t(k)];
    sig.push_back(char(outer & 0xff));
    sig.push_back(char(outer >> 8));
    std::vector<int8_t> run;
    for (int k = last_simple + 1; k <= n; ++k) {
      if (k < n && cat(order[size_t(k)]) == 0) {
        run.push_back(order[size_t(k)]);
        continue;
      }
      std::sort(run.begin(), run.end());
      for (int8_t x : run) sig.push_back(char(x));
      run.clear();
      if (k < n) {
        sig.push_back(char(0x40));
        sig.push_back(char(order[size_t(k)]));
      }
    }
    sig.push_back(char(0x7f));
  }
  return sig;
}

const Mapspace::OrderClasses& Mapspace::order_classes(int l, uint32_t active, uint32_t tensors,
                                                      uint32_t imperfect) const {
  const uint64_t key =
      uint64_t(l) | uint64_t(active) << 4 | uint64_t(tensors) << 20 | uint64_t(imperfect) << 28;
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto it = cache_.find(key);
  if (it != cache_.end()) return *it->second;
  auto oc = std::make_unique<OrderClasses>();
  std::vector<int8_t> perm;
  for (int d = 0; d < D_; ++d)
    if (active >> d & 1u) perm.push_back(int8_t(d));
  std::vector<int> as_int(perm.size());
  do {
    for (size_t k = 0; k < perm.size(); ++k) as_int[k] = perm[k];
    if (!c_.order_matches(l, as_int)) continue;
    std::string sig = signature(perm, tensors, imperfect);
    if (oc->by_signature.emplace(sig, int(oc->reps.size())).second) oc->reps.push_back(perm);
  } while (std::next_permutation(perm.begin(), perm.end()));
  auto& ref = *oc;
  cache_.emplace(key, std::move(oc));
  return ref;
}

bool Mapspace::for_each_order(const Point& tiling, const std::function<bool(const Point&)>& visit) const {
  Point pt = tiling;
  const uint32_t imp = imperfect_mask(pt);
  std::array<const OrderClasses*, model::kMaxLevels> cls{};
  for (int l = 0; l < L_; ++l) {
    uint32_t active = 0;
    for (int d = 0; d < D_; ++d)
      if (pt.f[size_t(l)][0][size_t(d)] > 1) active |= 1u << d;
    cls[size_t(l)] = &order_classes(l, active, tensors_below(pt, l), imp);
    if (cls[size_t(l)]->reps.empty()) return true;
  }
  std::array<size_t, model::kMaxLevels> idx{};
  while (true) {
    for (int l = 0; l < L_; ++l) {
      const auto& rep = cls[size_t(l)]->reps[idx[size_t(l)]];
      pt.order_len[size_t(l)] = int8_t(rep.size());
      for (size_t k = 0; k < rep.size(); ++k) pt.order[size_t(l)][k] = rep[k];
    }
    if (!visit(pt)) return false;
    int l = L_ - 1;
    while (l >= 0) {
      if (++idx[size_t(l)] < cls[size_t(l)]->reps.size()) break;
      idx[size_t(l)] = 0;
      --l;
    }
    if (l < 0) return true;
  }
}

double Mapspace::order_count(const Point& tiling) const {
  const uint32_t imp = imperfect_mask(tiling);
  double n = 1;
  for (int l = 0; l < L_; ++l) {
    uint32_t active = 0;
    for (int d = 0; d < D_; ++d)
      if (tiling.f[size_t(l)][0][size_t(d)] > 1) active |= 1u << d;
    n *= double(order_classes(l, active, tensors_below(tiling, l), imp).reps.size());
  }
  return n;
}

void Mapspace::canonicalize(Point& pt) const {
  const uint32_t imp = imperfect_mask(pt);
  for (int l = 0; l < L_; ++l) {
    std::vector<int8_t> ord;
    uint32_t active = 0, seen = 0;
    for (int d = 0; d < D_; ++d)
      if (pt.f[size_t(l)][0][size_t(d)] > 1) active |= 1u << d;
    for (int k = 0; k < pt.order_len[size_t(l)]; ++k) {
      const int d = pt.order[size_t(l)][size_t(k)];
      if ((active >> d & 1u) && !(seen >> d & 1u)) {
        ord.push_back(int8_t(d));
        seen |= 1u << d;
      }
    }
    for (int d = 0; d < D_; ++d)
      if ((active >> d & 1u) && !(seen >> d & 1u)) ord.push_back(int8_t(d));
    // Enforce the order pattern: a stable sort by pattern position keeps the rest of the order.
    const auto& lc = c_.levels[size_t(l)];
    if (!lc.order.empty()) {
      auto pos = [&lc](int d) {
        for (size_t b = 0; b < lc.order.size(); ++b)
          for (int x : lc.order[b].dims)
            if (x == d) return int(b) < lc.wildcard ? int(b) : int(b) + 1;
        return lc.wildcard;
      };
      std::stable_sort(ord.begin(), ord.end(), [&](int8_t a, int8_t b) { return pos(a) < pos(b); });
    }
    const auto& oc = order_classes(l, active, tensors_below(pt, l), imp);
    auto it = oc.by_signature.find(signature(ord, tensors_below(pt, l), imp));
    if (it != oc.by_signature.end()) ord = oc.reps[size_t(it->second)];
    pt.order_len[size_t(l)] = int8_t(ord.size());
    for (size_t k = 0; k < ord.size(); ++k) pt.order[size_t(l)][k] = ord[k];
  }
}

// ---------------------------------------------------------------------------------------------
// Enumeration

bool Mapspace::tiling_dfs(int l, int d, Point& pt, std::array<int64_t, model::kMaxDims>& rem,
                          const std::function<bool(const Point&)>& visit, RejectStats* st,
                          bool forced_fit) const {
  if (l < 0) {
    if (!utilization_ok(pt, -1)) {
      if (st) ++st->utilization;
      return true;
    }
    return visit(pt);
  }
  if (d == D_) {
    if (!utilization_ok(pt, l)) {
      if (st) ++st->utilization;
      return true;
    }
    std::array<int64_t, model::kMaxDims> ext{};
    extents_at(pt, l, ext);
    const uint32_t forced = forced_keeps(l), fr = free_keeps(l);
    // Subsets of the free tensors, in increasing order of the mask.
    for (uint32_t sub = 0;; sub = (sub - fr) & fr) {
      const uint32_t keep = forced | sub;
      int pool = 0;
      if (level_fits(l, ext, keep, &pool)) {
        pt.keep[size_t(l)] = keep;
        if (!tiling_dfs(l - 1, 0, pt, rem, visit, st, false)) return false;
      } else if (st) {
        ++st->capacity;
        ++st->pool[size_t(l)][size_t(pool)];
      }
      if (((sub - fr) & fr) == 0) break;
    }
    return true;
  }
  const auto& ds = dims_[size_t(d)];
  DfsStep step;
  step.l = l;
  step.d = d;
  step.n = int(ds.slots.size());
  // Positions of this level's slots in the dimension's list (innermost first: Y, X, temporal).
  int j0 = 0;
  while (j0 < step.n && slots_[size_t(ds.slots[size_t(j0)])].level != l) ++j0;
  step.j1 = j0;
  while (step.j1 < step.n && slots_[size_t(ds.slots[size_t(step.j1)])].level == l) ++step.j1;
  for (int e = 0; e < d; ++e) {
    step.px *= pt.f[size_t(l)][1][size_t(e)];
    step.py *= pt.f[size_t(l)][2][size_t(e)];
  }
  step.fx = child_fanout_x(m_, l);
  step.fy = child_fanout_y(m_, l);
  step.forced = forced_keeps(l);
  for (int t = 0; t < p_.num_tensors(); ++t)
    if ((step.forced >> t & 1u) && dep_[size_t(t)][size_t(d)]) step.forced_uses_d = true;
  step.forced_fit = forced_fit;
  step.start = rem[size_t(d)];
  const State* first = nullptr;
  if (j0 < step.n) {
    auto it = ds.states[size_t(j0)].find(step.start);
    if (it != ds.states[size_t(j0)].end()) first = &it->second;
  }
  return choose_slots(step, j0, first, step.start, pt, rem, visit, st);
}

bool Mapspace::choose_slots(const DfsStep& c, int j, const State* stt, int64_t r, Point& pt,
                            std::array<int64_t, model::kMaxDims>& rem,
                            const std::function<bool(const Point&)>& visit, RejectStats* st) const {
  // The factors of dimension c.d at the slots of level c.l (at most three), one slot at a time;
  // `stt` is the dimension's state at slot position j with `r` of the bound left (null past the
  // last slot, or where no split remains).
  const int l = c.l, d = c.d;
  if (j == c.j1) {
    if (j < c.n && (stt == nullptr || stt->count <= 0)) return true;
    if (j == c.n && r != 1) return true;
    if (c.px * pt.f[size_t(l)][1][size_t(d)] > c.fx || c.py * pt.f[size_t(l)][2][size_t(d)] > c.fy) {
      if (st) ++st->fanout;
      return true;
    }
    // Whether the forced tiles are known to fit with the extents chosen so far: a dimension the
    // forced tensors do not use leaves their tiles unchanged, and so does a dimension whose
    // factors here are all 1 (then the extents are those of the last check that passed).
    bool forced_fit = c.forced_fit;
    if (c.forced_uses_d && c.forced) {
      const bool unchanged = pt.f[size_t(l)][0][size_t(d)] == 1 && pt.f[size_t(l)][1][size_t(d)] == 1 &&
                             pt.f[size_t(l)][2][size_t(d)] == 1;
      if (!(c.forced_fit && unchanged)) {
        // Lower bound: the tiles with the dimensions not yet chosen at their inner extents.
        std::array<int64_t, model::kMaxDims> ext{};
        extents_at(pt, l, ext);
        int pool = 0;
        if (!level_fits(l, ext, c.forced, &pool)) {
          if (st) {
            ++st->capacity;
            ++st->pool[size_t(l)][size_t(pool)];
          }
          return true;
        }
        forced_fit = true;
      }
    }
    rem[size_t(d)] = r;
    const bool go = tiling_dfs(l, d + 1, pt, rem, visit, st, forced_fit);
    rem[size_t(d)] = c.start;
    return go;
  }
  if (stt == nullptr) return true;
  const SlotInfo& s = slots_[size_t(dims_[size_t(d)].slots[size_t(j)])];
  // Spatial factors beyond what the other dimensions leave of the fanout cannot fit.
  const int64_t room = s.kind == Slot::SpatialX ? c.fx / c.px : s.kind == Slot::SpatialY ? c.fy / c.py : 0;
  int64_t& slot = pt.f[size_t(l)][size_t(s.kind)][size_t(d)];
  for (size_t k = 0; k < stt->f.size(); ++k) {
    const int64_t f = stt->f[k];
    if (room > 0 && f > room) break;
    slot = f;
    if (!choose_slots(c, j + 1, stt->to[k], stt->next[k], pt, rem, visit, st)) {
      slot = 1;
      return false;
    }
  }
  slot = 1;
  return true;
}

bool Mapspace::for_each_tiling(const std::function<bool(const Point&)>& visit, RejectStats* st) const {
  Point pt;
  for (auto& lv : pt.f)
    for (auto& s : lv) s.fill(1);
  std::array<int64_t, model::kMaxDims> rem{};
  for (int d = 0; d < D_; ++d) rem[size_t(d)] = p_.bounds[size_t(d)];
  for (int d = 0; d < D_; ++d)
    if (count_from(d, 0, rem[size_t(d)]) <= 0) return true;
  return tiling_dfs(L_ - 1, 0, pt, rem, visit, st, false);
}

// ---------------------------------------------------------------------------------------------
// Sampling

bool Mapspace::sample_dim(Rng& rng, int d, Point& pt) const {
  const auto& ds = dims_[size_t(d)];
  if (!dead_.empty()) return false;
  const State* st = ds.root;
  for (int j = 0; j < int(ds.slots.size()); ++j) {
    if (st == nullptr || st->f.empty()) return false;
    const SlotInfo& s = slots_[size_t(ds.slots[size_t(j)])];
    const size_t k = draw(rng, *st);
    pt.f[size_t(s.level)][size_t(s.kind)][size_t(d)] = st->f[k];
    st = st->to[k];
  }
  return true;
}

bool Mapspace::sample_dim_given(Rng& rng, int d, uint32_t key, Point& pt) const {
  // Slot by slot, innermost first, as sample_dim, but a spatial slot takes the factor of `key`,
  // and a temporal slot draws a factor with probability proportional to the splits after it that
  // still give the remaining spatial factors of `key`: uniform among the splits with that key.
  const auto& ds = dims_[size_t(d)];
  const State* st = ds.root;
  const size_t n = ds.slots.size();
  for (size_t j = 0; j < n; ++j) {
    if (st == nullptr || st->f.empty()) return false;
    const int si = ds.slots[j];
    const SlotInfo& s = slots_[size_t(si)];
    const int sg = joint_.sigma_of_slot[size_t(si)];
    size_t k = 0;
    if (sg >= 0) {
      const int64_t f = joint_.digit[size_t(key) * size_t(joint_.S) + size_t(sg)];
      const auto it = std::lower_bound(st->f.begin(), st->f.end(), f);
      if (it == st->f.end() || *it != f) return false;
      k = size_t(it - st->f.begin());
      key -= uint32_t(f - 1) * joint_.stride[size_t(sg)];
    } else if (j + 1 < n) {
      const double x = rng.uniform() * by_key_ways(st->by_key, key);
      double acc = 0;
      size_t last = st->f.size();
      for (k = 0; k < st->f.size(); ++k) {
        const double w = by_key_ways(st->to[k]->by_key, key);
        if (w <= 0) continue;
        last = k;
        acc += w;
        if (acc > x) break;
      }
      if (last == st->f.size()) return false;
      if (k == st->f.size()) k = last;  // rounding left x at the total
    } else if (key != 0) {
      return false;
    }
    pt.f[size_t(s.level)][size_t(s.kind)][size_t(d)] = st->f[k];
    st = st->to[k];
  }
  return true;
}

bool Mapspace::sample_joint(Rng& rng, Point& pt) const {
  // The spatial factors of dimension d are drawn given the product a of those before it, with
  // probability W_d(b) x g[d + 1][a x b] / g[d][a] (W_d: the root state's by_key), then the split
  // given them. Over all dimensions this is prod_d W_d(b_d) / g[0][0] x prod_d 1 / W_d(b_d) =
  // 1 / g[0][0] for every factorization that fits: uniform (docs/mapper.md §4).
  uint32_t a = 0;
  for (int d = 0; d < D_; ++d) {
    const auto& next = joint_.g[size_t(d) + 1];
    const double x = rng.uniform() * joint_.g[size_t(d)][a];
    double acc = 0;
    uint32_t pick = kNoKey, pick_ab = kNoKey;
    for (const auto& [b, ways] : dims_[size_t(d)].root->by_key) {
      const uint32_t ab = joint_product(a, b);
      if (ab == kNoKey) continue;
      const double w = ways * next[ab];
      if (w <= 0) continue;
      pick = b;
      pick_ab = ab;
      acc += w;
      if (acc > x) break;
    }
    if (pick == kNoKey || !sample_dim_given(rng, d, pick, pt)) return false;
    a = pick_ab;
  }
  return true;
}

bool Mapspace::sample(Rng& rng, Point& out, RejectStats* st) const {
  Point pt;
  for (auto& lv : pt.f)
    for (auto& s : lv) s.fill(1);
  if (joint_.on) {
    if (!sample_joint(rng, pt)) return false;
  } else {
    for (int d = 0; d < D_; ++d)
      if (!sample_dim(rng, d, pt)) return false;
  }
  for (int l = 0; l < L_; ++l) {
    const uint32_t fr = free_keeps(l);
    uint32_t k = forced_keeps(l);
    for (int t = 0; t < p_.num_tensors(); ++t)
      if ((fr >> t & 1u) && rng.below(2)) k |= 1u << t;
    pt.keep[size_t(l)] = k;
  }
  if (!fits(pt, st)) return false;
  const uint32_t imp = imperfect_mask(pt);
  for (int l = 0; l < L_; ++l) {
    uint32_t active = 0;
    for (int d = 0; d < D_; ++d)
      if (pt.f[size_t(l)][0][size_t(d)] > 1) active |= 1u << d;
    const auto& oc = order_classes(l, active, tensors_below(pt, l), imp);
    if (oc.reps.empty()) return false;
    const auto& rep = oc.reps[size_t(rng.below(oc.reps.size()))];
    pt.order_len[size_t(l)] = int8_t(rep.size());
    for (size_t k = 0; k < rep.size(); ++k) pt.order[size_t(l)][k] = rep[k];
  }
  out = pt;
  return true;
}

bool Mapspace::sample_constructive(Rng& rng, Point& out, int tries) const {
  Point pt;
  for (auto& lv : pt.f)
    for (auto& s : lv) s.fill(1);
  std::array<int64_t, model::kMaxDims> rem{};
  for (int d = 0; d < D_; ++d) {
    rem[size_t(d)] = p_.bounds[size_t(d)];
    if (count_from(d, 0, rem[size_t(d)]) <= 0) return false;
  }
  for (int l = L_ - 1; l >= 0; --l) {
    bool ok = false;
    for (int attempt = 0; attempt < tries && !ok; ++attempt) {
      std::array<int64_t, model::kMaxDims> r = rem;
      for (int d = 0; d < D_; ++d) {
        const auto& ds = dims_[size_t(d)];
        for (int j = 0; j < int(ds.slots.size()); ++j) {
          const SlotInfo& s = slots_[size_t(ds.slots[size_t(j)])];
          if (s.level != l) continue;
          // Position j is reached with the remaining r[d] (the slots inside it are fixed).
          const State& st = state(d, j, r[size_t(d)]);
          if (st.f.empty()) return false;
          const size_t k = draw(rng, st);
          pt.f[size_t(l)][size_t(s.kind)][size_t(d)] = st.f[k];
          r[size_t(d)] = st.next[k];
        }
      }
      const uint32_t fr = free_keeps(l);
      uint32_t k = forced_keeps(l);
      for (int t = 0; t < p_.num_tensors(); ++t)
        if ((fr >> t & 1u) && rng.below(2)) k |= 1u << t;
      pt.keep[size_t(l)] = k;
      std::array<int64_t, model::kMaxDims> ext{};
      extents_at(pt, l, ext);
      if (spatial_ok(pt, l) && utilization_ok(pt, l) && level_fits(l, ext, k, nullptr)) {
        ok = true;
        rem = r;
      } else {
        for (int s = 0; s < kNumSlots; ++s) pt.f[size_t(l)][size_t(s)].fill(1);
      }
    }
    if (!ok) return false;
  }
  if (!utilization_ok(pt, -1)) return false;
  const uint32_t imp = imperfect_mask(pt);
  for (int l = 0; l < L_; ++l) {
    uint32_t active = 0;
    for (int d = 0; d < D_; ++d)
      if (pt.f[size_t(l)][0][size_t(d)] > 1) active |= 1u << d;
    const auto& oc = order_classes(l, active, tensors_below(pt, l), imp);
    if (oc.reps.empty()) return false;
    const auto& rep = oc.reps[size_t(rng.below(oc.reps.size()))];
    pt.order_len[size_t(l)] = int8_t(rep.size());
    for (size_t k = 0; k < rep.size(); ++k) pt.order[size_t(l)][k] = rep[k];
  }
  out = pt;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Local search

bool Mapspace::neighbour(Rng& rng, const Point& from, Point& to) const {
  const uint32_t imp = imperfect_mask(from);
  for (int attempt = 0; attempt < 32; ++attempt) {
    to = from;
    const int move = int(rng.below(6));
    if (move <= 1) {  // move one prime factor of a dimension between two of its slots
      const int d = int(rng.below(uint64_t(D_)));
      if (p_.bounds[size_t(d)] <= 1) continue;
      const auto& ds = dims_[size_t(d)];
      if (imp >> d & 1u) {  // imperfect tilings are redrawn, not edited
        for (int j = 0; j < int(ds.slots.size()); ++j) {
          const SlotInfo& s = slots_[size_t(ds.slots[size_t(j)])];
          to.f[size_t(s.level)][size_t(s.kind)][size_t(d)] = 1;
        }
        if (!sample_dim(rng, d, to)) continue;
      } else {
        std::vector<int> src;
        for (int j = 0; j < int(ds.slots.size()); ++j) {
          const SlotInfo& s = slots_[size_t(ds.slots[size_t(j)])];
          if (to.f[size_t(s.level)][size_t(s.kind)][size_t(d)] > 1) src.push_back(j);
        }
        if (src.empty() || ds.slots.size() < 2) continue;
        const SlotInfo& a = slots_[size_t(ds.slots[size_t(src[size_t(rng.below(src.size()))])])];
        int jb = int(rng.below(ds.slots.size() - 1));
        const SlotInfo* b = &slots_[size_t(ds.slots[size_t(jb)])];
        if (b == &a) b = &slots_[size_t(ds.slots.back())];
        int64_t& fa = to.f[size_t(a.level)][size_t(a.kind)][size_t(d)];
        int64_t& fb = to.f[size_t(b->level)][size_t(b->kind)][size_t(d)];
        auto primes = prime_factors(fa);
        const int64_t pr = primes[size_t(rng.below(primes.size()))].first;
        fa /= pr;
        fb *= pr;
        if (!c_.rule(a.level, a.kind, d).admits(fa) || !c_.rule(b->level, b->kind, d).admits(fb)) continue;
        if (b->cap > 0 && fb > b->cap) continue;
      }
    } else if (move == 2) {  // redraw one dimension
      const int d = int(rng.below(uint64_t(D_)));
      if (p_.bounds[size_t(d)] <= 1) continue;
      for (int l = 0; l < L_; ++l)
        for (int s = 0; s < kNumSlots; ++s) to.f[size_t(l)][size_t(s)][size_t(d)] = 1;
      if (!sample_dim(rng, d, to)) continue;
    } else if (move == 3) {  // swap two loops of a level's order
      const int l = int(rng.below(uint64_t(L_)));
      const int n = to.order_len[size_t(l)];
      if (n < 2) continue;
      const int a = int(rng.below(uint64_t(n))), b = int(rng.below(uint64_t(n)));
      if (a == b) continue;
      std::swap(to.order[size_t(l)][size_t(a)], to.order[size_t(l)][size_t(b)]);
    } else if (move == 4) {  // flip a free keep
      const int l = int(rng.below(uint64_t(L_)));
      const uint32_t fr = free_keeps(l);
      if (!fr) continue;
      const int t = int(rng.below(uint64_t(p_.num_tensors())));
      if (!(fr >> t & 1u)) continue;
      to.keep[size_t(l)] ^= 1u << t;
    } else {  // move a spatial factor to the other axis
      const int l = int(rng.below(uint64_t(L_)));
      if (slot_of_[size_t(l)][1] < 0 || slot_of_[size_t(l)][2] < 0) continue;
      const int d = int(rng.below(uint64_t(D_)));
      int64_t& x = to.f[size_t(l)][1][size_t(d)];
      int64_t& y = to.f[size_t(l)][2][size_t(d)];
      if (x == 1 && y == 1) continue;
      std::swap(x, y);
      if (!c_.rule(l, Slot::SpatialX, d).admits(x) || !c_.rule(l, Slot::SpatialY, d).admits(y)) continue;
    }
    canonicalize(to);
    if (to == from) continue;
    if (!fits(to)) continue;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Diagnosis

std::string Mapspace::diagnose(const RejectStats* st) const {
  if (!dead_.empty()) return dead_;
  auto rules_of = [&](int d, int from_level) {
    std::string s;
    for (int l = from_level; l < L_; ++l)
      for (int k = 0; k < kNumSlots; ++k) {
        const FactorRule& r = c_.rule(l, Slot(k), d);
        if (r.is_free() || (r.fixed == 1 && Slot(k) != Slot::Temporal)) continue;
        s += fmt::format("{}{} {} {} {}{}", s.empty() ? "" : "; ", c_.level_names[size_t(l)],
                         slot_name(Slot(k)), p_.dim_names[size_t(d)], r.describe(),
                         r.origin.empty() ? "" : " (" + r.origin + ")");
      }
    return s;
  };
  // 1. A dimension that cannot be split under its rules.
  for (int d = 0; d < D_; ++d)
    if (count_from(d, 0, p_.bounds[size_t(d)]) <= 0) {
      std::string r = rules_of(d, 0);
      return fmt::format("no split of {} (bound {}) over the levels satisfies the constraints{}{}",
                         p_.dim_names[size_t(d)], p_.bounds[size_t(d)], r.empty() ? "" : ": ", r);
    }
  // 2. Keep/bypass the architecture or the model forbids.
  for (int l = 0; l < L_; ++l)
    for (int t = 0; t < p_.num_tensors(); ++t) {
      const auto& lc = c_.levels[size_t(l)];
      if ((lc.keep >> t & 1u) && !m_.levels[size_t(l)].may_keep[size_t(t)])
        return fmt::format(
            "the constraints require level {} to keep {}{}, but the architecture does not let it keep {}",
            c_.level_names[size_t(l)], p_.tensors[size_t(t)].name,
            lc.keep_origin.empty() ? "" : " (" + lc.keep_origin + ")", p_.tensors[size_t(t)].name);
      if (l == 0 && (lc.bypass >> t & 1u))
        return fmt::format(
            "the constraints make the outermost level {} bypass {}{}, but it must hold every tensor",
            c_.level_names[0], p_.tensors[size_t(t)].name,
            lc.keep_origin.empty() ? "" : " (" + lc.keep_origin + ")");
    }
  // 3. The smallest tiles the rules allow at each level, with only the forced keeps.
  for (int l = L_ - 1; l >= 1; --l) {
    std::array<int64_t, model::kMaxDims> ext{};
    for (int d = 0; d < D_; ++d) {
      const auto& ds = dims_[size_t(d)];
      int jl = 0;  // slots at levels >= l are positions [0, jl)
      while (jl < int(ds.slots.size()) && slots_[size_t(ds.slots[size_t(jl)])].level >= l) ++jl;
      std::map<std::pair<int, int64_t>, double> memo;
      std::function<double(int, int64_t)> minprod = [&](int j, int64_t r) -> double {
        if (j >= jl) return count_from(d, j, r) > 0 ? 1.0 : std::numeric_limits<double>::infinity();
        auto key = std::make_pair(j, r);
        auto it = memo.find(key);
        if (it != memo.end()) return it->second;
        std::vector<int64_t> ch;
        choices(d, j, r, ch);
        double best = std::numeric_limits<double>::infinity();
        for (int64_t f : ch) {
          const int64_t nr = j + 1 == int(ds.slots.size()) ? 1 : next_rem(d, j, r, f);
          best = std::min(best, double(f) * minprod(j + 1, nr));
        }
        memo[key] = best;
        return best;
      };
      const double mp = minprod(0, p_.bounds[size_t(d)]);
      ext[size_t(d)] = std::isfinite(mp) ? int64_t(mp) : p_.bounds[size_t(d)];
    }
    const uint32_t forced = forced_keeps(l);
    int pool = 0;
    if (forced && !level_fits(l, ext, forced, &pool)) {
      const auto& lv = m_.levels[size_t(l)];
      std::string who, why;
      int64_t need = 0;
      for (int t = 0; t < p_.num_tensors(); ++t) {
        if (!(forced >> t & 1u) || lv.partition[size_t(t)] + 1 != pool) continue;
        const int64_t words =
            ceil_div(tile(ext, t) * p_.tensors[size_t(t)].bits * lv.multiple_buffering, lv.word_bits);
        need += words;
        who += fmt::format("{}{} {} words", who.empty() ? "" : " + ", p_.tensors[size_t(t)].name, words);
        for (int d = 0; d < D_; ++d)
          if (dep_[size_t(t)][size_t(d)] && ext[size_t(d)] > 1) {
            std::string r = rules_of(d, l);
            if (!r.empty() && why.find(r) == std::string::npos) why += (why.empty() ? "" : "; ") + r;
          }
      }
      const int64_t cap = pool == 0 ? lv.capacity_words : lv.partition_words[size_t(pool - 1)];
      std::string holders;
      for (int t = 0; t < p_.num_tensors(); ++t)
        if (lv.partition[size_t(t)] + 1 == pool && lv.may_keep[size_t(t)])
          holders += (holders.empty() ? "" : ", ") + p_.tensors[size_t(t)].name;
      return fmt::format(
          "nothing fits level {}{}: the smallest tiles the constraints allow need {} words ({}) but it "
          "holds {} words{}{}",
          lv.name, pool == 0 ? "" : " (the partition for " + holders + ")", need, who, cap,
          why.empty() ? "" : "; the tightest constraints: ", why);
    }
  }
  // 4. What the enumeration saw.
  if (st) {
    if (st->capacity > 0 && st->capacity >= st->utilization) {
      int bl = 0, bp = 0;
      int64_t most = -1;
      for (int l = 0; l < L_; ++l)
        for (int k = 0; k < model::kMaxTensors + 1; ++k)
          if (st->pool[size_t(l)][size_t(k)] > most) {
            most = st->pool[size_t(l)][size_t(k)];
            bl = l;
            bp = k;
          }
      std::string holders;
      for (int t = 0; t < p_.num_tensors(); ++t)
        if (m_.levels[size_t(bl)].partition[size_t(t)] + 1 == bp && m_.levels[size_t(bl)].may_keep[size_t(t)])
          holders += (holders.empty() ? "" : ", ") + p_.tensors[size_t(t)].name;
      return fmt::format("every candidate overflowed a buffer; most often level {}{} ({} of {} rejections)",
                         c_.level_names[size_t(bl)], bp == 0 ? "" : " (the partition for " + holders + ")",
                         most, st->capacity + st->utilization + st->fanout);
    }
    if (st->utilization > 0) {
      std::string which;
      if (c_.min_utilization > 0)
        which = fmt::format("at least {:.0f} % of the MAC units{}", 100 * c_.min_utilization,
                            c_.utilization_origin.empty() ? "" : " (" + c_.utilization_origin + ")");
      for (int l = 0; l < L_; ++l)
        if (c_.levels[size_t(l)].min_utilization > 0)
          which += fmt::format("{}at least {:.0f} % of the children of {}{}", which.empty() ? "" : ", ",
                               100 * c_.levels[size_t(l)].min_utilization, c_.level_names[size_t(l)],
                               c_.levels[size_t(l)].utilization_origin.empty()
                                   ? ""
                                   : " (" + c_.levels[size_t(l)].utilization_origin + ")");
      return "no tiling reaches the minimum utilization: " + which;
    }
    if (st->fanout > 0) return "no tiling fits the spatial fanouts of the architecture under the constraints";
  }
  return {};
}

}  // namespace coda::mapping
