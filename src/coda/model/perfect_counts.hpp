#pragma once
// The counts of transfers.hpp for perfectly factored nests (every dimension's factors multiply
// to its bound, as the mapper produces by default), in a few operations per loop instead of a
// union computation per rank and loop. The shortcuts and why they are exact are in
// docs/model.md §3 ("Perfect nests in O(loops)"); whenever one does not apply (a rank whose tile
// or group union is not an interval), the functions say so and the caller uses count_transfers.
#include <array>
#include <cstdint>

#include "coda/model/nest.hpp"
#include "coda/model/transfers.hpp"

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
};

void build_tables(const Nest& n, NestTables& out);

/// Each rank's set in the tile of one instance of a level: `len` elements spaced `scale` apart in
/// the rank's coordinates (an interval when scale = 1; a window rank such as 4*P + R whose R
/// extent is 1 at this level has scale 4). Pseudo ranks: len 1. Only the first ranks.count entries
/// are set.
struct RankLengths {
  std::array<int64_t, 2 * kMaxDims> len;
  std::array<int64_t, 2 * kMaxDims> scale;
};

/// Fills `len` and returns true when every rank's tile set is an arithmetic progression (then the
/// tile size is the product of the lengths); false otherwise (use tile_footprint).
bool rank_lengths(const Ranks& ranks, const Nest& n, const NestTables& tb, int level, RankLengths& len);

/// count_transfers(ranks, n, child, group_mask, mode) for a perfect nest, given the rank lengths
/// at `child` (from rank_lengths). Returns -1 when the shortcut does not apply; the caller then
/// uses count_transfers. Every dimension of the nest must be perfectly factored.
int64_t perfect_count(const Ranks& ranks, const Nest& n, const NestTables& tb, const RankLengths& len,
                      int child, uint64_t group_mask, TransferMode mode);

}  // namespace coda::model
