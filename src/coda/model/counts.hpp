#pragma once
// Access counts of one (Problem, Machine, Mapping): the exact integers that both the analytical
// model (compute_counts) and the exhaustive walker (sim::simulate) produce, so that the two can be
// compared field by field. Energy, time and everything derived are computed from these.
#include <array>
#include <cstdint>

#include "coda/mapping/mapping.hpp"
#include "coda/model/machine.hpp"
#include "coda/model/nest.hpp"
#include "coda/model/perfect_counts.hpp"
#include "coda/model/transfers.hpp"
#include "coda/workload/problem.hpp"

namespace coda::model {

/// Counts of one tensor at one storage level, summed over all instances of the level and over
/// the whole execution, in words (elements) of the tensor.
struct TensorLevelCounts {
  bool kept = false;
  int64_t tile = 0;  ///< largest tile one instance holds (before multiple buffering)
  /// Inputs/weights: words written into the level by its parent (level 0: 0, it is the source).
  /// Outputs: residencies begun (words that start a new residency in an instance; the first
  /// accumulation of each is a plain write, not a read-modify-write).
  int64_t fills = 0;
  /// Inputs/weights: words read to serve the children (one read per multicast group).
  /// Outputs: words read to drain partial sums to the parent (level 0: 0).
  int64_t reads = 0;
  int64_t updates = 0;  ///< outputs: accumulations received from the children (after reduction)
  int64_t rmw = 0;      ///< outputs: the updates that are read-modify-writes (= updates - fills)
  /// Words crossing the network below this level, counted once per child (inputs/weights: words
  /// received by children; outputs: words sent by children, before spatial reduction).
  int64_t deliveries = 0;
  bool operator==(const TensorLevelCounts&) const = default;
};

struct Counts {
  int num_levels = 0;
  int num_tensors = 0;
  std::array<std::array<TensorLevelCounts, kMaxTensors>, kMaxLevels> at{};
  int64_t macs = 0;           ///< executed iteration points (operations)
  int64_t compute_steps = 0;  ///< executed iterations of all temporal loops
  bool operator==(const Counts&) const = default;
};

/// Per level, its spatial loops of factor > 1 (bit k = nest loop k). Loops of factor 1 neither
/// group children nor change a count, so they are left out.
using SpatialBits = std::array<uint64_t, kMaxLevels>;
SpatialBits spatial_bits(const Nest& n);

/// Spatial loops (bit k = nest loop k) whose children share one transfer of `tensor` between
/// keeper level `parent` and `child` (num_levels = MAC units): the spatial loops (of factor > 1)
/// of levels [parent, child) whose network multicasts (inputs) or reduces (outputs) that tensor.
uint64_t group_mask(const workload::Problem& p, const Machine& m, const SpatialBits& bits, int tensor,
                    int parent, int child);
uint64_t group_mask(const workload::Problem& p, const Machine& m, const Nest& n, int tensor, int parent,
                    int child);

/// Analytical counts (transfers.hpp). The mapping must already be valid (model::check).
void compute_counts(const workload::Problem& p, const Machine& m, const mapping::Mapping& map, const Nest& n,
                    Counts& out);

/// Same, with each tensor's ranks already built (build_ranks; one entry per tensor).
void compute_counts(const workload::Problem& p, const Machine& m, const mapping::Mapping& map, const Nest& n,
                    const Ranks* ranks, Counts& out);

/// Same, with the nest's facts (perfect_counts.hpp) already reset for `n`, e.g. by the capacity
/// check, which computes the same tiles.
void compute_counts(const workload::Problem& p, const Machine& m, const mapping::Mapping& map, const Nest& n,
                    const Ranks* ranks, NestFacts& facts, Counts& out);

}  // namespace coda::model
