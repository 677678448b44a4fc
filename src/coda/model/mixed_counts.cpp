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

// The product over the ranks that touch an imperfect dimension of their sums for one kind of
// step, with each rank's sums remembered for the last relation it was asked under: walking the
// loops outwards, a rank's relation changes only at its own dimensions' loops.
struct ImperfectRanks {
  int count = 0;
  std::array<int8_t, 2 * kMaxDims> rank;
  std::array<uint64_t, 2 * kMaxDims> code;  // relation code of the remembered sums (~0: none)
  std::array<int64_t, 2 * kMaxDims> su, sw;
};

}  // namespace

int64_t mixed_count(const Ranks& ranks, const Nest& n, const NestTables& tb, int child, uint64_t group_mask,
                    TransferMode mode) {
  const int end = n.level_begin[size_t(child)];  // loops above the child (level_begin[L] = num_loops)
  uint32_t imperfect = 0;
  for (int d = 0; d < n.num_dims; ++d)
    if (!n.perfect[size_t(d)]) imperfect |= 1u << d;

  // Ranks that touch an imperfect dimension (pseudo ranks included: an idle instance holds
  // nothing) are summed over their contexts by rank_sums; their dimensions' loops are theirs.
  ImperfectRanks imp;
  uint32_t imp_dims = 0;
  for (int ri = 0; ri < ranks.count; ++ri)
    if (ranks.dim_mask[size_t(ri)] & imperfect) {
      imp.rank[size_t(imp.count)] = int8_t(ri);
      imp.code[size_t(imp.count)] = ~uint64_t(0);
      ++imp.count;
      imp_dims |= ranks.dim_mask[size_t(ri)];
    }

  // The other ranks ("perfect ranks": every dimension perfectly factored) are never clipped: their
  // contexts are translates of the first tile, counted by products of factors. pp[k]: product of
  // the temporal factors of loops 0..k-1 over their dimensions; pinst: their non-group spatial
  // instances; group loops over them add lattice terms (one-dimension ranks count in their
  // dimension's coordinates, docs/model.md §3 "Group lattice").
  std::array<int64_t, kMaxLoops + 1> pp;
  pp[0] = 1;
  int64_t pinst = 1;
  std::array<Term, kMaxLoops> gt;
  std::array<int8_t, kMaxLoops> g_rank;
  int ng = 0;
  std::array<int, kMaxDims> temporal_of{};  // temporal loops (factor > 1) above the child per dim
  for (int k = 0; k < end; ++k) {
    const auto& l = n.loops[size_t(k)];
    const bool mine = !(imp_dims >> l.dim & 1u);
    pp[size_t(k + 1)] = pp[size_t(k)];
    if (l.factor == 1) continue;
    if (!l.spatial) {
      ++temporal_of[size_t(l.dim)];
      if (mine) pp[size_t(k + 1)] = checked_mul(pp[size_t(k)], l.factor, "context count");
    } else if (mine) {
      if (!(group_mask >> k & 1u)) {
        pinst = checked_mul(pinst, l.factor, "instances");
      } else if (const int64_t coef = ranks.dim_coef[size_t(l.dim)]; coef != 0) {
        gt[size_t(ng)] = {coef * l.stride, l.factor - 1};
        g_rank[size_t(ng)] = ranks.rank_of_dim[size_t(l.dim)];
        ++ng;
      }
    }
  }

  // Per perfect real rank: its tile's length and step (RankLengths), its group terms (sorted, in
  // units of the step) and U, the size of the members' union.
  const auto& ext = tb.extent[size_t(child)];
  std::array<int64_t, 2 * kMaxDims> len, scale, U;
  std::array<Term, kMaxLoops> sorted;
  std::array<int8_t, 2 * kMaxDims> gb, ge;
  int64_t prod_u = 1;
  int nsorted = 0;
  for (int q = 0; q < ranks.num_real; ++q) {
    const int ri = ranks.real[size_t(q)];
    if (ranks.dim_mask[size_t(ri)] & imp_dims) continue;
    const RankInfo& r = ranks.r[size_t(ri)];
    scale[size_t(ri)] = 1;
    if (r.ndims == 1) {
      len[size_t(ri)] = ext[size_t(r.dims[0])];  // within the bound: the dimension is perfect
    } else {
      std::array<Term, kMaxDims> t;
      int nt = 0;
      for (int k = 0; k < r.ndims; ++k) {
        const int64_t e = ext[size_t(r.dims[size_t(k)])];
        if (e > 1) t[size_t(nt++)] = {r.coef[size_t(k)], e - 1};
      }
      if (nt <= 1) {
        len[size_t(ri)] = nt ? t[0].ext + 1 : 1;
        scale[size_t(ri)] = nt ? t[0].coef : 1;
      } else {
        sort_terms(t.data(), nt);
        const int64_t l = lattice_size(t.data(), nt, 1);
        if (l < 0 || l != span_of(t.data(), nt) + 1) return -1;  // not an interval: no shift arithmetic
        len[size_t(ri)] = l;
      }
    }
    gb[size_t(ri)] = int8_t(nsorted);
    const int64_t a = scale[size_t(ri)];
    for (int g = 0; g < ng; ++g) {
      if (g_rank[size_t(g)] != ri) continue;
      Term t = gt[size_t(g)];
      if (t.coef % a != 0) return -1;
      t.coef /= a;
      sorted[size_t(nsorted++)] = t;
    }
    ge[size_t(ri)] = int8_t(nsorted);
    sort_terms(sorted.data() + gb[size_t(ri)], nsorted - gb[size_t(ri)]);
    const int64_t u = lattice_size(sorted.data() + gb[size_t(ri)], nsorted - gb[size_t(ri)], len[size_t(ri)]);
    if (u < 0) return -1;
    U[size_t(ri)] = u;
    prod_u = checked_mul(prod_u, u, "transfers");
  }

  // Product over the imperfect ranks of their two sums for kind `step`; relation codes as in
  // rank_sums (per dimension: temporal loops outside the step, and whether it is the dimension's).
  std::array<int, kMaxDims> inner{};  // temporal loops (factor > 1) inside the walk's position
  int kstar = -1;
  auto imperfect_sums = [&](int step, int64_t& iu, int64_t& iw) {
    iu = iw = 1;
    for (int j = 0; j < imp.count; ++j) {
      const int ri = imp.rank[size_t(j)];
      const RankInfo& r = ranks.r[size_t(ri)];
      uint64_t code = ~uint64_t(0);
      if (step >= 0 && r.ndims <= 8) {
        code = 0;
        for (int k = 0; k < r.ndims; ++k) {
          const int d = r.dims[size_t(k)];
          const bool self = n.loops[size_t(step)].dim == d;
          const uint64_t rel = uint64_t(2 * (temporal_of[size_t(d)] - inner[size_t(d)] - self) + self);
          code = code << 8 | rel;
        }
      }
      if (code == ~uint64_t(0) || code != imp.code[size_t(j)]) {
        rank_sums(ranks, ri, n, child, group_mask, mode, step, kstar, imp.su[size_t(j)], imp.sw[size_t(j)]);
        imp.code[size_t(j)] = code;
      }
      iu = checked_mul(iu, imp.su[size_t(j)], "transfers");
      iw = checked_mul(iw, imp.sw[size_t(j)], "transfers");
    }
  };

  int64_t iu = 1, iw = 1;
  if (mode == TransferMode::Stream) {
    // Every step of every instance holds its tile: prod_r (sum of U_r over the states).
    imperfect_sums(kFirstStep, iu, iw);
    return checked_mul(checked_mul(checked_mul(prod_u, pp[size_t(end)], "transfers"), pinst, "transfers"), iu,
                       "transfers");
  }
  // The killing loop (docs/model.md §3): the innermost temporal loop above the child over a
  // perfectly factored dimension that is a one-dimension rank of the tensor. It and every loop
  // outside it move that rank by at least its tile, so their transitions with the first (last)
  // tile sum to prod_r (sum of U_r over the states down to it).
  for (int k = end - 1; k >= 0 && kstar < 0; --k) {
    const auto& l = n.loops[size_t(k)];
    if (l.spatial || l.factor == 1 || !n.perfect[size_t(l.dim)]) continue;
    const int ri = ranks.rank_of_dim[size_t(l.dim)];
    if (ri >= 0 && ranks.r[size_t(ri)].ndims == 1 && !ranks.r[size_t(ri)].pseudo) kstar = k;
  }
  imperfect_sums(kstar < 0 ? kFirstStep : kStatesStep, iu, iw);
  int64_t total = checked_mul(
      checked_mul(prod_u, kstar < 0 ? pinst : checked_mul(pinst, pp[size_t(kstar + 1)], "context count"),
                  "transfers"),
      iu, "transfers");
  // The kinds inside the killing loop, one by one: temporal loop k advances while the temporal
  // loops inside it wrap (`moved`: their dimensions). None of them moves a perfect one-dimension
  // rank (that loop would be the killing loop), so such a rank keeps W = U; a perfect window rank
  // that moved keeps what its shifted interval overlaps (the perfect walk's lattice of pieces).
  std::array<int64_t, kMaxDims> inner_ob{};  // where each dimension's inner loops stand before wrapping
  uint32_t moved = 0;
  const uint32_t matters = ranks.relevant_dims | imperfect;
  for (int k = end - 1; k > kstar; --k) {
    const auto& l = n.loops[size_t(k)];
    if (l.spatial || l.factor == 1) continue;
    moved |= 1u << l.dim;
    if (moved & matters) {
      const bool mine = !(imp_dims >> l.dim & 1u);
      const int64_t contexts = checked_mul(
          checked_mul(pp[size_t(k)], mine ? l.factor - 1 : 1, "context count"), pinst, "context count");
      int64_t prod_w = 1;
      for (int q = 0; q < ranks.num_real; ++q) {
        const int ri = ranks.real[size_t(q)];
        if (ranks.dim_mask[size_t(ri)] & imp_dims) continue;
        int64_t w = U[size_t(ri)];
        if (ranks.dim_mask[size_t(ri)] & moved) {
          const RankInfo& r = ranks.r[size_t(ri)];
          int64_t shift = 0;  // new - old position of the rank's interval
          for (int kk = 0; kk < r.ndims; ++kk) {
            const int d = r.dims[size_t(kk)];
            shift += r.coef[size_t(kk)] * ((d == l.dim ? l.stride : 0) - inner_ob[size_t(d)]);
          }
          const int64_t a = scale[size_t(ri)];
          const int64_t dist = shift < 0 ? -shift : shift;
          const int64_t piece = a == 1          ? std::min(dist, len[size_t(ri)])
                                : dist % a != 0 ? len[size_t(ri)]
                                                : std::min(dist / a, len[size_t(ri)]);
          const int64_t gv =
              lattice_size(sorted.data() + gb[size_t(ri)], ge[size_t(ri)] - gb[size_t(ri)], piece);
          if (gv < 0) return -1;
          w = U[size_t(ri)] - gv;
        }
        prod_w = checked_mul(prod_w, w, "transfers");
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
