#include "coda/model/perfect_counts.hpp"

#include <algorithm>

#include "coda/common/checked.hpp"
#include "coda/model/lattice.hpp"

namespace coda::model {

using lattice::lattice_size;
using lattice::sort_terms;
using lattice::span_of;
using lattice::Term;

void FixedLengths::build(const workload::Problem& p, const Ranks* ranks_of) {
  whole_ok.fill(false);
  point_ok.fill(false);
  if (p.num_dims() > kMaxDims) return;  // no nest of this problem can be built
  std::array<int64_t, kMaxDims> bound, one;
  const int D = p.num_dims();
  for (int d = 0; d < D; ++d) {
    bound[size_t(d)] = p.bounds[size_t(d)];
    one[size_t(d)] = 1;
  }
  for (int t = 0; t < std::min(p.num_tensors(), kMaxTensors); ++t) {
    whole_ok[size_t(t)] = rank_lengths(ranks_of[t], bound.data(), bound.data(), whole[size_t(t)]);
    point_ok[size_t(t)] = rank_lengths(ranks_of[t], one.data(), bound.data(), point[size_t(t)]);
  }
}

const RankLengths* NestFacts::compute(const Ranks& ranks, const Nest& n, int tensor, int level) {
  if (fixed_ && level == 0)
    return fixed_->whole_ok[size_t(tensor)] ? &fixed_->whole[size_t(tensor)] : nullptr;
  if (fixed_ && level == n.num_levels)
    return fixed_->point_ok[size_t(tensor)] ? &fixed_->point[size_t(tensor)] : nullptr;
  RankLengths& len = len_[size_t(tensor)][size_t(level)];
  const bool ok = rank_lengths(ranks, n, tb, level, len);
  state_[size_t(tensor)][size_t(level)] = ok ? 1 : -1;
  return ok ? &len : nullptr;
}

void NestFacts::reset(const Nest& n, const FixedLengths* fixed) {
  fixed_ = fixed;
  perfect = true;
  for (int d = 0; d < n.num_dims; ++d) perfect &= n.perfect[size_t(d)];
  build_tables(n, tb, !perfect);  // spatial_above and temporal_prefix serve imperfect nests too
  for (auto& row : state_) row.fill(0);
}

void build_tables(const Nest& n, NestTables& out, bool moving) {
  const int L = n.num_levels;
  // All entries set (not only num_dims): the rows are copied whole, and copying unset values is
  // undefined behaviour even though they are never read.
  std::array<int64_t, kMaxDims> cur;
  cur.fill(1);
  out.extent[size_t(L)] = cur;
  // Products stay below the per-dimension totals that build_nest checked for overflow.
  for (int c = L - 1; c >= 0; --c) {
    for (int k = n.level_begin[size_t(c)]; k < n.level_begin[size_t(c + 1)]; ++k)
      cur[size_t(n.loops[size_t(k)].dim)] *= n.loops[size_t(k)].factor;
    out.extent[size_t(c)] = cur;
  }
  out.temporal_prefix[0] = 1;
  for (int k = 0; k < n.num_loops; ++k) {
    const auto& l = n.loops[size_t(k)];
    out.temporal_prefix[size_t(k + 1)] = l.spatial
                                             ? out.temporal_prefix[size_t(k)]
                                             : checked_mul(out.temporal_prefix[size_t(k)], l.factor, "steps");
  }
  if (moving)
    build_moving(n, out);
  else
    out.num_moving = -1;
  int64_t sp = 1;
  int k = 0;
  for (int c = 0; c <= L; ++c) {
    for (; k < n.level_begin[size_t(c)]; ++k)
      if (n.loops[size_t(k)].spatial) sp = checked_mul(sp, n.loops[size_t(k)].factor, "instances");
    out.spatial_above[size_t(c)] = sp;
  }
}

void build_moving(const Nest& n, NestTables& out) {
  out.num_moving = out.num_spatial_moving = 0;
  std::fill_n(out.num_dim_moving.begin(), n.num_dims, 0);
  for (int k = 0; k < n.num_loops; ++k) {
    const auto& l = n.loops[size_t(k)];
    if (l.factor == 1) continue;
    out.moving[size_t(out.num_moving++)] = int8_t(k);
    out.dim_moving[size_t(l.dim)][size_t(out.num_dim_moving[size_t(l.dim)]++)] = int8_t(k);
    if (l.spatial) out.spatial_moving[size_t(out.num_spatial_moving++)] = int8_t(k);
  }
  for (int c = 0, j = 0; c <= n.num_levels; ++c) {
    while (j < out.num_moving && out.moving[size_t(j)] < n.level_begin[size_t(c)]) ++j;
    out.moving_above[size_t(c)] = j;
  }
}

bool rank_lengths(const Ranks& ranks, const Nest& n, const NestTables& tb, int level, RankLengths& len) {
  return rank_lengths(ranks, tb.extent[size_t(level)].data(), n.bound.data(), len);
}

bool rank_lengths(const Ranks& ranks, const int64_t* ext, const int64_t* bound, RankLengths& len) {
  int64_t size = 1, single = 1;
  for (int q = 0; q < ranks.num_real; ++q) {
    const int ri = ranks.real[size_t(q)];
    const RankInfo& r = ranks.r[size_t(ri)];
    len.scale[size_t(ri)] = 1;
    if (r.ndims == 1) {
      // A one-dimension rank is a bijective image of its dimension whatever the coefficient.
      const int d = r.dims[0];
      const int64_t l = std::min(ext[d], bound[d]);
      len.len[size_t(ri)] = l;
      single = checked_mul(single, l, "tile size");
      continue;
    }
    // The contiguity test of rank_interval (transfers.cpp) on [0, extent) per dimension.
    std::array<Term, kMaxDims> t;
    int nt = 0;
    for (int k = 0; k < r.ndims; ++k) {
      const int d = r.dims[size_t(k)];
      const int64_t e = std::min(ext[d], bound[d]);
      if (e > 1) t[size_t(nt++)] = {r.coef[size_t(k)], e - 1};
    }
    if (nt <= 1) {
      // One moving dimension at this level: coef * [0, e), a progression of step coef.
      len.len[size_t(ri)] = nt ? t[0].ext + 1 : 1;
      len.scale[size_t(ri)] = nt ? t[0].coef : 1;
      size = checked_mul(size, len.len[size_t(ri)], "tile size");
      continue;
    }
    sort_terms(t.data(), nt);
    const int64_t l = lattice_size(t.data(), nt, 1);
    // The tile must be an interval for the shift arithmetic of perfect_count.
    if (l < 0 || l != span_of(t.data(), nt) + 1) return false;
    len.len[size_t(ri)] = l;
    size = checked_mul(size, l, "tile size");
  }
  len.single_size = single;
  len.size = checked_mul(size, single, "tile size");
  return true;
}

namespace {

// One group mask's share of perfect_counts: its lattice per rank and its running total.
struct Variant {
  int64_t instances;
  bool plain;                               // no group term: each rank's union is its own tile
  const int64_t* U;                         // per rank: size of the union of the members' sets
  std::array<Term, kMaxLoops> sorted;       // group terms, by rank, each rank's sorted by coefficient
  std::array<int8_t, 2 * kMaxDims> gb, ge;  // rank ri's terms are sorted[gb[ri], ge[ri])
  std::array<int64_t, 2 * kMaxDims> u_store;
  int64_t prod_u, prod_single_u, total;
  bool declined;
  bool alias;  // plain like variant 0: the same total, only the instances differ
};

// Sets up v for `group_mask`; false when a lattice is not countable term by term.
bool prepare(const Ranks& ranks, const Nest& n, const NestTables& tb, const RankLengths& len, int child,
             uint64_t group_mask, Variant& v) {
  // Children that differ only in the group loops share a transfer: one instance per combination of
  // the other spatial loops above the child, and per rank a lattice of member offsets.
  std::array<Term, kMaxLoops> gt;
  std::array<int8_t, kMaxLoops> g_rank;
  int ng = 0;
  int64_t members = 1;  // group loops are spatial loops above the child: members divides instances
  for (uint64_t g = group_mask; g; g &= g - 1) {
    const int k = __builtin_ctzll(g);
    const auto& l = n.loops[size_t(k)];
    members *= l.factor;
    const int64_t coef = ranks.dim_coef[size_t(l.dim)];
    if (l.factor == 1 || coef == 0) continue;  // no term: the members share the rank's set
    const int ri = ranks.rank_of_dim[size_t(l.dim)];
    gt[size_t(ng)] = {coef * l.stride, l.factor - 1};
    g_rank[size_t(ng)] = int8_t(ri);
    ++ng;
  }
  v.instances = members == 1 ? tb.spatial_above[size_t(child)] : tb.spatial_above[size_t(child)] / members;
  v.plain = ng == 0;
  if (v.plain) {
    v.U = len.len.data();
    v.prod_u = len.size;
    v.prod_single_u = len.single_size;
    return true;
  }
  v.U = v.u_store.data();
  // Ranks without a group term keep their own tile; the walk reads U and the term range of the
  // multi-dimension ones.
  for (int mi = 0; mi < ranks.num_multi; ++mi) {
    const int ri = ranks.multi[size_t(mi)];
    v.gb[size_t(ri)] = v.ge[size_t(ri)] = 0;
    v.u_store[size_t(ri)] = len.len[size_t(ri)];
  }
  // The few group terms sorted by (rank, coefficient), so that each rank's are one run.
  lattice::sort_terms_by_rank(gt.data(), g_rank.data(), ng);
  int64_t prod_u = len.size, prod_single_u = len.single_size;
  for (int b = 0, e = 0; b < ng; b = e) {
    const int ri = g_rank[size_t(b)];
    while (e < ng && g_rank[size_t(e)] == ri) ++e;
    // A progression of step `scale` (see RankLengths): its group lattice must step in multiples of
    // it, and then everything is counted in units of the step (which keeps the terms sorted).
    const int64_t a = len.scale[size_t(ri)];
    for (int q = b; q < e; ++q) {
      Term t = gt[size_t(q)];
      if (a != 1) {
        if (t.coef % a != 0) return false;
        t.coef /= a;
      }
      v.sorted[size_t(q)] = t;
    }
    const int64_t l = len.len[size_t(ri)];
    const int64_t u = lattice_size(v.sorted.data() + b, e - b, l);
    if (u < 0) return false;
    v.gb[size_t(ri)] = int8_t(b);
    v.ge[size_t(ri)] = int8_t(e);
    v.u_store[size_t(ri)] = u;
    // The tile's length l of this rank divides the products exactly.
    prod_u = checked_mul(prod_u / l, u, "transfers");
    if (ranks.r[size_t(ri)].ndims == 1) prod_single_u = checked_mul(prod_single_u / l, u, "transfers");
  }
  v.prod_u = prod_u;
  v.prod_single_u = prod_single_u;
  return true;
}

}  // namespace

void perfect_counts(const Ranks& ranks, const Nest& n, const NestTables& tb, const RankLengths& len,
                    int child, const uint64_t* group_masks, int num, TransferMode mode, int64_t* out) {
  const int end = n.level_begin[size_t(child)];  // loops above the child (level_begin[L] = num_loops)
  std::array<Variant, 2> vs;
  int live = 0;
  for (int q = 0; q < num; ++q) {
    Variant& v = vs[size_t(q)];
    v.declined = !prepare(ranks, n, tb, len, child, group_masks[q], v);
    v.alias = q > 0 && !v.declined && v.plain && vs[0].plain && !vs[0].declined;
    v.total = v.prod_u;
    live += !v.declined;
  }
  if (mode == TransferMode::Stream || live == 0) {
    for (int q = 0; q < num; ++q) {
      const Variant& v = vs[size_t(q)];
      out[q] = v.declined ? -1
                          : checked_mul(checked_mul(v.prod_u, tb.temporal_prefix[size_t(end)], "transfers"),
                                        v.instances, "transfers");
    }
    return;
  }

  // Fill (and Drain: equal for perfect nests, docs/model.md §3): the first tile, then per kind of
  // step (temporal loop k advancing while the loops inside it wrap) prefix[k] * (f_k - 1) contexts
  // that each transfer prod_u - prod_w words, w_r = U_r - V_r. The walk is the same for every
  // group mask; only the lattices differ.
  std::array<int64_t, kMaxDims> inner_ob;  // where each dimension's inner loops stand before wrapping
  std::fill_n(inner_ob.begin(), n.num_dims, int64_t(0));
  uint32_t moved = 0;
  for (int k = end - 1; k >= 0; --k) {
    const auto& l = n.loops[size_t(k)];
    if (l.spatial || l.factor == 1) continue;
    moved |= 1u << l.dim;
    if (moved & ranks.relevant_dims) {
      if (moved & ranks.single_dims) {
        // A one-dimension rank that moves moves by at least its tile length, so V_r = U_r and
        // w_r = 0: every context from here outwards transfers prod_u words. The remaining kinds of
        // step number sum_{j <= k} prefix[j] * (f_j - 1) = prefix[k + 1] - 1 (telescoping).
        for (int q = 0; q < num; ++q) {
          Variant& v = vs[size_t(q)];
          if (v.declined || v.alias) continue;
          v.total =
              checked_add(v.total, checked_mul(v.prod_u, tb.temporal_prefix[size_t(k + 1)] - 1, "transfers"),
                          "transfers");
        }
        break;
      }
      const int64_t contexts = checked_mul(tb.temporal_prefix[size_t(k)], l.factor - 1, "transfers");
      for (int q = 0; q < num; ++q) {
        Variant& v = vs[size_t(q)];
        if (v.declined || v.alias) continue;
        int64_t prod_w = v.prod_single_u;
        for (int mi = 0; mi < ranks.num_multi; ++mi) {
          const int ri = ranks.multi[size_t(mi)];
          const RankInfo& r = ranks.r[size_t(ri)];
          int64_t w = v.U[size_t(ri)];
          if (ranks.dim_mask[size_t(ri)] & moved) {
            int64_t shift = 0;  // new - old position of the rank's interval
            for (int kk = 0; kk < r.ndims; ++kk) {
              const int d = r.dims[size_t(kk)];
              shift += r.coef[size_t(kk)] * ((d == l.dim ? l.stride : 0) - inner_ob[size_t(d)]);
            }
            // Each member's new \ old is one interval of min(|shift|, len) elements at a fixed
            // place relative to the member, so the union over members is the same lattice sum.
            // For a progression of step a, a shift that is not a multiple of a leaves no overlap.
            const int64_t a = len.scale[size_t(ri)];
            const int64_t dist = shift < 0 ? -shift : shift;
            const int64_t piece = a == 1          ? std::min(dist, len.len[size_t(ri)])
                                  : dist % a != 0 ? len.len[size_t(ri)]
                                                  : std::min(dist / a, len.len[size_t(ri)]);
            const int64_t gv = v.plain ? piece
                                       : lattice_size(v.sorted.data() + v.gb[size_t(ri)],
                                                      v.ge[size_t(ri)] - v.gb[size_t(ri)], piece);
            if (gv < 0) {
              v.declined = true;
              break;
            }
            w = v.U[size_t(ri)] - gv;
          }
          prod_w = checked_mul(prod_w, w, "transfers");
        }
        if (!v.declined)
          v.total = checked_add(v.total, checked_mul(v.prod_u - prod_w, contexts, "transfers"), "transfers");
      }
    }
    inner_ob[size_t(l.dim)] += (l.factor - 1) * l.stride;
  }
  for (int q = 0; q < num; ++q) {
    const Variant& v = vs[size_t(q)];
    out[q] = v.declined ? -1 : checked_mul(v.alias ? vs[0].total : v.total, v.instances, "transfers");
  }
}

int64_t perfect_count(const Ranks& ranks, const Nest& n, const NestTables& tb, const RankLengths& len,
                      int child, uint64_t group_mask, TransferMode mode) {
  int64_t c;
  perfect_counts(ranks, n, tb, len, child, &group_mask, 1, mode, &c);
  return c;
}

}  // namespace coda::model
