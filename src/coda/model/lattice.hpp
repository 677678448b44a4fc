#pragma once
// Sizes of lattice unions of intervals (docs/model.md §3, "Group lattice"): shared by the O(loops)
// counting of perfect nests (perfect_counts.cpp) and of imperfect ones (mixed_counts.cpp).
#include <cstdint>

#include "coda/common/checked.hpp"

namespace coda::model::lattice {

// A term of a lattice sum: coefficient and extent - 1 (trivial, so arrays of it cost nothing).
struct Term {
  int64_t coef, ext;
};

// Insertion sort by coefficient: the term lists here hold a handful of entries.
inline void sort_terms(Term* t, int n) {
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

// Insertion sort of group terms by (rank, coefficient), so that each rank's terms are one run.
inline void sort_terms_by_rank(Term* t, int8_t* rank, int n) {
  for (int i = 1; i < n; ++i) {
    const Term x = t[i];
    const int8_t xr = rank[i];
    int j = i - 1;
    while (j >= 0 && (rank[j] > xr || (rank[j] == xr && t[j].coef > x.coef))) {
      t[j + 1] = t[j];
      rank[j + 1] = rank[j];
      --j;
    }
    t[j + 1] = x;
    rank[j + 1] = xr;
  }
}

// Size of {s + sum_k coef_k * i_k : s in [0, piece), i_k in [0, ext_k]}, or -1 when it cannot be
// had term by term. Terms sorted by coefficient; a piece is a term of coefficient 1, the smallest,
// so it comes first. Each term either extends an interval (coefficient <= span + 1: the copies
// touch or overlap, docs/model.md §3: contiguity test) or lays out disjoint copies of the set so
// far (coefficient > its span, e.g. a multicast group whose members are further apart than their
// tiles are long); anything in between overlaps partially and is left to the general counting.
inline int64_t lattice_size(const Term* t, int n, int64_t piece) {
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
inline int64_t span_of(const Term* t, int n) {
  int64_t span = 0;
  for (int k = 0; k < n; ++k) span += t[k].coef * t[k].ext;
  return span;
}

}  // namespace coda::model::lattice
