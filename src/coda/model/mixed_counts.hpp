#pragma once
// The counts of transfers.hpp for nests with imperfect factors (ceil tiling; the row-stationary
// mapper's P splits over the PE array), in one walk over the loops above the child instead of
// the general counting's tables per call. Only the ranks that touch an imperfectly factored
// dimension need their contexts summed (rank_sums, cached); every other rank is a product of
// translates and has the closed forms of the perfect walk. Derivation: docs/model.md §3
// ("Imperfect nests in O(loops)").
#include <array>
#include <cstdint>

#include "coda/model/nest.hpp"
#include "coda/model/perfect_counts.hpp"
#include "coda/model/transfers.hpp"

namespace coda::model {

/// What the walk needs of one tensor in one nest: which ranks touch an imperfectly factored
/// dimension, products of the other ranks' temporal factors, and per child level (worked out on
/// first use) those ranks' tile lengths and the killing loop. Large and deliberately not zeroed.
struct ImperfectSplit {
  uint32_t imperfect;  ///< bit d: dimension d is imperfectly factored
  uint32_t imp_dims;   ///< the dimensions of the ranks that touch one
  int num_imp;
  std::array<int8_t, 2 * kMaxDims> imp;  ///< those ranks
  int num_pr;
  std::array<int8_t, 2 * kMaxDims> pr;  ///< the other real (non-pseudo) ranks: "perfect ranks"
  /// Bit k: temporal loop k (factor > 1) runs over a perfectly factored dimension that is a
  /// one-dimension rank of the tensor, i.e. would be the killing loop of a child below it.
  uint64_t killers;
  /// pp[k]: product of the temporal factors of loops 0..k-1 over dimensions not in imp_dims.
  std::array<int64_t, kMaxLoops + 1> pp;
  struct Child {
    int8_t state;    ///< 0: not worked out yet; 1: done; -1: a perfect rank's tile is no interval
    int kstar;       ///< the killing loop (-1: none)
    int num_moving;  ///< NestTables::moving entries above the child
    std::array<int64_t, 2 * kMaxDims> len, scale;  ///< per perfect rank (RankLengths)
    int64_t prod_len;                              ///< product of len over the perfect ranks
    int num_multi;                                 ///< perfect ranks over several dimensions (windows)
    std::array<int8_t, 2 * kMaxDims> multi;
    /// rank_sums' key bases of the first four imperfect ranks (the others go without), built on
    /// first use (base_ready).
    std::array<RankKeyBase, 4> base;
    std::array<bool, 4> base_ready;
    /// Of those, the ones over one dimension: how many of its loops of factor > 1 lie above the
    /// child (NestTables::dim_moving), for the closed forms of the first tile, the states and
    /// Stream; -1 for the others.
    std::array<int, 4> num_dim_loops;
  };
  std::array<Child, kMaxLevels + 1> child;
};

void split_ranks(const Ranks& ranks, const Nest& n, ImperfectSplit& out);

/// count_transfers(ranks, n, child, group_mask, mode) for any nest (meant for imperfect ones;
/// `tb` from build_tables, `split` from split_ranks). Returns -1 when the walk does not apply (a
/// window rank over perfect dimensions whose tile or group lattice is not countable term by
/// term); the caller then uses count_transfers.
int64_t mixed_count(const Ranks& ranks, const Nest& n, const NestTables& tb, ImperfectSplit& split, int child,
                    uint64_t group_mask, TransferMode mode);

/// The same, working out the split itself.
int64_t mixed_count(const Ranks& ranks, const Nest& n, const NestTables& tb, int child, uint64_t group_mask,
                    TransferMode mode);

}  // namespace coda::model
