#include "coda/model/perfect_counts.hpp"

#include <algorithm>

#include "coda/common/checked.hpp"

namespace coda::model {
namespace {

// A term of a lattice sum: coefficient and extent - 1 (trivial, so arrays of it cost nothing).
struct Term {
  int64_t coef, ext;
};

// Insertion sort by coefficient: the term lists here hold a handful of entries.
void sort_terms(Term* t, int n) {
  for (int i = 1; i < n; ++i) {
    const Term x = t[i];
    int j = i - 1;
    while (j >= 0 && t[j].coef > x.coef) {
      t[j + 1] = t[j];
      --j;
    }
    t[j + 1] = x;
  }
}

// Size of {s + sum_k coef_k * i_k : s in [0, piece), i_k in [0, ext_k]}, or -1 when it cannot be
// had term by term. Terms sorted by coefficient; a piece is a term of coefficient 1, the smallest,
// so it comes first. Each term either extends an interval (coefficient <= span + 1: the copies
// touch or overlap, docs/model.md §3: contiguity test) or lays out disjoint copies of the set so
// far (coefficient > its span, e.g. a multicast group whose members are further apart than their
// tiles are long); anything in between overlaps partially and is left to the general counting.
int64_t lattice_size(const Term* t, int n, int64_t piece) {
  if (piece <= 0) return 0;
  int64_t span = piece - 1;  // the set lies in [0, span]
  int64_t size = piece;
  bool interval = true;
  for (int k = 0; k < n; ++k) {
    if (interval && t[k].coef <= span + 1) {
      span += t[k].coef * t[k].ext;
      size = span + 1;
    } else if (t[k].coef > span) {
      size = checked_mul(size, t[k].ext + 1, "transfers");
      span += t[k].coef * t[k].ext;
      interval = false;
    } else {
      return -1;
    }
  }
  return size;
}

// Largest element of the lattice with piece 1.
int64_t span_of(const Term* t, int n) {
  int64_t span = 0;
  for (int k = 0; k < n; ++k) span += t[k].coef * t[k].ext;
  return span;
}

}  // namespace

void build_tables(const Nest& n, NestTables& out) {
  const int L = n.num_levels;
  std::array<int64_t, kMaxDims> cur;
  std::fill_n(cur.begin(), n.num_dims, int64_t(1));
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
  int64_t sp = 1;
  int k = 0;
  for (int c = 0; c <= L; ++c) {
    for (; k < n.level_begin[size_t(c)]; ++k)
      if (n.loops[size_t(k)].spatial) sp = checked_mul(sp, n.loops[size_t(k)].factor, "instances");
    out.spatial_above[size_t(c)] = sp;
  }
}

bool rank_lengths(const Ranks& ranks, const Nest& n, const NestTables& tb, int level, RankLengths& len) {
  const auto& ext = tb.extent[size_t(level)];
  for (int ri = 0; ri < ranks.count; ++ri) {
    const RankInfo& r = ranks.r[size_t(ri)];
    len.scale[size_t(ri)] = 1;
    if (r.pseudo) {
      len.len[size_t(ri)] = 1;
      continue;
    }
    if (r.ndims == 1) {
      // A one-dimension rank is a bijective image of its dimension whatever the coefficient.
      const int d = r.dims[0];
      len.len[size_t(ri)] = std::min(ext[size_t(d)], n.bound[size_t(d)]);
      continue;
    }
    // The contiguity test of rank_interval (transfers.cpp) on [0, extent) per dimension.
    std::array<Term, kMaxDims> t;
    int nt = 0;
    for (int k = 0; k < r.ndims; ++k) {
      const int d = r.dims[size_t(k)];
      const int64_t e = std::min(ext[size_t(d)], n.bound[size_t(d)]);
      if (e > 1) t[size_t(nt++)] = {r.coef[size_t(k)], e - 1};
    }
    if (nt <= 1) {
      // One moving dimension at this level: coef * [0, e), a progression of step coef.
      len.len[size_t(ri)] = nt ? t[0].ext + 1 : 1;
      len.scale[size_t(ri)] = nt ? t[0].coef : 1;
      continue;
    }
    sort_terms(t.data(), nt);
    const int64_t size = lattice_size(t.data(), nt, 1);
    // The tile must be an interval for the shift arithmetic of perfect_count.
    if (size < 0 || size != span_of(t.data(), nt) + 1) return false;
    len.len[size_t(ri)] = size;
  }
  return true;
}

int64_t perfect_count(const Ranks& ranks, const Nest& n, const NestTables& tb, const RankLengths& len,
                      int child, uint64_t group_mask, TransferMode mode) {
  const int end = n.level_begin[size_t(child)];  // loops above the child (level_begin[L] = num_loops)
  // Children that differ only in the group loops share a transfer: one instance per combination of
  // the other spatial loops above the child, and per rank a lattice of member offsets.
  int64_t instances = tb.spatial_above[size_t(child)];
  std::array<Term, kMaxLoops> gt;  // group terms, grouped by rank
  std::array<int8_t, kMaxLoops> g_rank;
  int ng = 0;
  for (uint64_t g = group_mask; g; g &= g - 1) {
    const int k = __builtin_ctzll(g);
    const auto& l = n.loops[size_t(k)];
    instances /= l.factor;  // exact: group loops are spatial loops above the child
    const int ri = ranks.rank_of_dim[size_t(l.dim)];
    if (l.factor == 1 || ri < 0 || ranks.r[size_t(ri)].pseudo) continue;
    const RankInfo& r = ranks.r[size_t(ri)];
    int64_t coef = 1;  // a one-dimension rank counts in its dimension's coordinates
    if (r.ndims > 1)
      for (int q = 0; q < r.ndims; ++q)
        if (r.dims[size_t(q)] == l.dim) coef = r.coef[size_t(q)];
    gt[size_t(ng)] = {coef * l.stride, l.factor - 1};
    g_rank[size_t(ng)] = int8_t(ri);
    ++ng;
  }
  // Per rank: its group terms sorted by coefficient, [gb, ge) in `sorted`.
  std::array<Term, kMaxLoops> sorted;
  std::array<int8_t, 2 * kMaxDims> gb, ge;
  std::array<int64_t, 2 * kMaxDims> U;
  int64_t prod_u = 1, prod_single_u = 1;
  {
    int pos = 0;
    for (int ri = 0; ri < ranks.count; ++ri) {
      gb[size_t(ri)] = int8_t(pos);
      for (int q = 0; q < ng; ++q)
        if (g_rank[size_t(q)] == ri) sorted[size_t(pos++)] = gt[size_t(q)];
      ge[size_t(ri)] = int8_t(pos);
      const RankInfo& r = ranks.r[size_t(ri)];
      if (r.pseudo) {
        U[size_t(ri)] = 1;  // {0} for some member while any has work: all do in a perfect nest
        continue;
      }
      // A progression of step `scale` (see RankLengths): its group lattice must step in multiples
      // of it, and then everything is counted in units of the step.
      const int64_t a = len.scale[size_t(ri)];
      if (a != 1)
        for (int q = gb[size_t(ri)]; q < pos; ++q) {
          if (sorted[size_t(q)].coef % a != 0) return -1;
          sorted[size_t(q)].coef /= a;
        }
      sort_terms(sorted.data() + gb[size_t(ri)], pos - gb[size_t(ri)]);
      const int64_t u =
          lattice_size(sorted.data() + gb[size_t(ri)], pos - gb[size_t(ri)], len.len[size_t(ri)]);
      if (u < 0) return -1;
      U[size_t(ri)] = u;
      prod_u = checked_mul(prod_u, u, "transfers");
      if (r.ndims == 1) prod_single_u = checked_mul(prod_single_u, u, "transfers");
    }
  }
  if (mode == TransferMode::Stream)
    return checked_mul(checked_mul(prod_u, tb.temporal_prefix[size_t(end)], "transfers"), instances,
                       "transfers");

  // Fill (and Drain: equal for perfect nests, docs/model.md §3): the first tile, then per kind of
  // step (temporal loop k advancing while the loops inside it wrap) prefix[k] * (f_k - 1) contexts
  // that each transfer prod_u - prod_w words, w_r = U_r - V_r.
  int64_t total = prod_u;
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
        total = checked_add(total, checked_mul(prod_u, tb.temporal_prefix[size_t(k + 1)] - 1, "transfers"),
                            "transfers");
        break;
      }
      int64_t prod_w = prod_single_u;
      for (int q = 0; q < ranks.num_multi; ++q) {
        const int ri = ranks.multi[size_t(q)];
        const RankInfo& r = ranks.r[size_t(ri)];
        int64_t w = U[size_t(ri)];
        if (ranks.dim_mask[size_t(ri)] & moved) {
          int64_t shift = 0;  // new - old position of the rank's interval
          for (int kk = 0; kk < r.ndims; ++kk) {
            const int d = r.dims[size_t(kk)];
            shift += r.coef[size_t(kk)] * ((d == l.dim ? l.stride : 0) - inner_ob[size_t(d)]);
          }
          // Each member's new \ old is one interval of min(|shift|, len) elements at a fixed place
          // relative to the member, so the union over members is the same lattice sum. For a
          // progression of step a, a shift that is not a multiple of a leaves no overlap.
          const int64_t a = len.scale[size_t(ri)];
          const int64_t dist = shift < 0 ? -shift : shift;
          const int64_t piece = dist % a != 0 ? len.len[size_t(ri)] : std::min(dist / a, len.len[size_t(ri)]);
          const int64_t v =
              lattice_size(sorted.data() + gb[size_t(ri)], ge[size_t(ri)] - gb[size_t(ri)], piece);
          if (v < 0) return -1;
          w = U[size_t(ri)] - v;
        }
        prod_w = checked_mul(prod_w, w, "transfers");
      }
      total = checked_add(
          total,
          checked_mul(prod_u - prod_w, checked_mul(tb.temporal_prefix[size_t(k)], l.factor - 1, "transfers"),
                      "transfers"),
          "transfers");
    }
    inner_ob[size_t(l.dim)] += (l.factor - 1) * l.stride;
  }
  return checked_mul(total, instances, "transfers");
}

}  // namespace coda::model
