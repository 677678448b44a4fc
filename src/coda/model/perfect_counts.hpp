#pragma once
// The counts of transfers.hpp for perfectly factored nests (every dimension's factors multiply
// to its bound, as the mapper produces by default), in a few operations per loop instead of a
// union computation per rank and loop. The shortcuts and why they are exact are in
// docs/model.md §3 ("Perfect nests in O(loops)"); whenever one does not apply (a tile that is not
// a product of progressions, a group lattice whose copies partly overlap), the functions say so and
// the caller uses count_transfers.
#include <array>
#include <cstdint>

#include "coda/model/machine.hpp"
#include "coda/model/nest.hpp"
#include "coda/model/transfers.hpp"
#include "coda/workload/problem.hpp"

namespace coda::model {

/// Facts of one nest shared by every (tensor, level) count of an evaluation.
struct NestTables {
  /// extent[c][d]: product of the factors of dimension d over the loops of levels >= c; c =
  /// num_levels (the MAC units) has all 1. Only the first num_dims entries are set.
  std::array<std::array<int64_t, kMaxDims>, kMaxLevels + 1> extent;
  /// temporal_prefix[k]: product of the temporal factors of nest loops 0..k-1.
  std::array<int64_t, kMaxLoops + 1> temporal_prefix;
  /// spatial_above[c]: product of the spatial factors of the loops of levels < c.
  std::array<int64_t, kMaxLevels + 1> spatial_above;
  /// The loops of factor > 1 (the only ones that move a tile or add an instance), in nest order:
  /// moving[0..num_moving). This and the two lists below are built on request (build_tables).
  int num_moving;
  std::array<int8_t, kMaxLoops> moving;
  /// moving_above[c]: how many of them lie above level c (c = num_levels: all).
  std::array<int, kMaxLevels + 1> moving_above;
  /// Per dimension d, its moving loops: dim_moving[d][0..num_dim_moving[d]).
  std::array<int, kMaxDims> num_dim_moving;
  std::array<std::array<int8_t, kMaxLoops>, kMaxDims> dim_moving;
  /// The spatial ones among them: spatial_moving[0..num_spatial_moving).
  int num_spatial_moving;
  std::array<int8_t, kMaxLoops> spatial_moving;
};

/// `moving`: also the lists of moving loops (build_moving; what mixed_counts walks, which perfect
/// nests need only where a shortcut declines). Without them num_moving is -1.
void build_tables(const Nest& n, NestTables& out, bool moving = true);
void build_moving(const Nest& n, NestTables& out);

/// Each rank's set in the tile of one instance of a level: `len` elements spaced `scale` apart in
/// the rank's coordinates (an interval when scale = 1; a window rank such as 4*P + R whose R
/// extent is 1 at this level has scale 4). Only the entries of real ranks (Ranks::real) are set:
/// a pseudo rank's set is one element.
struct RankLengths {
  std::array<int64_t, 2 * kMaxDims> len;
  std::array<int64_t, 2 * kMaxDims> scale;
  int64_t size;         ///< the tile: product of len over the ranks
  int64_t single_size;  ///< product of len over the one-dimension ranks
};

/// Fills `len` and returns true when every rank's tile set is an arithmetic progression (then the
/// tile size is the product of the lengths); false otherwise (use tile_footprint).
bool rank_lengths(const Ranks& ranks, const Nest& n, const NestTables& tb, int level, RankLengths& len);

/// perfect_count for several group masks (at most 2) at once: out[q] for group_masks[q], -1 where
/// the shortcut does not apply. The walk over the loops is shared, which is why the model asks
/// for a child's own fills and its parent's (multicast) reads in one call.
void perfect_counts(const Ranks& ranks, const Nest& n, const NestTables& tb, const RankLengths& len,
                    int child, const uint64_t* group_masks, int num, TransferMode mode, int64_t* out);

/// The same from the extents (at most the bounds) of the tile per dimension.
bool rank_lengths(const Ranks& ranks, const int64_t* extent, const int64_t* bound, RankLengths& len);

/// Rank lengths that depend on the problem alone: in a perfect nest the outermost level's tile is
/// the whole tensor and a MAC unit's is one point, whatever the mapping.
struct FixedLengths {
  void build(const workload::Problem& p, const Ranks* ranks);  ///< one Ranks per tensor
  std::array<RankLengths, kMaxTensors> whole, point;
  std::array<bool, kMaxTensors> whole_ok{}, point_ok{};
};

/// count_transfers(ranks, n, child, group_mask, mode) for a perfect nest, given the rank lengths
/// at `child` (from rank_lengths). Returns -1 when the shortcut does not apply; the caller then
/// uses count_transfers. Every dimension of the nest must be perfectly factored.
int64_t perfect_count(const Ranks& ranks, const Nest& n, const NestTables& tb, const RankLengths& len,
                      int child, uint64_t group_mask, TransferMode mode);

/// What one evaluation works out once per nest and shares between the capacity check and the
/// counts: whether every dimension is perfectly factored, the tables, and each (tensor, level)'s
/// rank lengths, computed on first use. Large and deliberately not zeroed; reset() per nest.
class NestFacts {
 public:
  /// `fixed` (optional, must outlive the facts) serves the outermost level and the MAC units.
  void reset(const Nest& n, const FixedLengths* fixed = nullptr);
  /// The rank lengths of `tensor` (whose ranks are `ranks`) at `level` (num_levels = MAC units),
  /// or nullptr when the tile is not a product of progressions. In an imperfect nest they describe
  /// the tile at the origin (extents clipped to the bounds), the largest one, which is what the
  /// capacity check and `tile` need; the perfect_counts shortcuts take them for perfect nests only.
  const RankLengths* lengths(const Ranks& ranks, const Nest& n, int tensor, int level) {
    const int8_t st = state_[size_t(tensor)][size_t(level)];
    if (st == 0) return compute(ranks, n, tensor, level);
    return st > 0 ? &len_[size_t(tensor)][size_t(level)] : nullptr;
  }

  bool perfect = false;
  /// Built for every nest: spatial_above, extent (products of factors, not clipped) and the
  /// products of temporal_prefix hold whether or not the factors are perfect; reading
  /// temporal_prefix as executed steps holds only when they are.
  NestTables tb;

 private:
  const RankLengths* compute(const Ranks& ranks, const Nest& n, int tensor, int level);

  const FixedLengths* fixed_ = nullptr;
  std::array<std::array<RankLengths, kMaxLevels + 1>, kMaxTensors> len_;
  std::array<std::array<int8_t, kMaxLevels + 1>, kMaxTensors> state_;
};

}  // namespace coda::model
