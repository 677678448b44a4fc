#pragma once
// The counts of transfers.hpp for nests with imperfect factors (ceil tiling; the row-stationary
// mapper's P splits over the PE array), in one walk over the loops above the child instead of
// the general counting's tables per call. Only the ranks that touch an imperfectly factored
// dimension need their contexts summed (rank_sums, cached); every other rank is a product of
// translates and has the closed forms of the perfect walk. Derivation: docs/model.md §3
// ("Imperfect nests in O(loops)").
#include <cstdint>

#include "coda/model/nest.hpp"
#include "coda/model/perfect_counts.hpp"
#include "coda/model/transfers.hpp"

namespace coda::model {

/// count_transfers(ranks, n, child, group_mask, mode) for any nest (meant for imperfect ones;
/// `tb` from build_tables). Returns -1 when the walk does not apply (a window rank over perfect
/// dimensions whose tile or group lattice is not countable term by term); the caller then uses
/// count_transfers.
int64_t mixed_count(const Ranks& ranks, const Nest& n, const NestTables& tb, int child, uint64_t group_mask,
                    TransferMode mode);

}  // namespace coda::model
