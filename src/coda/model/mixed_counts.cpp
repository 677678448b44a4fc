#include "coda/model/mixed_counts.hpp"

#include <algorithm>
#include <array>

#include "coda/common/checked.hpp"
#include "coda/model/lattice.hpp"

namespace coda::model {

using lattice::lattice_size;
using lattice::sort_terms;
using lattice::span_of;
using lattice::Term;

namespace {

// The sums of the ranks that touch an imperfect dimension, each remembered for the last relation
// it was asked under: walking the loops outwards, a rank's relation to the kind of step changes
// only at its own dimensions' loops.
struct ImperfectSums {
  std::array<uint64_t, 2 * kMaxDims> code;  // relation code of the remembered sums (~0: none)
  std::array<int64_t, 2 * kMaxDims> su, sw;
};

// Index tuples of `loops` (one dimension's, nest order) whose base b0 + sum(index x stride) is below
// x: the executed iterations (or, with spatial loops, the instances with work) of those loops,
// all others at index 0. Strides within a dimension are super-increasing (a loop's stride is the
// product of the factors of the dimension's loops inside it, so it exceeds the largest sum the
// inner ones reach), so for each loop, outermost first, the indices whose whole inner range stays
// below x count in full, at most one more is partial, and the count follows in one pass.
int64_t tuples_below(const Nest& n, const int8_t* loops, int count, int64_t b0, int64_t x) {
  std::array<int64_t, kMaxLoops + 1> inner_max, inner_total;  // over loops i+1.. : largest sum, tuples
  inner_max[size_t(count)] = 0;
  inner_total[size_t(count)] = 1;
  for (int i = count - 1; i >= 0; --i) {
    const auto& l = n.loops[size_t(loops[i])];
    inner_max[size_t(i)] = inner_max[size_t(i + 1)] + (l.factor - 1) * l.stride;
    inner_total[size_t(i)] = checked_mul(inner_total[size_t(i + 1)], l.factor, "context count");
  }
  int64_t total = 0, rest = x - b0;  // tuples of the remaining loops with sum below `rest`
  for (int i = 0; i < count && rest > 0; ++i) {
    const auto& l = n.loops[size_t(loops[i])];
    const int64_t slack = rest - 1 - inner_max[size_t(i + 1)];
    const int64_t full = slack < 0 ? 0 : std::min<int64_t>(l.factor, slack / l.stride + 1);
    total =
        checked_add(total, checked_mul(full, inner_total[size_t(i + 1)], "context count"), "context count");
    if (full == l.factor) return total;
    rest -= full * l.stride;  // the one index whose inner range straddles the limit
  }
  return rest > 0 ? total + 1 : total;
}

// The closed forms of an imperfect rank over one dimension d for the kinds without an old tile
// (the first or last tile, the states down to the killing loop, every step for Stream;
// docs/model.md §3): W = 0, and U is the new tile's size, so sum U runs over the (temporal state,
// instance) pairs whose tile starts below the bound B. The tile bases above the child are
// multiples of the child's extent E, so every such tile holds E elements except the one starting
// in (B - E, B), which holds B mod E; a pseudo rank's tile is one element when it starts below B,
// and its group members share it (the member at offset 0 decides), so group loops drop out. A real
// rank with group loops over d, and Drain states with d's temporal loops inside the killing loop
// (their last executed index depends on the state), are left to rank_sums (false).
bool closed_sums(const Nest& n, const RankInfo& r, const int8_t* loops, int count, int64_t extent, int kstar,
                 uint64_t group_mask, TransferMode mode, int step, int64_t& sum_u, int64_t& sum_w) {
  const int64_t bound = n.bound[size_t(r.dims[0])];
  std::array<int8_t, kMaxLoops> take;  // the loops whose indices range
  int nt = 0;
  int64_t b0 = 0;  // where the others put the tile (Drain's last tile)
  for (int i = 0; i < count; ++i) {
    const int k = loops[i];
    const auto& l = n.loops[size_t(k)];
    if (l.spatial) {
      if (!(group_mask >> k & 1u))
        take[size_t(nt++)] = int8_t(k);
      else if (!r.pseudo)
        return false;
      continue;
    }
    if (mode == TransferMode::Stream || (step == kStatesStep && k <= kstar)) {
      take[size_t(nt++)] = int8_t(k);
    } else if (mode == TransferMode::Drain) {
      if (step == kStatesStep) return false;
      // The last tile: every temporal loop at its last executed index, outermost first.
      b0 += std::min<int64_t>(l.factor - 1, (bound - 1 - b0) / l.stride) * l.stride;
    }
  }
  if (r.pseudo) {
    sum_u = tuples_below(n, take.data(), nt, b0, bound);
  } else {
    const int64_t full = tuples_below(n, take.data(), nt, b0, bound - extent + 1);
    const int64_t any = tuples_below(n, take.data(), nt, b0, bound);
    sum_u = checked_add(checked_mul(full, extent, "transfers"),
                        checked_mul(any - full, bound % extent, "transfers"), "transfers");
  }
  sum_w = 0;
  return true;
}

// The per-child facts of `split` (see ImperfectSplit::Child).
void work_out_child(const Ranks& ranks, const Nest& n, const NestTables& tb, ImperfectSplit& split,
                    int child) {
  auto& c = split.child[size_t(child)];
  c.num_moving = tb.moving_above[size_t(child)];
  const int end = n.level_begin[size_t(child)];
  // The killing loop (docs/model.md §3): the innermost temporal loop above the child over a
  // perfectly factored dimension that is a one-dimension rank of the tensor (ImperfectSplit::killers).
  const uint64_t below = end >= 64 ? ~uint64_t(0) : (uint64_t(1) << end) - 1;
  const uint64_t candidates = split.killers & below;
  c.kstar = candidates ? 63 - __builtin_clzll(candidates) : -1;
  // The imperfect one-dimension ranks' loops (closed forms), and no key base yet.
  for (int j = 0; j < std::min(split.num_imp, int(c.base.size())); ++j) {
    c.base_ready[size_t(j)] = false;
    const RankInfo& r = ranks.r[size_t(split.imp[size_t(j)])];
    int& count = c.num_dim_loops[size_t(j)];
    count = -1;
    if (r.ndims != 1) continue;
    const auto& mine = tb.dim_moving[size_t(r.dims[0])];
    count = 0;
    while (count < tb.num_dim_moving[size_t(r.dims[0])] && mine[size_t(count)] < end) ++count;
  }
  // Tile lengths of the perfect ranks (as rank_lengths): never clipped, so the extents are exact.
  const auto& ext = tb.extent[size_t(child)];
  c.prod_len = 1;
  c.num_multi = 0;
  c.state = 1;
  for (int q = 0; q < split.num_pr; ++q) {
    const int ri = split.pr[size_t(q)];
    const RankInfo& r = ranks.r[size_t(ri)];
    c.scale[size_t(ri)] = 1;
    if (r.ndims == 1) {
      c.len[size_t(ri)] = ext[size_t(r.dims[0])];
    } else {
      c.multi[size_t(c.num_multi++)] = int8_t(ri);
      std::array<Term, kMaxDims> t;
      int nt = 0;
      for (int k = 0; k < r.ndims; ++k) {
        const int64_t e = ext[size_t(r.dims[size_t(k)])];
        if (e > 1) t[size_t(nt++)] = {r.coef[size_t(k)], e - 1};
      }
      if (nt <= 1) {
        // One moving dimension at this level: coef * [0, e), a progression of step coef.
        c.len[size_t(ri)] = nt ? t[0].ext + 1 : 1;
        c.scale[size_t(ri)] = nt ? t[0].coef : 1;
      } else {
        sort_terms(t.data(), nt);
        const int64_t l = lattice_size(t.data(), nt, 1);
        if (l < 0 || l != span_of(t.data(), nt) + 1) {  // not an interval: no shift arithmetic
          c.state = -1;
          return;
        }
        c.len[size_t(ri)] = l;
      }
    }
    c.prod_len = checked_mul(c.prod_len, c.len[size_t(ri)], "tile size");
  }
}

}  // namespace

void split_ranks(const Ranks& ranks, const Nest& n, ImperfectSplit& out) {
  out.imperfect = 0;
  for (int d = 0; d < n.num_dims; ++d)
    if (!n.perfect[size_t(d)]) out.imperfect |= 1u << d;
  out.num_imp = out.num_pr = 0;
  out.imp_dims = 0;
  for (int ri = 0; ri < ranks.count; ++ri)
    if (ranks.dim_mask[size_t(ri)] & out.imperfect) {
      out.imp[size_t(out.num_imp++)] = int8_t(ri);
      out.imp_dims |= ranks.dim_mask[size_t(ri)];
    } else if (!ranks.r[size_t(ri)].pseudo) {
      out.pr[size_t(out.num_pr++)] = int8_t(ri);
    }
  out.pp[0] = 1;
  out.killers = 0;
  // Killing-loop candidates: dimensions of one-dimension real ranks (Ranks::single_dims) that
  // are perfectly factored.
  const uint32_t killer_dims = ranks.single_dims & ~out.imperfect;
  for (int k = 0; k < n.num_loops; ++k) {
    const auto& l = n.loops[size_t(k)];
    if (l.spatial) {
      out.pp[size_t(k + 1)] = out.pp[size_t(k)];
      continue;
    }
    if (l.factor > 1 && (killer_dims >> l.dim & 1u)) out.killers |= uint64_t(1) << k;
    out.pp[size_t(k + 1)] = !(out.imp_dims >> l.dim & 1u)
                                ? checked_mul(out.pp[size_t(k)], l.factor, "context count")
                                : out.pp[size_t(k)];
  }
  for (int c = 0; c <= n.num_levels; ++c) out.child[size_t(c)].state = 0;
}

int64_t mixed_count(const Ranks& ranks, const Nest& n, const NestTables& tb, int child, uint64_t group_mask,
                    TransferMode mode) {
  ImperfectSplit split;
  split_ranks(ranks, n, split);
  return mixed_count(ranks, n, tb, split, child, group_mask, mode);
}

int64_t mixed_count(const Ranks& ranks, const Nest& n, const NestTables& tb, ImperfectSplit& split, int child,
                    uint64_t group_mask, TransferMode mode) {
  auto& c = split.child[size_t(child)];
  if (c.state == 0) work_out_child(ranks, n, tb, split, child);
  if (c.state < 0) return -1;
  const int end = n.level_begin[size_t(child)];  // loops above the child (level_begin[L] = num_loops)
  const uint32_t imp_dims = split.imp_dims;
  const auto& pp = split.pp;
  const int kstar = c.kstar;
  // The ranks that touch an imperfect dimension (pseudo ranks included: an idle instance holds
  // nothing) are summed over their contexts by rank_sums; their dimensions' loops are theirs. The
  // other ranks ("perfect ranks": every dimension perfectly factored) are never clipped: their
  // contexts are translates of the first tile, counted by products of factors (pp: temporal;
  // pinst: non-group spatial instances); group loops over them add lattice terms (one-dimension
  // ranks count in their dimension's coordinates, docs/model.md §3 "Group lattice").
  int64_t pinst = 1;
  std::array<Term, kMaxLoops> gt;
  std::array<int8_t, kMaxLoops> g_rank;
  int ng = 0;
  for (int j = 0; j < tb.num_spatial_moving && tb.spatial_moving[size_t(j)] < end; ++j) {
    const int k = tb.spatial_moving[size_t(j)];
    const auto& l = n.loops[size_t(k)];
    if (imp_dims >> l.dim & 1u) continue;
    if (!(group_mask >> k & 1u)) {
      pinst = checked_mul(pinst, l.factor, "instances");
    } else if (const int64_t coef = ranks.dim_coef[size_t(l.dim)]; coef != 0) {
      gt[size_t(ng)] = {coef * l.stride, l.factor - 1};
      g_rank[size_t(ng)] = ranks.rank_of_dim[size_t(l.dim)];
      ++ng;
    }
  }

  // Per perfect rank with group terms: the terms (sorted by rank, then coefficient, in units of
  // the tile's step) and U, the size of the members' union; without them U is the tile's length.
  // Only the window ranks' U and terms are read again (the walk below).
  std::array<int64_t, 2 * kMaxDims> U;
  std::array<int8_t, 2 * kMaxDims> gb, ge;
  for (int q = 0; q < c.num_multi; ++q) {
    const int ri = c.multi[size_t(q)];
    U[size_t(ri)] = c.len[size_t(ri)];
    gb[size_t(ri)] = ge[size_t(ri)] = 0;
  }
  int64_t prod_u = c.prod_len;
  lattice::sort_terms_by_rank(gt.data(), g_rank.data(), ng);
  for (int b = 0, e = 0; b < ng; b = e) {
    const int ri = g_rank[size_t(b)];
    while (e < ng && g_rank[size_t(e)] == ri) ++e;
    const int64_t a = c.scale[size_t(ri)];
    for (int q = b; q < e; ++q) {
      if (gt[size_t(q)].coef % a != 0) return -1;  // a lattice off the progression's step
      gt[size_t(q)].coef /= a;
    }
    const int64_t len = c.len[size_t(ri)];
    const int64_t u = lattice_size(gt.data() + b, e - b, len);
    if (u < 0) return -1;
    U[size_t(ri)] = u;
    gb[size_t(ri)] = int8_t(b);
    ge[size_t(ri)] = int8_t(e);
    prod_u = checked_mul(prod_u / len, u, "transfers");  // len divides the product
  }

  // Product over the imperfect ranks of their two sums for kind `step`. Within this call a rank's
  // relation to a kind of step (docs/model.md §3, "Relations") is fixed by, per dimension, how
  // many of its temporal loops the walk has passed and whether the step is its own.
  RankSumQuery query{
      child,       group_mask, mode, kFirstStep, kstar, tb.extent[size_t(child)].data(), tb.moving.data(),
      c.num_moving};
  std::array<int, kMaxDims> inner{};  // temporal loops (factor > 1) inside the walk's position
  ImperfectSums memo;
  std::fill_n(memo.code.begin(), split.num_imp, ~uint64_t(0));
  auto imperfect_sums = [&](int step, int64_t& iu, int64_t& iw) {
    iu = iw = 1;
    query.step = step;
    for (int j = 0; j < split.num_imp; ++j) {
      const int ri = split.imp[size_t(j)];
      const RankInfo& r = ranks.r[size_t(ri)];
      uint64_t code = ~uint64_t(0);
      if (step >= 0 && r.ndims <= 8) {
        code = 0;
        for (int k = 0; k < r.ndims; ++k) {
          const int d = r.dims[size_t(k)];
          code = code << 8 | uint64_t(2 * inner[size_t(d)] + (n.loops[size_t(step)].dim == d ? 1 : 0));
        }
      }
      if (code == ~uint64_t(0) || code != memo.code[size_t(j)]) {
        if (j < int(c.base.size()) && step < 0 && c.num_dim_loops[size_t(j)] >= 0 &&
            closed_sums(n, r, tb.dim_moving[size_t(r.dims[0])].data(), c.num_dim_loops[size_t(j)],
                        tb.extent[size_t(child)][size_t(r.dims[0])], kstar, group_mask, mode, step,
                        memo.su[size_t(j)], memo.sw[size_t(j)])) {
          // a closed form
        } else if (j < int(c.base.size())) {
          if (!c.base_ready[size_t(j)]) {
            make_rank_key_base(ranks, ri, n, query, c.base[size_t(j)]);
            c.base_ready[size_t(j)] = true;
          }
          rank_sums(ranks, ri, n, query, c.base[size_t(j)], code, memo.su[size_t(j)], memo.sw[size_t(j)]);
        } else
          rank_sums(ranks, ri, n, query, memo.su[size_t(j)], memo.sw[size_t(j)]);
        memo.code[size_t(j)] = code;
      }
      iu = checked_mul(iu, memo.su[size_t(j)], "transfers");
      iw = checked_mul(iw, memo.sw[size_t(j)], "transfers");
    }
  };

  int64_t iu = 1, iw = 1;
  if (mode == TransferMode::Stream) {
    // Every step of every instance holds its tile: prod_r (sum of U_r over the states).
    imperfect_sums(kFirstStep, iu, iw);
    return checked_mul(checked_mul(checked_mul(prod_u, pp[size_t(end)], "transfers"), pinst, "transfers"), iu,
                       "transfers");
  }
  // The killing loop and every loop outside it move its rank by at least its tile, so their
  // transitions with the first (last) tile sum to prod_r (sum of U_r over the states down to it);
  // without a killing loop, the first (last) tile alone.
  imperfect_sums(kstar < 0 ? kFirstStep : kStatesStep, iu, iw);
  const int64_t states = kstar < 0 ? pinst : checked_mul(pinst, pp[size_t(kstar + 1)], "context count");
  int64_t total = checked_mul(checked_mul(prod_u, states, "transfers"), iu, "transfers");
  // The kinds inside the killing loop, one by one: temporal loop k advances while the temporal
  // loops inside it wrap (`moved`: their dimensions). None of them moves a perfect one-dimension
  // rank (that loop would be the killing loop), so such a rank keeps W = U; a perfect window rank
  // that moved keeps what its shifted interval overlaps (the perfect walk's lattice of pieces).
  std::array<int64_t, kMaxDims> inner_ob{};  // where each dimension's inner loops stand before wrapping
  uint32_t moved = 0;
  const uint32_t matters = ranks.relevant_dims | split.imperfect;
  for (int j = c.num_moving - 1; j >= 0 && tb.moving[size_t(j)] > kstar; --j) {
    const int k = tb.moving[size_t(j)];
    const auto& l = n.loops[size_t(k)];
    if (l.spatial) continue;
    moved |= 1u << l.dim;
    if (moved & matters) {
      const bool mine = !(imp_dims >> l.dim & 1u);
      const int64_t contexts = checked_mul(
          checked_mul(pp[size_t(k)], mine ? l.factor - 1 : 1, "context count"), pinst, "context count");
      // Perfect one-dimension ranks keep W = U here; a window rank that moved has W = U - V.
      int64_t prod_w = prod_u;
      for (int q = 0; q < c.num_multi; ++q) {
        const int ri = c.multi[size_t(q)];
        if (!(ranks.dim_mask[size_t(ri)] & moved)) continue;
        const RankInfo& r = ranks.r[size_t(ri)];
        int64_t shift = 0;  // new - old position of the rank's interval
        for (int kk = 0; kk < r.ndims; ++kk) {
          const int d = r.dims[size_t(kk)];
          shift += r.coef[size_t(kk)] * ((d == l.dim ? l.stride : 0) - inner_ob[size_t(d)]);
        }
        const int64_t a = c.scale[size_t(ri)];
        const int64_t len = c.len[size_t(ri)];
        const int64_t dist = shift < 0 ? -shift : shift;
        const int64_t piece = a == 1 ? std::min(dist, len) : dist % a != 0 ? len : std::min(dist / a, len);
        const int64_t gv = lattice_size(gt.data() + gb[size_t(ri)], ge[size_t(ri)] - gb[size_t(ri)], piece);
        if (gv < 0) return -1;
        // W replaces this rank's U in the product (U >= 1 divides it).
        prod_w = checked_mul(prod_w / U[size_t(ri)], U[size_t(ri)] - gv, "transfers");
      }
      imperfect_sums(k, iu, iw);
      const int64_t kind = checked_mul(prod_u, iu, "transfers") - checked_mul(prod_w, iw, "transfers");
      total = checked_add(total, checked_mul(kind, contexts, "transfers"), "transfers");
    }
    inner_ob[size_t(l.dim)] += (l.factor - 1) * l.stride;
    ++inner[size_t(l.dim)];
  }
  return total;
}

}  // namespace coda::model
