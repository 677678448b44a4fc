#pragma once
// Exact data-movement counts of a mapped loop nest (docs/model.md §2-§4). These functions are the
// analytical counterpart of the exhaustive walker in sim/: they must agree with it exactly.
//
// Semantics, per tensor and per storage level j that holds it:
//  * An instance of level j holds, during one iteration of the temporal loops above j, the
//    *tile*: the tensor coordinates touched by all loops at levels >= j, clipped to the bounds.
//  * Between consecutive iterations only the part of the new tile that the old tile does not
//    hold is transferred (a fill), and for outputs the part of the old tile the new one does not
//    hold is drained. An instance with no work in an iteration (imperfect factors) holds nothing.
//  * Children that differ only in "group" spatial loops are served together: one transfer per
//    distinct coordinate (multicast for inputs, spatial reduction for outputs).
// Every count is an exact sum over the whole execution, computed without walking it: the nest
// factorises per dimension and per tensor rank (docs/model.md §3 gives the derivation).
#include <array>
#include <cstdint>

#include "coda/model/nest.hpp"
#include "coda/workload/problem.hpp"

namespace coda::model {

// One rank of a tensor as the counting sees it: the dimensions it sums (coefficient > 0), or a
// "pseudo rank" for a dimension the tensor does not depend on (its set is {0} while the instance
// has work in that dimension, empty otherwise: an idle instance holds nothing).
// (Arrays are deliberately left uninitialised: only the first ndims / count entries are used, and
// zeroing kilobytes per call dominated the evaluation time.)
struct RankInfo {
  int ndims = 0;
  std::array<int, kMaxDims> dims;
  std::array<int64_t, kMaxDims> coef;
  bool pseudo = false;
};

struct Ranks {
  int count = 0;
  std::array<RankInfo, 2 * kMaxDims> r;
  // Summaries for the perfect-nest shortcuts (perfect_counts.hpp), set by build_ranks.
  std::array<int8_t, kMaxDims> rank_of_dim;     ///< the rank a dimension belongs to (pseudo included)
  std::array<uint32_t, 2 * kMaxDims> dim_mask;  ///< bit d set if dimension d is in rank k
  uint32_t single_dims = 0;                     ///< dimensions of one-dimension (non-pseudo) ranks
  uint32_t relevant_dims = 0;                   ///< dimensions of all non-pseudo ranks
  int num_multi = 0;                            ///< ranks over several dimensions (sliding windows)
  std::array<int8_t, kMaxDims> multi;
  /// The coefficient of a dimension in its rank as the shortcuts count it (1 for a one-dimension
  /// rank, whose coordinates are the dimension's), 0 if no real rank depends on the dimension.
  std::array<int64_t, kMaxDims> dim_coef;
  int num_real = 0;  ///< ranks that are not pseudo ranks
  std::array<int8_t, 2 * kMaxDims> real;
};

/// The ranks of one tensor as the counting sees them (built once per tensor and evaluation).
void build_ranks(const workload::Problem& p, int tensor, Ranks& out);

enum class TransferMode {
  Fill,    ///< words entering child instances: sum over iterations of |new \ old| (+ first tile)
  Drain,   ///< words leaving child instances: sum over iterations of |old \ new| (+ last tile)
  Stream,  ///< children that retain nothing (MAC units): sum over iterations of |tile|
};

/// Words transferred between the instances of `child_level` (num_levels = the MAC units) and
/// their parent over the whole execution, summed over child instances except that children
/// differing only in the spatial loops of `group_mask` (bit k = nest loop k) share a transfer.
int64_t count_transfers(const workload::Problem& p, const Nest& n, int tensor, int child_level,
                        uint64_t group_mask, TransferMode mode);

/// Same, with the tensor's ranks already built.
int64_t count_transfers(const Ranks& ranks, const Nest& n, int child_level, uint64_t group_mask,
                        TransferMode mode);

/// Kinds of step for rank_sums besides a temporal loop's index (docs/model.md §3).
inline constexpr int kFirstStep = -1;   ///< Fill: the first tile; Drain: the last; Stream: every step
inline constexpr int kStatesStep = -2;  ///< the executed states of the temporal loops down to `kstar`

/// What rank_sums is asked: the instances of `child` level (num_levels = the MAC units) with
/// `group_mask` as in count_transfers, in `mode`, for the contexts of kind of step `step`: a
/// temporal loop above the child (it advances while the loops inside it wrap), kFirstStep, or
/// kStatesStep with the killing loop `kstar`. `extent`: each dimension's tile extent at the child
/// (product of the factors of the loops of levels >= child, NestTables::extent); `moving`: the
/// nest's loops of factor > 1 above the child, in nest order (NestTables::moving).
struct RankSumQuery {
  int child;
  uint64_t group_mask;
  TransferMode mode;
  int step;
  int kstar;
  const int64_t* extent;
  const int8_t* moving;
  int num_moving;
};

/// One rank's two sums over the contexts of one kind of step of the general counting: of U_r and
/// of U_r - V_r (docs/model.md §3, fact 3). Computed by the general counting's own code and kept
/// in a per-thread cache like its own (set_rank_sum_cache turns both off), keyed by a base
/// (below) made for this query alone; a key too long for a base is computed every time.
void rank_sums(const Ranks& ranks, int rank, const Nest& n, const RankSumQuery& q, int64_t& sum_u,
               int64_t& sum_w);

/// The part of rank_sums' cache key that depends on one rank and one child level only (its
/// dimensions' bounds, extents and moving loops above the child, and where the killing loop
/// leaves them), worked out once and shared by every query of a walk over that child: a query
/// then adds two words (mode, kind of step, which of the rank's spatial loops are group loops,
/// and its relation code) instead of scanning the loops.
inline constexpr int kBaseWords = 14;  // a header, the loops, two words per dimension
struct RankKeyBase {
  int len;  ///< -1: the rank does not fit a base (its sums are then not cached)
  std::array<int64_t, kBaseWords> w;
  uint64_t hash;  ///< FNV-1a state after w
  int num_spatial;
  std::array<int8_t, 16> spatial;  ///< nest indices of the rank's spatial loops above the child
};

/// The base of rank `rank` for q.child, q.extent, q.moving, q.num_moving and q.kstar.
void make_rank_key_base(const Ranks& ranks, int rank, const Nest& n, const RankSumQuery& q, RankKeyBase& out);

/// rank_sums with a base from make_rank_key_base (len >= 0) for the same rank, child and killing
/// loop. `rel_code` tells the query's relation for a temporal-loop step: per dimension of the rank
/// (outermost byte first), 2 x (its temporal loops of factor > 1 between the step and the child)
/// + (1 if the step is its own); 0 for kFirstStep and kStatesStep.
void rank_sums(const Ranks& ranks, int rank, const Nest& n, const RankSumQuery& q, const RankKeyBase& base,
               uint64_t rel_code, int64_t& sum_u, int64_t& sum_w);

/// The general counting keeps the per-rank sums of earlier calls in a per-thread cache keyed by
/// everything they depend on (transfers.cpp, RankSumEntry); on by default. Turning it off (for
/// this thread) is for tests that check a cached result equals a computed one.
void set_rank_sum_cache(bool on);

/// Largest tile of `tensor` held by one instance of `level` (words).
int64_t tile_footprint(const workload::Problem& p, const Nest& n, int tensor, int level);
int64_t tile_footprint(const Ranks& ranks, const Nest& n, int level);

/// Number of executed iterations of all temporal loops (each is one step of every MAC unit).
int64_t count_compute_steps(const Nest& n);

/// Empty if coda's factorised counting supports the tensor's projection (each dimension appears in
/// at most one rank, with positive coefficients); otherwise why not.
const char* unsupported_projection(const workload::Problem& p, int tensor);

}  // namespace coda::model
