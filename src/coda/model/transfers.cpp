#include "coda/model/transfers.hpp"

#include <algorithm>
#include <vector>

#include "coda/common/checked.hpp"

namespace coda::model {
namespace {}  // namespace

void build_ranks(const workload::Problem& p, int t, Ranks& out) {
  out.count = 0;
  std::array<bool, kMaxDims> used{};
  for (const auto& rank : p.tensors[size_t(t)].ranks) {
    RankInfo ri;
    for (const auto& term : rank.terms) {
      if (term.coef == 0) continue;
      int k = 0;
      while (k < ri.ndims && ri.dims[size_t(k)] != term.dim) ++k;
      if (k == ri.ndims) {
        ri.dims[size_t(k)] = term.dim;
        ri.coef[size_t(k)] = 0;
        ++ri.ndims;
      }
      ri.coef[size_t(k)] += term.coef;
      used[size_t(term.dim)] = true;
    }
    if (ri.ndims == 0) continue;  // a constant rank: one coordinate, factor 1
    out.r[size_t(out.count++)] = ri;
  }
  for (int d = 0; d < p.num_dims(); ++d) {
    if (used[size_t(d)]) continue;
    RankInfo ri;
    ri.ndims = 1;
    ri.dims[0] = d;
    ri.coef[0] = 0;
    ri.pseudo = true;
    out.r[size_t(out.count++)] = ri;
  }
  out.rank_of_dim.fill(-1);
  out.single_dims = out.relevant_dims = 0;
  out.num_multi = out.num_real = 0;
  out.dim_coef.fill(0);
  for (int k = 0; k < out.count; ++k) {
    const RankInfo& ri = out.r[size_t(k)];
    uint32_t mask = 0;
    for (int q = 0; q < ri.ndims; ++q) {
      mask |= 1u << ri.dims[size_t(q)];
      out.rank_of_dim[size_t(ri.dims[size_t(q)])] = int8_t(k);
    }
    out.dim_mask[size_t(k)] = mask;
    if (ri.pseudo) continue;
    out.real[size_t(out.num_real++)] = int8_t(k);
    for (int q = 0; q < ri.ndims; ++q)
      out.dim_coef[size_t(ri.dims[size_t(q)])] = ri.ndims == 1 ? 1 : ri.coef[size_t(q)];
    out.relevant_dims |= mask;
    if (ri.ndims == 1)
      out.single_dims |= mask;
    else
      out.multi[size_t(out.num_multi++)] = int8_t(k);
  }
}

namespace {

// Per-dimension context of one kind of step: the temporal base of the old and new tile (plus
// the instance's non-group spatial offset), whether either tile is absent, and how many times
// the context occurs.
struct Ctx {  // trivial: arrays of contexts are declared in hot paths without zeroing
  int64_t ob, nb;
  int64_t mult;
  bool oe, ne;
};

// A rank's two sums over its contexts depend on nothing but the rank (coefficients), the mode, and
// per dimension its bound, tile extent, loops above the child (factor and stride, by kind) and
// relation to the kind of step. The mapper evaluates many mappings that share those (the few ways
// to split a dimension), so the sums of earlier calls are kept per thread, keyed by exactly these
// values: a hit returns what the computation would, bit for bit. Direct-mapped, fixed size: a
// lookup allocates nothing and a collision simply overwrites.
inline constexpr int kKeyWords = 48;
inline constexpr size_t kCacheEntries = 2048;  // power of two

template <int Words>
struct SumEntry {
  uint64_t hash = 0;
  int len = -1;  // -1: empty
  std::array<int64_t, Words> key;
  int64_t sum_u, sum_w;
};
using RankSumEntry = SumEntry<kKeyWords>;
// rank_sums' entries keyed by a base and two words: small, so that the table the walk hits on
// every query stays in the core's cache.
using BaseSumEntry = SumEntry<kBaseWords + 2>;

thread_local bool g_cache_on = true;

struct RankKey {
  int len = 0;
  std::array<int64_t, kKeyWords> w;
  void push(int64_t v) { w[size_t(len++)] = v; }  // the caller checked the length first
  uint64_t hash() const {
    // FNV-1a over words, then a final mix so that the low bits (the slot) depend on every word.
    uint64_t h = 0xCBF29CE484222325ull;
    for (int k = 0; k < len; ++k) h = (h ^ uint64_t(w[size_t(k)])) * 0x100000001B3ull;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
  }
};

// A dimension's relation to a kind of step (see count_transfers): 0 for the first tile (Fill), the
// last tile (Drain) or every iteration (Stream); 1 + 2 * split + self for temporal loop k advancing,
// where split is the number of the dimension's temporal loops outside k and self whether k is one
// of them; kStatesRel for the states of the loops down to the killing loop (see count_transfers).
// The dimension's contexts depend on this relation alone.
inline constexpr int kStatesRel = 2 * kMaxLoops + 2;
inline constexpr int kMaxRelations = kStatesRel + 1;
inline constexpr int kStates = kStatesStep;  // the `step` of that relation

struct Scratch {
  std::vector<Ctx> ctx;  // one dimension's temporal contexts, before the spatial offsets
  // Per dimension and relation: the contexts combined with the non-group spatial offsets (Drain
  // swaps old and new), built on first use in a call (stamp == generation).
  std::array<std::array<std::vector<Ctx>, kMaxRelations>, kMaxDims> full;
  std::array<std::array<uint32_t, kMaxRelations>, kMaxDims> stamp{};
  uint32_t generation = 0;
  // Per kind of step (0 = the initial one) the relation of each dimension, and each rank's sums
  // over its contexts of U and of U - V: kinds that relate to a rank's dimensions alike share them.
  std::array<std::array<uint8_t, kMaxDims>, kMaxLoops + 1> rel;
  std::array<std::array<int64_t, 2 * kMaxDims>, kMaxLoops + 1> sum_u, sum_w;
  std::array<int, kMaxLoops + 1> ranks_done;  // ranks whose sums kind q stored (a kind stops early)
  std::array<std::vector<std::pair<int64_t, int64_t>>, kMaxDims> ng;  // offset, multiplicity
  std::array<std::vector<int64_t>, kMaxDims> grp;
  std::vector<std::pair<int64_t, int64_t>> pieces, pieces2;
  std::vector<uint64_t> bu, bv, bn, bo;
  // Rank sums of earlier calls (see RankSumCache), allocated on first use.
  std::vector<RankSumEntry> cache;
  std::vector<BaseSumEntry> base_cache;  // rank_sums' (one rank and kind of step per entry)
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Loops of one dimension above the child level, split by kind.
struct DimLoops {
  int nt = 0;                    // temporal
  std::array<int, kMaxLoops> t;  // nest indices (first nt used)
  int ns = 0;                    // non-group spatial
  std::array<int, kMaxLoops> s;
  int ng = 0;  // group spatial
  std::array<int, kMaxLoops> g;
};

int64_t last_valid(const Nest& n, int64_t b, int64_t bound, const int* loops, int count) {
  for (int k = 0; k < count; ++k) {
    const auto& l = n.loops[size_t(loops[k])];
    int64_t idx = std::min<int64_t>(l.factor - 1, (bound - 1 - b) / l.stride);
    b += idx * l.stride;
  }
  return b;
}

// Calls f(base) for every index tuple of `loops` (nest order) whose base (plus `b0`) stays below
// the bound, i.e. every executed iteration of these loops with all other loops of the dimension
// at index 0.
template <class F>
void for_each_valid(const Nest& n, int64_t b0, int64_t bound, const int* loops, int count, F&& f) {
  if (count == 0) {
    f(b0);
    return;
  }
  const auto& l = n.loops[size_t(loops[0])];
  for (int64_t k = 0; k < l.factor; ++k) {
    int64_t b = b0 + k * l.stride;
    if (b >= bound) break;
    for_each_valid(n, b, bound, loops + 1, count - 1, f);
  }
}

// Offsets of all index tuples of spatial loops (no validity pruning: every instance exists; one
// whose tile falls outside the bound simply has nothing to do).
template <class F>
void for_each_offset(const Nest& n, int64_t b0, const int* loops, int count, F&& f) {
  if (count == 0) {
    f(b0);
    return;
  }
  const auto& l = n.loops[size_t(loops[0])];
  for (int64_t k = 0; k < l.factor; ++k) for_each_offset(n, b0 + k * l.stride, loops + 1, count - 1, f);
}

// Merges the contexts of an imperfectly factored dimension that give the same counts. A context
// whose old and new tiles, at every group offset, lie wholly inside the bound is not clipped, and
// the union counts of a rank are then invariant under translating both tiles together (docs/
// model.md §3: U and V depend on the tiles' relative position only). Such contexts are shifted
// so that their lower base is 0 (an absent side's base is irrelevant and set to 0) and equal ones
// are merged by adding their multiplicities; clipped contexts at the end of the dimension are kept
// as they are. An imperfect dimension thus costs a few contexts instead of one per tile.
void compress_contexts(std::vector<Ctx>& v, int64_t bound, int64_t extent, const std::vector<int64_t>& grp) {
  if (v.size() < 2) return;
  int64_t gmax = 0;
  for (int64_t g : grp) gmax = std::max(gmax, g);
  // Merged interior contexts go to the front (few: one per relative position); clipped ones follow
  // unmerged, in their order.
  size_t interior = 0, out = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    Ctx c = v[i];
    const bool inside = (c.oe || c.ob + gmax + extent <= bound) && (c.ne || c.nb + gmax + extent <= bound);
    if (!inside) {
      v[out++] = c;
      continue;
    }
    if (c.oe) c.ob = 0;
    if (c.ne) c.nb = 0;
    const int64_t lo = c.oe ? c.nb : c.ne ? c.ob : std::min(c.ob, c.nb);
    if (!c.oe) c.ob -= lo;
    if (!c.ne) c.nb -= lo;
    size_t j = 0;
    while (j < interior && !(v[j].ob == c.ob && v[j].nb == c.nb && v[j].oe == c.oe && v[j].ne == c.ne)) ++j;
    if (j < interior) {
      v[j].mult = checked_add(v[j].mult, c.mult, "context count");
      continue;
    }
    // New interior context: move the first clipped one (if any) to the end to make room.
    if (interior < out) v[out] = v[interior];
    v[interior++] = c;
    ++out;
  }
  v.resize(out);
}

int64_t product_of_factors(const Nest& n, const int* loops, int count) {
  int64_t p = 1;
  for (int k = 0; k < count; ++k) p = checked_mul(p, n.loops[size_t(loops[k])].factor, "loop count");
  return p;
}

// A term of a rank-like sum: coefficient and extent - 1. Trivial (unlike std::pair, whose default
// constructor zeroes), so hot functions can declare arrays of them for free.
struct SpanTerm {
  int64_t coef, ext;
  bool operator<(const SpanTerm& o) const { return coef < o.coef || (coef == o.coef && ext < o.ext); }
};

struct Interval {  // trivial on purpose: hot loops declare arrays of them without zeroing
  int64_t lo, hi;  // [lo, hi)
  bool empty() const { return lo >= hi; }
};

Interval clip(int64_t base, bool absent, int64_t extent, int64_t bound) {
  if (absent) return {0, 0};
  return {base, std::min(base + extent, bound)};
}

int64_t merged_length(std::vector<std::pair<int64_t, int64_t>>& v) {
  std::sort(v.begin(), v.end());
  int64_t total = 0, cur_lo = 0, cur_hi = 0;
  bool open = false;
  for (auto [lo, hi] : v) {
    if (lo >= hi) continue;
    if (!open || lo > cur_hi) {
      if (open) total += cur_hi - cur_lo;
      cur_lo = lo;
      cur_hi = hi;
      open = true;
    } else {
      cur_hi = std::max(cur_hi, hi);
    }
  }
  if (open) total += cur_hi - cur_lo;
  return total;
}

int64_t popcount(const std::vector<uint64_t>& v, size_t words) {
  int64_t c = 0;
  for (size_t k = 0; k < words; ++k) c += __builtin_popcountll(v[k]);
  return c;
}

// Sets the bits of {sum coef_k * x_k : x_k in iv[k]} (all intervals non-empty).
void fill_bits(std::vector<uint64_t>& bits, const RankInfo& r, const std::array<Interval, kMaxDims>& iv) {
  std::array<int64_t, kMaxDims> x{};
  for (int k = 0; k < r.ndims; ++k) x[size_t(k)] = iv[size_t(k)].lo;
  while (true) {
    int64_t c = 0;
    for (int k = 0; k < r.ndims; ++k) c += r.coef[size_t(k)] * x[size_t(k)];
    bits[size_t(c >> 6)] |= uint64_t(1) << (c & 63);
    int k = r.ndims - 1;
    while (k >= 0) {
      if (++x[size_t(k)] < iv[size_t(k)].hi) break;
      x[size_t(k)] = iv[size_t(k)].lo;
      --k;
    }
    if (k < 0) break;
  }
}

// If {sum coef_k * x_k : x_k in iv[k]} is an interval, sets `out` to it. Adding the terms in
// increasing coefficient order, a set covering [0, span] stays contiguous after adding a term with
// coefficient c iff c <= span + 1 (its copies shifted by c overlap or abut).
bool rank_interval(const RankInfo& r, const std::array<Interval, kMaxDims>& iv, Interval& out) {
  std::array<SpanTerm, kMaxDims> terms;  // first nt used
  int nt = 0;
  int64_t lo = 0;
  for (int k = 0; k < r.ndims; ++k) {
    lo += r.coef[size_t(k)] * iv[size_t(k)].lo;
    const int64_t e = iv[size_t(k)].hi - iv[size_t(k)].lo;
    if (e > 1) terms[size_t(nt++)] = {r.coef[size_t(k)], e - 1};
  }
  std::sort(terms.begin(), terms.begin() + nt);
  int64_t span = 0;
  for (int k = 0; k < nt; ++k) {
    if (terms[size_t(k)].coef > span + 1) return false;
    span += terms[size_t(k)].coef * terms[size_t(k)].ext;
  }
  out = {lo, lo + span + 1};
  return true;
}

// For one combination of per-dimension contexts of a rank: U = |union over group members of the
// new sets|, V = |union over group members of (new \ old)|.
void union_counts(const Nest& n, const RankInfo& r, const std::array<const Ctx*, kMaxDims>& c,
                  const std::array<int64_t, kMaxDims>& extent, Scratch& s, int64_t& U, int64_t& V) {
  // Group members: the product of the group offsets of the rank's dimensions.
  int64_t members = 1;
  for (int k = 0; k < r.ndims; ++k) members *= int64_t(s.grp[size_t(r.dims[size_t(k)])].size());
  auto interval_of = [&](int k, int64_t goff, bool old_side) {
    int d = r.dims[size_t(k)];
    const Ctx& x = *c[size_t(k)];
    return old_side ? clip(x.ob + goff, x.oe, extent[size_t(d)], n.bound[size_t(d)])
                    : clip(x.nb + goff, x.ne, extent[size_t(d)], n.bound[size_t(d)]);
  };
  if (r.pseudo) {
    int d = r.dims[0];
    bool any_new = false, any_new_only = false;
    for (int64_t g : s.grp[size_t(d)]) {
      bool ne = interval_of(0, g, false).empty(), oe = interval_of(0, g, true).empty();
      if (!ne) any_new = true;
      if (!ne && oe) any_new_only = true;
    }
    U = any_new ? 1 : 0;
    V = any_new_only ? 1 : 0;
    return;
  }
  if (r.ndims == 1) {
    int d = r.dims[0];
    const auto& grp = s.grp[size_t(d)];
    if (grp.size() == 1) {
      Interval a = interval_of(0, grp[0], false), b = interval_of(0, grp[0], true);
      U = a.empty() ? 0 : a.hi - a.lo;
      int64_t ov = 0;
      if (!a.empty() && !b.empty()) ov = std::max<int64_t>(0, std::min(a.hi, b.hi) - std::max(a.lo, b.lo));
      V = U - ov;
      return;
    }
    auto& pc = s.pieces;
    pc.clear();
    for (int64_t g : grp) {
      Interval a = interval_of(0, g, false);
      if (!a.empty()) pc.emplace_back(a.lo, a.hi);
    }
    U = merged_length(pc);
    pc.clear();
    for (int64_t g : grp) {
      Interval a = interval_of(0, g, false), b = interval_of(0, g, true);
      if (a.empty()) continue;
      if (b.empty() || b.hi <= a.lo || b.lo >= a.hi) {
        pc.emplace_back(a.lo, a.hi);
        continue;
      }
      if (a.lo < b.lo) pc.emplace_back(a.lo, b.lo);
      if (b.hi < a.hi) pc.emplace_back(b.hi, a.hi);
    }
    V = merged_length(pc);
    return;
  }
  // A sliding-window rank (P*stride + R*dilation): when every member's new and old sets are
  // intervals (the usual case, see rank_interval), interval arithmetic is exact; otherwise exact
  // sets as bitsets over the rank's coordinate range.
  {
    auto& pn = s.pieces;
    pn.clear();
    auto& pv = s.pieces2;
    pv.clear();
    bool intervals = true;
    std::array<size_t, kMaxDims> gj;
    for (int64_t mm = 0; mm < members && intervals; ++mm) {
      int64_t rest = mm;
      for (int k = r.ndims - 1; k >= 0; --k) {
        size_t sz = s.grp[size_t(r.dims[size_t(k)])].size();
        gj[size_t(k)] = size_t(rest % int64_t(sz));
        rest /= int64_t(sz);
      }
      std::array<Interval, kMaxDims> ivn, ivo;
      bool new_empty = false, old_empty = false;
      for (int k = 0; k < r.ndims; ++k) {
        int64_t g = s.grp[size_t(r.dims[size_t(k)])][gj[size_t(k)]];
        ivn[size_t(k)] = interval_of(k, g, false);
        ivo[size_t(k)] = interval_of(k, g, true);
        new_empty |= ivn[size_t(k)].empty();
        old_empty |= ivo[size_t(k)].empty();
      }
      if (new_empty) continue;
      Interval a{0, 0}, b{0, 0};
      if (!rank_interval(r, ivn, a) || (!old_empty && !rank_interval(r, ivo, b))) {
        intervals = false;
        break;
      }
      pn.emplace_back(a.lo, a.hi);
      if (old_empty || b.hi <= a.lo || b.lo >= a.hi) {
        pv.emplace_back(a.lo, a.hi);
        continue;
      }
      if (a.lo < b.lo) pv.emplace_back(a.lo, b.lo);
      if (b.hi < a.hi) pv.emplace_back(b.hi, a.hi);
    }
    if (intervals) {
      U = merged_length(pn);
      V = merged_length(pv);
      return;
    }
  }
  // General rank (a sliding window such as P*stride + R*dilation): exact sets as bitsets over the
  // rank's coordinate range.
  int64_t maxc = 0;
  for (int k = 0; k < r.ndims; ++k) maxc += r.coef[size_t(k)] * (n.bound[size_t(r.dims[size_t(k)])] - 1);
  size_t words = size_t(maxc / 64 + 1);
  for (auto* v : {&s.bu, &s.bv, &s.bn, &s.bo}) {
    if (v->size() < words) v->resize(words);
  }
  std::fill_n(s.bu.begin(), words, 0);
  std::fill_n(s.bv.begin(), words, 0);
  std::array<size_t, kMaxDims> gi;
  for (int64_t m = 0; m < members; ++m) {
    // Decode member m into one group offset per rank dimension.
    int64_t rest = m;
    for (int k = r.ndims - 1; k >= 0; --k) {
      size_t sz = s.grp[size_t(r.dims[size_t(k)])].size();
      gi[size_t(k)] = size_t(rest % int64_t(sz));
      rest /= int64_t(sz);
    }
    std::array<Interval, kMaxDims> ivn, ivo;
    bool new_empty = false, old_empty = false;
    for (int k = 0; k < r.ndims; ++k) {
      int64_t g = s.grp[size_t(r.dims[size_t(k)])][gi[size_t(k)]];
      ivn[size_t(k)] = interval_of(k, g, false);
      ivo[size_t(k)] = interval_of(k, g, true);
      new_empty |= ivn[size_t(k)].empty();
      old_empty |= ivo[size_t(k)].empty();
    }
    if (new_empty) continue;
    std::fill_n(s.bn.begin(), words, 0);
    fill_bits(s.bn, r, ivn);
    std::fill_n(s.bo.begin(), words, 0);
    if (!old_empty) fill_bits(s.bo, r, ivo);
    for (size_t w = 0; w < words; ++w) {
      s.bu[w] |= s.bn[w];
      s.bv[w] |= s.bn[w] & ~s.bo[w];
    }
  }
  U = popcount(s.bu, words);
  V = popcount(s.bv, words);
}

}  // namespace

void set_rank_sum_cache(bool on) { g_cache_on = on; }

const char* unsupported_projection(const workload::Problem& p, int tensor) {
  std::array<int, kMaxDims> seen{};
  for (const auto& rank : p.tensors[size_t(tensor)].ranks) {
    std::array<bool, kMaxDims> here{};
    for (const auto& term : rank.terms) {
      if (term.coef < 0) return "a negative coefficient in a tensor projection";
      if (term.coef == 0 || here[size_t(term.dim)]) continue;
      here[size_t(term.dim)] = true;
      if (++seen[size_t(term.dim)] > 1) return "a dimension that indexes two ranks of one tensor";
    }
  }
  return "";
}

namespace {

// Executed index tuples of `loops` (nest order, one dimension) from base b0: those whose base stays
// below the bound. The innermost loop's count is had by division.
int64_t count_valid(const Nest& n, int64_t b0, int64_t bound, const int* loops, int count) {
  if (count == 0) return 1;
  const auto& l = n.loops[size_t(loops[0])];
  if (count == 1) return std::min<int64_t>(l.factor, (bound - b0 + l.stride - 1) / l.stride);
  int64_t c = 0;
  for (int64_t k = 0; k < l.factor && b0 + k * l.stride < bound; ++k)
    c = checked_add(c, count_valid(n, b0 + k * l.stride, bound, loops + 1, count - 1), "compute steps");
  return c;
}

}  // namespace

int64_t count_compute_steps(const Nest& n) {
  // Executed iterations are a product over dimensions (each dimension's loops run while its base
  // is below its bound), so the steps are the product of the per-dimension counts.
  std::array<std::array<int, kMaxLoops>, kMaxDims> t;
  std::array<int, kMaxDims> nt{};
  int64_t total = 1;
  for (int k = 0; k < n.num_loops; ++k) {
    const auto& l = n.loops[size_t(k)];
    if (l.spatial || l.factor == 1) continue;
    if (n.perfect[size_t(l.dim)])
      total = checked_mul(total, l.factor, "compute steps");
    else
      t[size_t(l.dim)][size_t(nt[size_t(l.dim)]++)] = k;
  }
  for (int d = 0; d < n.num_dims; ++d)
    if (nt[size_t(d)] > 0)
      total = checked_mul(total, count_valid(n, 0, n.bound[size_t(d)], t[size_t(d)].data(), nt[size_t(d)]),
                          "compute steps");
  return total;
}

int64_t tile_footprint(const workload::Problem& p, const Nest& n, int tensor, int level) {
  Ranks ranks;
  build_ranks(p, tensor, ranks);
  return tile_footprint(ranks, n, level);
}

int64_t tile_footprint(const Ranks& ranks, const Nest& n, int level) {
  std::array<int64_t, kMaxDims> extent;
  extent.fill(1);
  for (int k = n.level_begin[size_t(level)]; k < n.num_loops; ++k)
    extent[size_t(n.loops[size_t(k)].dim)] *= n.loops[size_t(k)].factor;
  int64_t total = 1;
  for (int ri = 0; ri < ranks.count; ++ri) {
    const RankInfo& r = ranks.r[size_t(ri)];
    if (r.pseudo) continue;
    std::array<Interval, kMaxDims> iv;
    for (int k = 0; k < r.ndims; ++k) {
      const int d = r.dims[size_t(k)];
      iv[size_t(k)] = {0, std::min(extent[size_t(d)], n.bound[size_t(d)])};
    }
    int64_t size = 0;
    Interval whole;
    if (r.ndims == 1) {
      size = iv[0].hi - iv[0].lo;
    } else if (rank_interval(r, iv, whole)) {
      size = whole.hi - whole.lo;
    } else {
      Scratch& s = scratch();
      int64_t maxc = 0;
      for (int k = 0; k < r.ndims; ++k) maxc += r.coef[size_t(k)] * (iv[size_t(k)].hi - 1);
      size_t words = size_t(maxc / 64 + 1);
      if (s.bn.size() < words) s.bn.resize(words);
      std::fill_n(s.bn.begin(), words, 0);
      fill_bits(s.bn, r, iv);
      size = popcount(s.bn, words);
    }
    total = checked_mul(total, size, "tile size");
  }
  return total;
}

// Perfect case, rank r: every group member's set is a translate of the tile's rank set S by an
// offset in the lattice {sum over the group loops l of the rank's dimensions: coef_d * stride_l *
// index_l}. If S is an interval of length `len`, the union over the members of an interval of length
// `piece` placed at the same lattice is again a set of the rank_interval kind (one term per group
// loop plus the piece), so its size follows from the same contiguity test. Returns false when some
// set is not an interval (the caller enumerates the members instead).
bool lattice_union(const Nest& n, const RankInfo& r, const std::array<DimLoops, kMaxDims>& dl, int64_t piece,
                   int64_t& size) {
  std::array<SpanTerm, kMaxLoops + 1> terms;  // first nt used
  int nt = 0;
  if (piece > 1) terms[size_t(nt++)] = {1, piece - 1};
  for (int k = 0; k < r.ndims; ++k) {
    const auto& x = dl[size_t(r.dims[size_t(k)])];
    for (int q = 0; q < x.ng; ++q) {
      const auto& l = n.loops[size_t(x.g[size_t(q)])];
      if (l.factor > 1) terms[size_t(nt++)] = {r.coef[size_t(k)] * l.stride, l.factor - 1};
    }
  }
  std::sort(terms.begin(), terms.begin() + nt);
  int64_t span = 0;
  for (int k = 0; k < nt; ++k) {
    if (terms[size_t(k)].coef > span + 1) return false;
    span += terms[size_t(k)].coef * terms[size_t(k)].ext;
  }
  size = piece > 0 ? span + 1 : 0;
  return true;
}

// Perfect factorizations (every dimension's factors multiply to its bound): no tile is ever
// clipped, so every context of a kind of step is a translate of one representative and every
// per-rank union has the same size. Each rank's union U_r is computed once; a step kind only needs
// V_r for the ranks whose dimensions move. Without clipping, running the nest backwards (each loop
// reversed) is a reflection of it, which maps drains onto fills: Drain == Fill (docs/model.md §3).
int64_t perfect_transfers(const Nest& n, const std::array<DimLoops, kMaxDims>& dl, const Ranks& ranks,
                          const std::array<int64_t, kMaxDims>& extent, int above_end, TransferMode mode,
                          Scratch& s) {
  // Offsets of the group members along the rank's dimensions, only for the rare ranks whose sets
  // are not intervals (the lattice union needs none).
  auto group_offsets = [&](const RankInfo& r) {
    for (int k = 0; k < r.ndims; ++k) {
      const int d = r.dims[size_t(k)];
      auto& g = s.grp[size_t(d)];
      g.clear();
      for_each_offset(n, 0, dl[size_t(d)].g.data(), dl[size_t(d)].ng, [&g](int64_t o) { g.push_back(o); });
    }
  };
  // Instances (non-group spatial) per dimension, and the representative contexts.
  int64_t instances = 1;
  for (int d = 0; d < n.num_dims; ++d)
    instances =
        checked_mul(instances, product_of_factors(n, dl[size_t(d)].s.data(), dl[size_t(d)].ns), "instances");
  std::array<Ctx, kMaxDims> ctx;
  std::array<int64_t, 2 * kMaxDims> U;  // set for every rank below
  std::array<int64_t, 2 * kMaxDims>
      len;  // length of the rank's tile interval, -1 if not one (set for every rank)
  std::array<bool, kMaxDims> relevant{};
  for (int ri = 0; ri < ranks.count; ++ri) {
    const RankInfo& r = ranks.r[size_t(ri)];
    if (r.pseudo) {
      U[size_t(ri)] = 1;
      len[size_t(ri)] = -1;
      continue;
    }
    std::array<const Ctx*, kMaxDims> cp;
    std::array<Interval, kMaxDims> iv;
    for (int k = 0; k < r.ndims; ++k) {
      relevant[size_t(r.dims[size_t(k)])] = true;
      ctx[size_t(k)] = Ctx{0, 0, 1, true, false};
      cp[size_t(k)] = &ctx[size_t(k)];
      iv[size_t(k)] = {0, extent[size_t(r.dims[size_t(k)])]};
    }
    Interval tile{0, 0};
    len[size_t(ri)] = rank_interval(r, iv, tile) ? tile.hi - tile.lo : -1;
    int64_t u = 0, v = 0;
    if (len[size_t(ri)] < 0 || !lattice_union(n, r, dl, len[size_t(ri)], u)) {
      len[size_t(ri)] = -1;
      group_offsets(r);
      union_counts(n, r, cp, extent, s, u, v);
    }
    U[size_t(ri)] = u;
  }
  int64_t prod_u = 1;
  for (int ri = 0; ri < ranks.count; ++ri) prod_u = checked_mul(prod_u, U[size_t(ri)], "transfers");
  if (mode == TransferMode::Stream) {
    int64_t steps = 1;
    for (int d = 0; d < n.num_dims; ++d)
      steps = checked_mul(steps, product_of_factors(n, dl[size_t(d)].t.data(), dl[size_t(d)].nt), "steps");
    return checked_mul(checked_mul(prod_u, steps, "transfers"), instances, "transfers");
  }
  int64_t total = checked_mul(prod_u, instances, "transfers");  // first tile (or last, Drain)
  // Kinds of step, walked from the innermost temporal loop above the child level outwards, with
  // running sums: `inner_ob[d]` is where dimension d's inner loops (above the child) stand just
  // before they wrap, `inner_moved` which dimensions they move; `prefix[k]` counts the contexts of
  // the loops outside k. O(loops) per count instead of O(loops^2).
  std::array<int64_t, kMaxLoops + 1> prefix;
  prefix[0] = 1;
  for (int k = 0; k < above_end; ++k) {
    const auto& x = n.loops[size_t(k)];
    prefix[size_t(k + 1)] =
        x.spatial ? prefix[size_t(k)] : checked_mul(prefix[size_t(k)], x.factor, "context count");
  }
  uint32_t relevant_mask = 0;
  for (int d = 0; d < n.num_dims; ++d)
    if (relevant[size_t(d)]) relevant_mask |= 1u << d;
  std::array<uint32_t, 2 * kMaxDims> rank_mask{};
  for (int ri = 0; ri < ranks.count; ++ri) {
    const RankInfo& r = ranks.r[size_t(ri)];
    if (r.pseudo) continue;
    for (int kk = 0; kk < r.ndims; ++kk) rank_mask[size_t(ri)] |= 1u << r.dims[size_t(kk)];
  }
  std::array<int64_t, kMaxDims> inner_ob{};
  uint32_t inner_moved = 0;
  for (int k = above_end - 1; k >= 0; --k) {
    const auto& l = n.loops[size_t(k)];
    if (l.spatial || l.factor == 1) continue;
    const uint32_t moved = inner_moved | (1u << l.dim);
    if (moved & relevant_mask) {
      const int64_t mult = checked_mul(prefix[size_t(k)], l.factor - 1, "context count");
      int64_t prod_w = 1;
      for (int ri = 0; ri < ranks.count; ++ri) {
        const RankInfo& r = ranks.r[size_t(ri)];
        int64_t w = U[size_t(ri)];
        if (rank_mask[size_t(ri)] & moved) {
          std::array<const Ctx*, kMaxDims> cp;
          int64_t shift = 0;  // new - old position of the rank's interval
          for (int kk = 0; kk < r.ndims; ++kk) {
            const int d = r.dims[size_t(kk)];
            const int64_t nb = d == l.dim ? l.stride : 0;
            ctx[size_t(kk)] = Ctx{inner_ob[size_t(d)], nb, 1, false, false};
            cp[size_t(kk)] = &ctx[size_t(kk)];
            shift += r.coef[size_t(kk)] * (nb - inner_ob[size_t(d)]);
          }
          // Each member's new \ old is one interval of min(|shift|, len) elements at a fixed place
          // relative to the member, so the same lattice union applies.
          int64_t v = 0;
          const int64_t L = len[size_t(ri)];
          if (L >= 0 && lattice_union(n, r, dl, std::min(L, shift < 0 ? -shift : shift), v)) {
            w = U[size_t(ri)] - v;
          } else {
            int64_t u = 0;
            group_offsets(r);
            union_counts(n, r, cp, extent, s, u, v);
            w = u - v;
          }
        }
        prod_w = checked_mul(prod_w, w, "transfers");
      }
      total = checked_add(
          total, checked_mul(checked_mul(prod_u - prod_w, mult, "transfers"), instances, "transfers"),
          "transfers");
    }
    inner_ob[size_t(l.dim)] += (l.factor - 1) * l.stride;
    inner_moved = moved;
  }
  return total;
}

int64_t count_transfers(const workload::Problem& p, const Nest& n, int tensor, int child_level,
                        uint64_t group_mask, TransferMode mode) {
  Ranks ranks;
  build_ranks(p, tensor, ranks);
  return count_transfers(ranks, n, child_level, group_mask, mode);
}

namespace {

// One rank's sums for rank_sums (below): which rank, which kind of step.
struct RankQuery {
  int rank;
  int step;   // kFirstStep, kStatesStep or a temporal loop
  int kstar;  // the killing loop, for kStatesStep
};

// count_transfers' general counting. With a query it computes only that rank's two sums for that
// kind of step (into *sum_u, *sum_w) and returns 0: the same code, so that the O(loops) walk of
// mixed_counts.cpp and this counting cannot disagree on a rank.
int64_t general_counts(const Ranks& ranks, const Nest& n, int child_level, uint64_t group_mask,
                       TransferMode mode, const RankQuery* query, int64_t* query_u, int64_t* query_w) {
  Scratch& s = scratch();
  const int above_end = child_level >= n.num_levels ? n.num_loops : n.level_begin[size_t(child_level)];
  std::array<int64_t, kMaxDims> extent{};
  extent.fill(1);
  for (int k = above_end; k < n.num_loops; ++k)
    extent[size_t(n.loops[size_t(k)].dim)] *= n.loops[size_t(k)].factor;

  // Loops of factor 1 neither move a tile nor add an instance: left out, so that a dimension with
  // no loop of factor > 1 above the child has no temporal loop here ("static").
  std::array<DimLoops, kMaxDims> dl;
  for (int k = 0; k < above_end; ++k) {
    const auto& l = n.loops[size_t(k)];
    if (l.factor == 1) continue;
    auto& d = dl[size_t(l.dim)];
    if (!l.spatial)
      d.t[size_t(d.nt++)] = k;
    else if ((group_mask >> k) & 1u)
      d.g[size_t(d.ng++)] = k;
    else
      d.s[size_t(d.ns++)] = k;
  }
  bool all_perfect = true;
  for (int d = 0; d < n.num_dims; ++d) all_perfect &= n.perfect[size_t(d)];
  if (all_perfect && !query) return perfect_transfers(n, dl, ranks, extent, above_end, mode, s);

  // Only the dimensions of the tensor's ranks (pseudo ranks included) take part in the counts.
  std::array<bool, kMaxDims> used{};
  for (int ri = 0; ri < ranks.count; ++ri)
    for (int k = 0; k < ranks.r[size_t(ri)].ndims; ++k)
      used[size_t(ranks.r[size_t(ri)].dims[size_t(k)])] = true;

  // Spatial offsets of a dimension (non-group with multiplicities, group members), built when a
  // context list or a union first needs them: a call whose rank sums all come from closed forms or
  // the cache needs none.
  std::array<bool, kMaxDims> offsets_ready{};
  auto ensure_offsets = [&](int d) {
    if (offsets_ready[size_t(d)]) return;
    offsets_ready[size_t(d)] = true;
    auto& ng = s.ng[size_t(d)];
    ng.clear();
    const auto& x = dl[size_t(d)];
    if (n.perfect[size_t(d)]) {
      ng.emplace_back(0, product_of_factors(n, x.s.data(), x.ns));
    } else {
      for_each_offset(n, 0, x.s.data(), x.ns, [&ng](int64_t o) { ng.emplace_back(o, 1); });
    }
    auto& g = s.grp[size_t(d)];
    g.clear();
    for_each_offset(n, 0, x.g.data(), x.ng, [&g](int64_t o) { g.push_back(o); });
  };

  // The contexts of dimension d for one kind of step. step < 0: the first tile (Fill), the last
  // tile (Drain) or every iteration (Stream); otherwise the iterations where temporal loop `step`
  // advances while the temporal loops inside it (above the child level) wrap around. Returned from
  // the cache when another kind of this call relates to d the same way (`rel`).
  //
  // step == kStates: the states of d's temporal loops down to loop `kstar` (every executed index
  // tuple of them), with d's loops inside kstar at index 0 (Fill) or at their last executed index
  // (Drain), as "new" tiles with nothing old.
  int kstar = -1;
  std::array<int, kMaxDims> states_split;  // per dimension: its temporal loops down to kstar
  auto dim_contexts = [&](int d, int step, int rel) -> const std::vector<Ctx>& {
    auto& full = s.full[size_t(d)][size_t(rel)];
    if (s.stamp[size_t(d)][size_t(rel)] == s.generation) return full;
    s.stamp[size_t(d)][size_t(rel)] = s.generation;
    ensure_offsets(d);
    auto& out = s.ctx;
    out.clear();
    const auto& x = dl[size_t(d)];
    const int64_t bound = n.bound[size_t(d)];
    const bool perfect = n.perfect[size_t(d)];
    if (step == kStates) {
      const int split = states_split[size_t(d)];
      const int* inner = x.t.data() + split;
      const int ninner = x.nt - split;
      const bool last = mode == TransferMode::Drain;
      if (perfect) {
        out.push_back(Ctx{0, last ? last_valid(n, 0, bound, inner, ninner) : 0,
                          product_of_factors(n, x.t.data(), split), true, false});
      } else {
        for_each_valid(n, 0, bound, x.t.data(), split, [&](int64_t b) {
          out.push_back(Ctx{0, last ? last_valid(n, b, bound, inner, ninner) : b, 1, true, false});
        });
      }
    } else if (step < 0) {
      if (mode == TransferMode::Fill) {
        out.push_back(Ctx{0, 0, 1, true, false});
      } else if (mode == TransferMode::Drain) {
        out.push_back(Ctx{last_valid(n, 0, bound, x.t.data(), x.nt), 0, 1, false, true});
      } else if (perfect) {
        out.push_back(Ctx{0, 0, product_of_factors(n, x.t.data(), x.nt), true, false});
      } else {
        for_each_valid(n, 0, bound, x.t.data(), x.nt, [&out](int64_t b) {
          out.push_back(Ctx{0, b, 1, true, false});
        });
      }
    } else {
      // Split this dimension's temporal loops around the advancing loop.
      int split = 0;
      while (split < x.nt && x.t[size_t(split)] < step) ++split;
      const bool self = n.loops[size_t(step)].dim == d;
      const int inner_begin = self ? split + 1 : split;
      const int* inner = x.t.data() + inner_begin;
      const int ninner = x.nt - inner_begin;
      if (perfect) {
        int64_t mult = product_of_factors(n, x.t.data(), split);
        int64_t ob = last_valid(n, 0, bound, inner, ninner);
        if (self) {
          const auto& l = n.loops[size_t(step)];
          out.push_back(Ctx{ob, l.stride, checked_mul(mult, l.factor - 1, "context count"), false, false});
        } else {
          out.push_back(Ctx{ob, 0, mult, false, false});
        }
      } else {
        for_each_valid(n, 0, bound, x.t.data(), split, [&](int64_t b) {
          if (self) {
            const auto& l = n.loops[size_t(step)];
            for (int64_t k = 0; k + 1 < l.factor; ++k) {
              int64_t nb = b + (k + 1) * l.stride;
              if (nb >= bound) break;
              out.push_back(Ctx{last_valid(n, b + k * l.stride, bound, inner, ninner), nb, 1, false, false});
            }
          } else {
            out.push_back(Ctx{last_valid(n, b, bound, inner, ninner), b, 1, false, false});
          }
        });
      }
    }
    // Combine with the non-group spatial offsets (instance identity); Drain swaps old and new.
    full.clear();
    for (const Ctx& c : out) {
      for (auto [off, m] : s.ng[size_t(d)]) {
        Ctx y = c;
        y.ob += off;
        y.nb += off;
        y.mult = checked_mul(c.mult, m, "context count");
        if (mode == TransferMode::Drain && step != kStates) {
          std::swap(y.ob, y.nb);
          std::swap(y.oe, y.ne);
        }
        full.push_back(y);
      }
    }
    if (!perfect) compress_contexts(full, bound, extent[size_t(d)], s.grp[size_t(d)]);
    return full;
  };

  // The relation of each dimension to kind number q (stored in s.rel[q]; see kMaxRelations).
  auto set_relations = [&](int q, int step) {
    auto& rel = s.rel[size_t(q)];
    for (int d = 0; d < n.num_dims; ++d) {
      if (step < 0) {
        rel[size_t(d)] = uint8_t(step == kStates ? kStatesRel : 0);
        continue;
      }
      const auto& x = dl[size_t(d)];
      int split = 0;
      while (split < x.nt && x.t[size_t(split)] < step) ++split;
      rel[size_t(d)] = uint8_t(1 + 2 * split + (n.loops[size_t(step)].dim == d ? 1 : 0));
    }
  };

  // Kind number q (relations already set, `step` as for dim_contexts): the sum over its contexts
  // of prod_r U_r - prod_r (U_r - V_r) (docs/model.md §3). Each rank's two sums are reused from an
  // earlier kind of this call that relates to the rank's dimensions alike.
  //
  // A one-dimension (or pseudo) rank over a perfectly factored dimension needs no contexts after the
  // first kind: its tile is never clipped, so every context is a translate of the first tile and
  // has the same union U (pseudo: 1); a step that moves the dimension moves each member's set by at
  // least its length (the stride of a loop is the product of the factors inside it, so old and new
  // are disjoint: V = U, W = 0), one that does not leaves it in place (V = 0, W = U). The contexts
  // number prefix * (f_k - 1 if the loop is the dimension's own) * the non-group spatial instances
  // (the same facts as perfect_counts.hpp, per rank). An imperfect dimension with no temporal loop
  // above the child ("static", like the row-stationary P split over the PE array) never moves
  // either: its instances keep their (possibly clipped or empty) tiles throughout, so the rank sums
  // the first kind's U over them once and has W = U in every later kind.
  std::array<std::array<int64_t, kMaxLoops + 1>, kMaxDims> tprefix;   // d's temporal factors, prefix products
  std::array<std::array<bool, kMaxLoops + 1>, kMaxDims> inner_moves;  // a loop of d from here in has f > 1
  std::array<int64_t, kMaxDims> instances_of;                         // d's non-group spatial instances
  for (int d = 0; d < n.num_dims; ++d) {
    const auto& x = dl[size_t(d)];
    if (!used[size_t(d)] || !(n.perfect[size_t(d)] || x.nt == 0)) continue;
    tprefix[size_t(d)][0] = 1;
    for (int j = 0; j < x.nt; ++j)
      tprefix[size_t(d)][size_t(j + 1)] =
          checked_mul(tprefix[size_t(d)][size_t(j)], n.loops[size_t(x.t[size_t(j)])].factor, "context count");
    inner_moves[size_t(d)][size_t(x.nt)] = false;
    for (int j = x.nt - 1; j >= 0; --j)
      inner_moves[size_t(d)][size_t(j)] =
          inner_moves[size_t(d)][size_t(j + 1)] || n.loops[size_t(x.t[size_t(j)])].factor > 1;
    // An imperfect dimension's instances differ (some are clipped or idle): its sums run over them.
    instances_of[size_t(d)] = n.perfect[size_t(d)] ? product_of_factors(n, x.s.data(), x.ns) : 1;
  }
  // The cache key of rank r's sums in kind q (see RankSumEntry); `tag` tells the sums apart from
  // the per-call unit U of simple_sums. False when the key does not fit (then no caching).
  RankKey key;
  auto make_key = [&](const RankInfo& r, int q, int64_t tag) -> bool {
    int words = 2;
    for (int k = 0; k < r.ndims; ++k) {
      const auto& x = dl[size_t(r.dims[size_t(k)])];
      words += 7 + 2 * (x.nt + x.ns + x.ng);
    }
    if (words > kKeyWords) return false;
    key.len = 0;
    key.push(tag);
    key.push(int64_t(mode) | (r.pseudo ? 4 : 0) | int64_t(r.ndims) << 3);
    auto push_loops = [&](const std::array<int, kMaxLoops>& idx, int count) {
      for (int j = 0; j < count; ++j) {
        const auto& l = n.loops[size_t(idx[size_t(j)])];
        key.push(l.factor);
        key.push(l.stride);
      }
    };
    for (int k = 0; k < r.ndims; ++k) {
      const int d = r.dims[size_t(k)];
      const auto& x = dl[size_t(d)];
      const int rel = tag ? 0 : s.rel[size_t(q)][size_t(d)];
      key.push(r.coef[size_t(k)]);
      key.push(n.bound[size_t(d)]);
      key.push(extent[size_t(d)]);
      key.push(n.perfect[size_t(d)]);
      key.push(rel);
      key.push(int64_t(x.nt) | int64_t(x.ns) << 16 | int64_t(x.ng) << 32);
      // Only the states relation depends on where the killing loop is.
      key.push(rel == kStatesRel ? states_split[size_t(d)] : 0);
      push_loops(x.t, x.nt);
      push_loops(x.s, x.ns);
      push_loops(x.g, x.ng);
    }
    return true;
  };

  // Calls compute(sum_u, sum_w) unless the cache holds the sums of rank r in kind q (tag as above).
  auto cached = [&](const RankInfo& r, int q, int64_t tag, int64_t& sum_u, int64_t& sum_w, auto&& compute) {
    if (!g_cache_on || !make_key(r, q, tag)) {
      compute(sum_u, sum_w);
      return;
    }
    const uint64_t h = key.hash();
    if (s.cache.empty()) s.cache.resize(kCacheEntries);
    RankSumEntry& e = s.cache[size_t(h & (kCacheEntries - 1))];
    if (e.hash == h && e.len == key.len &&
        std::equal(key.w.begin(), key.w.begin() + key.len, e.key.begin())) {
      sum_u = e.sum_u;
      sum_w = e.sum_w;
      return;
    }
    compute(sum_u, sum_w);
    e.hash = h;
    e.len = key.len;
    std::copy_n(key.w.begin(), key.len, e.key.begin());
    e.sum_u = sum_u;
    e.sum_w = sum_w;
  };

  std::array<int64_t, 2 * kMaxDims> unit_u;  // U of a one-dimension perfect rank (-1: not yet)
  std::fill_n(unit_u.begin(), ranks.count, int64_t(-1));
  auto simple_sums = [&](int ri, int q, int step, int64_t& sum_u, int64_t& sum_w) {
    const RankInfo& r = ranks.r[size_t(ri)];
    const int d = r.dims[0];
    const auto& x = dl[size_t(d)];
    const int rel = s.rel[size_t(q)][size_t(d)] - 1;
    const int split = step == kStates ? states_split[size_t(d)] : rel >> 1;
    const bool self = step >= 0 && (rel & 1);
    // The first kind: the first tile (Fill), the last (Drain), or every step (Stream); either way
    // nothing of it was held before, so W = 0 (and the states of kStates are counted as new).
    int64_t m = step == -1 ? (mode == TransferMode::Stream ? tprefix[size_t(d)][size_t(x.nt)] : 1)
                           : tprefix[size_t(d)][size_t(split)];
    if (self) m = checked_mul(m, n.loops[size_t(step)].factor - 1, "context count");
    m = checked_mul(m, instances_of[size_t(d)], "context count");
    int64_t u = 1;
    if (!n.perfect[size_t(d)]) {
      // A static imperfect dimension: the sum over its instances of U (pseudo: of "has work"),
      // the same in every kind of step.
      if (unit_u[size_t(ri)] < 0) {
        int64_t unused = 0;
        cached(r, q, 1, unit_u[size_t(ri)], unused, [&](int64_t& total_u, int64_t&) {
          total_u = 0;
          for (const Ctx& c : dim_contexts(d, -1, 0)) {
            std::array<const Ctx*, kMaxDims> cp;
            cp[0] = &c;
            int64_t cu = 0, cv = 0;
            union_counts(n, r, cp, extent, s, cu, cv);
            total_u = checked_add(total_u, checked_mul(cu, c.mult, "transfers"), "transfers");
          }
        });
      }
      u = unit_u[size_t(ri)];
    } else if (!r.pseudo) {
      if (unit_u[size_t(ri)] < 0 && dl[size_t(d)].ng == 0) {
        unit_u[size_t(ri)] = extent[size_t(d)];  // perfect: the extent is within the bound
      } else if (unit_u[size_t(ri)] < 0) {
        int64_t unused = 0;
        cached(r, q, 2, unit_u[size_t(ri)], unused, [&](int64_t& u1, int64_t&) {
          ensure_offsets(d);
          const Ctx first{0, 0, 1, true, false};
          std::array<const Ctx*, kMaxDims> cp;
          cp[0] = &first;
          int64_t v = 0;
          union_counts(n, r, cp, extent, s, u1, v);
        });
      }
      u = unit_u[size_t(ri)];
    }
    sum_u = checked_mul(u, m, "transfers");
    sum_w = step >= 0 && (r.pseudo || !(self || inner_moves[size_t(d)][size_t(split)])) ? sum_u : 0;
  };

  // Rank ri's sums over the contexts of kind q (relations set), enumerated (or from the cache).
  auto enumerated_sums = [&](int ri, int q, int step, int64_t& sum_u, int64_t& sum_w) {
    const RankInfo& r = ranks.r[size_t(ri)];
    cached(r, q, 0, sum_u, sum_w, [&](int64_t& su, int64_t& sw) {
      su = sw = 0;
      std::array<const std::vector<Ctx>*, kMaxDims> lists;
      bool any = true;
      for (int k = 0; k < r.ndims; ++k) {
        const int d = r.dims[size_t(k)];
        lists[size_t(k)] = &dim_contexts(d, step, s.rel[size_t(q)][size_t(d)]);
        if (lists[size_t(k)]->empty()) any = false;
      }
      std::array<size_t, kMaxDims> idx{};
      while (any) {
        std::array<const Ctx*, kMaxDims> cp;
        int64_t mult = 1;
        for (int k = 0; k < r.ndims; ++k) {
          cp[size_t(k)] = &(*lists[size_t(k)])[idx[size_t(k)]];
          mult = checked_mul(mult, cp[size_t(k)]->mult, "context count");
        }
        int64_t U = 0, V = 0;
        union_counts(n, r, cp, extent, s, U, V);
        su = checked_add(su, checked_mul(U, mult, "transfers"), "transfers");
        sw = checked_add(sw, checked_mul(U - V, mult, "transfers"), "transfers");
        int k = r.ndims - 1;
        while (k >= 0) {
          if (++idx[size_t(k)] < lists[size_t(k)]->size()) break;
          idx[size_t(k)] = 0;
          --k;
        }
        if (k < 0) break;
      }
    });
  };

  auto kind_total = [&](int q, int step, int64_t* prod_u_out = nullptr) -> int64_t {
    s.ranks_done[size_t(q)] = 0;
    int64_t prod_u = 1, prod_w = 1;
    if (prod_u_out) *prod_u_out = 0;
    for (int ri = 0; ri < ranks.count; ++ri) {
      const RankInfo& r = ranks.r[size_t(ri)];
      if (r.ndims == 1 && (n.perfect[size_t(r.dims[0])] || dl[size_t(r.dims[0])].nt == 0)) {
        int64_t sum_u = 0, sum_w = 0;
        simple_sums(ri, q, step, sum_u, sum_w);
        s.sum_u[size_t(q)][size_t(ri)] = sum_u;
        s.sum_w[size_t(q)][size_t(ri)] = sum_w;
        s.ranks_done[size_t(q)] = ri + 1;
        prod_u = checked_mul(prod_u, sum_u, "transfers");
        prod_w = checked_mul(prod_w, sum_w, "transfers");
        continue;
      }
      int same = -1;
      for (int q2 = 0; q2 < q && same < 0; ++q2) {
        bool eq = ri < s.ranks_done[size_t(q2)];
        for (int k = 0; k < r.ndims && eq; ++k) {
          const int d = r.dims[size_t(k)];
          eq = s.rel[size_t(q2)][size_t(d)] == s.rel[size_t(q)][size_t(d)];
        }
        if (eq) same = q2;
      }
      int64_t sum_u = 0, sum_w = 0;
      if (same >= 0) {
        sum_u = s.sum_u[size_t(same)][size_t(ri)];
        sum_w = s.sum_w[size_t(same)][size_t(ri)];
      } else {
        enumerated_sums(ri, q, step, sum_u, sum_w);
      }
      s.sum_u[size_t(q)][size_t(ri)] = sum_u;
      s.sum_w[size_t(q)][size_t(ri)] = sum_w;
      s.ranks_done[size_t(q)] = ri + 1;
      // A rank with no words in any context (e.g. every instance idle) leaves nothing to transfer.
      if (sum_u == 0 && sum_w == 0) return 0;
      prod_u = checked_mul(prod_u, sum_u, "transfers");
      prod_w = checked_mul(prod_w, sum_w, "transfers");
    }
    if (prod_u_out) *prod_u_out = prod_u;
    return prod_u - prod_w;
  };

  if (++s.generation == 0) {  // wrapped: no stamp may look current
    for (auto& row : s.stamp) row.fill(0);
    s.generation = 1;
  }
  if (query) {
    const int ri = query->rank;
    const RankInfo& r = ranks.r[size_t(ri)];
    if (query->step == kStates) {
      kstar = query->kstar;
      for (int d = 0; d < n.num_dims; ++d) {
        const auto& x = dl[size_t(d)];
        int split = 0;
        while (split < x.nt && x.t[size_t(split)] <= kstar) ++split;
        states_split[size_t(d)] = split;
      }
    }
    set_relations(0, query->step);
    if (r.ndims == 1 && (n.perfect[size_t(r.dims[0])] || dl[size_t(r.dims[0])].nt == 0))
      simple_sums(ri, 0, query->step, *query_u, *query_w);
    else
      enumerated_sums(ri, 0, query->step, *query_u, *query_w);
    return 0;
  }
  if (mode == TransferMode::Stream) {
    set_relations(0, -1);
    return kind_total(0, -1);
  }
  // The killing loop: the innermost temporal loop above the child (factor > 1) over a perfectly
  // factored dimension that is a one-dimension rank of the tensor. From it outwards every kind of
  // step moves that rank by at least its tile length (no member keeps any of it: W = 0), so each
  // of those transitions transfers its whole new tile (Fill) or whole old tile (Drain). The
  // transitions of the kinds outside and at it, with the first tile (Fill) or the last (Drain),
  // correspond one to one to the executed index tuples of the temporal loops down to it (Fill: a
  // tuple is the state a transition enters, with the loops inside at 0; Drain: the state one
  // leaves, with the loops inside at their last index), so together they transfer
  // prod_r A_r, A_r = sum over those states of U_r: the perfect nests' telescoping sum
  // (docs/model.md §3), with the states of imperfect dimensions enumerated.
  for (int k = above_end - 1; k >= 0 && kstar < 0; --k) {
    const auto& l = n.loops[size_t(k)];
    if (l.spatial || l.factor == 1 || !n.perfect[size_t(l.dim)]) continue;
    const int ri = ranks.rank_of_dim[size_t(l.dim)];
    if (ri >= 0 && ranks.r[size_t(ri)].ndims == 1 && !ranks.r[size_t(ri)].pseudo) kstar = k;
  }
  int64_t total = 0;
  if (kstar < 0) {
    set_relations(0, -1);
    total = kind_total(0, -1);
  } else {
    for (int d = 0; d < n.num_dims; ++d) {
      const auto& x = dl[size_t(d)];
      int split = 0;
      while (split < x.nt && x.t[size_t(split)] <= kstar) ++split;
      states_split[size_t(d)] = split;
    }
    set_relations(0, kStates);
    kind_total(0, kStates, &total);
  }
  // Dimensions the tensor's coordinates depend on.
  std::array<bool, kMaxDims> relevant{};
  for (int ri = 0; ri < ranks.count; ++ri)
    if (!ranks.r[size_t(ri)].pseudo)
      for (int k = 0; k < ranks.r[size_t(ri)].ndims; ++k)
        relevant[size_t(ranks.r[size_t(ri)].dims[size_t(k)])] = true;
  int q = 0;
  for (int k = kstar + 1; k < above_end; ++k) {
    const auto& l = n.loops[size_t(k)];
    if (l.spatial || l.factor == 1) continue;
    // When loop k advances, the dimensions whose tile position changes are its own and those of
    // the temporal loops inside it (they wrap around). If none is relevant to the tensor and none
    // is imperfectly factored (so no instance goes idle), the tile does not change: no transfer.
    bool changes = relevant[size_t(l.dim)] || !n.perfect[size_t(l.dim)];
    for (int q2 = k + 1; q2 < above_end && !changes; ++q2) {
      const auto& inner = n.loops[size_t(q2)];
      if (inner.spatial || inner.factor == 1) continue;
      changes = relevant[size_t(inner.dim)] || !n.perfect[size_t(inner.dim)];
    }
    if (!changes) continue;
    ++q;
    set_relations(q, k);
    total = checked_add(total, kind_total(q, k), "transfers");
  }
  return total;
}

}  // namespace

int64_t count_transfers(const Ranks& ranks, const Nest& n, int child_level, uint64_t group_mask,
                        TransferMode mode) {
  return general_counts(ranks, n, child_level, group_mask, mode, nullptr, nullptr, nullptr);
}

void rank_sums(const Ranks& ranks, int rank, const Nest& n, const RankSumQuery& q, int64_t& sum_u,
               int64_t& sum_w) {
  // A key base for this query alone, and the query's relation code as mixed_counts.cpp derives it.
  RankKeyBase base;
  make_rank_key_base(ranks, rank, n, q, base);
  uint64_t code = 0;
  if (q.step >= 0 && base.len >= 0) {
    const RankInfo& r = ranks.r[size_t(rank)];
    for (int k = 0; k < r.ndims; ++k) {
      const int d = r.dims[size_t(k)];
      int inside = 0;  // d's temporal loops between the step and the child
      for (int j = 0; j < q.num_moving; ++j) {
        const auto& l = n.loops[size_t(q.moving[j])];
        inside += !l.spatial && l.dim == d && q.moving[j] > q.step;
      }
      code = code << 8 | uint64_t(2 * inside + (n.loops[size_t(q.step)].dim == d ? 1 : 0));
    }
  }
  rank_sums(ranks, rank, n, q, base, code, sum_u, sum_w);
}

void make_rank_key_base(const Ranks& ranks, int rank, const Nest& n, const RankSumQuery& q,
                        RankKeyBase& out) {
  const RankInfo& r = ranks.r[size_t(rank)];
  out.len = -1;
  out.num_spatial = 0;
  if (r.ndims > 8) return;           // the relation code has a byte per dimension
  std::array<int8_t, kMaxDims> pos;  // a dimension's position in the rank
  for (int k = 0; k < r.ndims; ++k) pos[size_t(r.dims[size_t(k)])] = int8_t(k);
  const uint32_t mask = ranks.dim_mask[size_t(rank)];
  int len = 0;
  out.w[size_t(len++)] = (r.pseudo ? 4 : 0) | int64_t(r.ndims) << 3;
  std::array<int, kMaxDims> at_kstar{};  // temporal loops down to the killing loop
  for (int j = 0; j < q.num_moving; ++j) {
    const int k = q.moving[j];
    const auto& l = n.loops[size_t(k)];
    if (!(mask >> l.dim & 1u)) continue;
    if (len + 1 + 2 * r.ndims > kBaseWords || l.factor >= (int64_t(1) << 28) ||
        l.stride >= (int64_t(1) << 30))
      return;
    if (l.spatial) {
      if (out.num_spatial == int(out.spatial.size())) return;
      out.spatial[size_t(out.num_spatial++)] = int8_t(k);
    } else {
      at_kstar[size_t(l.dim)] += k <= q.kstar;
    }
    out.w[size_t(len++)] = int64_t(uint64_t(pos[size_t(l.dim)]) | uint64_t(l.spatial) << 4 |
                                   uint64_t(l.factor) << 6 | uint64_t(l.stride) << 34);
  }
  for (int k = 0; k < r.ndims; ++k) {
    const int d = r.dims[size_t(k)];
    const int64_t e = q.extent[d];
    if (n.bound[size_t(d)] >= (int64_t(1) << 32) || e >= (int64_t(1) << 31) ||
        r.coef[size_t(k)] >= (int64_t(1) << 31))
      return;
    out.w[size_t(len++)] = n.bound[size_t(d)] | e << 32;
    out.w[size_t(len++)] =
        r.coef[size_t(k)] | int64_t(n.perfect[size_t(d)]) << 31 | int64_t(at_kstar[size_t(d)]) << 32;
  }
  uint64_t h = 0xCBF29CE484222325ull;
  for (int k = 0; k < len; ++k) h = (h ^ uint64_t(out.w[size_t(k)])) * 0x100000001B3ull;
  out.hash = h;
  out.len = len;
}

void rank_sums(const Ranks& ranks, int rank, const Nest& n, const RankSumQuery& q, const RankKeyBase& base,
               uint64_t rel_code, int64_t& sum_u, int64_t& sum_w) {
  const RankQuery query{rank, q.step, q.kstar};
  if (!g_cache_on || base.len < 0) {  // no cache, or a key too long to keep: computed each time
    general_counts(ranks, n, q.child, q.group_mask, q.mode, &query, &sum_u, &sum_w);
    return;
  }
  // The two words that complete the key: mode, kind of step and which of the rank's spatial loops
  // are group loops; the relation code (which, given the base's loops, fixes each dimension's
  // relation to the step).
  uint64_t group_bits = 0;
  for (int j = 0; j < base.num_spatial; ++j)
    group_bits |= uint64_t(q.group_mask >> base.spatial[size_t(j)] & 1u) << j;
  const int64_t w0 = int64_t(uint64_t(q.mode) |
                             uint64_t(q.step >= 0         ? 2
                                      : q.step == kStates ? 1
                                                          : 0)
                                 << 2 |
                             group_bits << 4);
  const int64_t w1 = int64_t(q.step >= 0 ? rel_code : 0);
  uint64_t h = (base.hash ^ uint64_t(w0)) * 0x100000001B3ull;
  h = (h ^ uint64_t(w1)) * 0x100000001B3ull;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  Scratch& s = scratch();
  if (s.base_cache.empty()) s.base_cache.resize(kCacheEntries);
  BaseSumEntry& e = s.base_cache[size_t(h & (kCacheEntries - 1))];
  const int len = base.len + 2;
  if (e.hash == h && e.len == len && e.key[0] == w0 && e.key[1] == w1 &&
      std::equal(base.w.begin(), base.w.begin() + base.len, e.key.begin() + 2)) {
    sum_u = e.sum_u;
    sum_w = e.sum_w;
    return;
  }
  general_counts(ranks, n, q.child, q.group_mask, q.mode, &query, &sum_u, &sum_w);
  e.hash = h;
  e.len = len;
  e.key[0] = w0;
  e.key[1] = w1;
  std::copy_n(base.w.begin(), base.len, e.key.begin() + 2);
  e.sum_u = sum_u;
  e.sum_w = sum_w;
}

}  // namespace coda::model
