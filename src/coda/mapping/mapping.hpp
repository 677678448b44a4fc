#pragma once
// A Mapping is the *schedule* of one Problem on one machine (design.md §3 "Mapping"): for each
// storage level, outermost first, the temporal loops at that level (outer to inner), the spatial
// loops that distribute work over that level's children (X or Y axis of the children's mesh), and
// which tensors the level keeps (the others bypass it). It never changes the Problem (the
// algorithm); the same Problem can be evaluated under many Mappings.
//
// Loop-nest order (outer to inner): level 0 temporal, level 0 spatial, level 1 temporal, level 1
// spatial, ..., level L-1 temporal, level L-1 spatial, then the compute units. The spatial loops of
// level i pick a child instance (an instance of level i+1, or a MAC unit below the innermost level).
//
// Factors may be imperfect: the product of a dimension's factors may exceed its bound. Coordinates
// are the mixed-radix sum of the loop indices; iterations whose coordinates fall outside the bound
// are not executed (ceil tiling: the last tile is partial, empty tiles are skipped).
#include <cstdint>
#include <string>
#include <vector>

#include "coda/workload/problem.hpp"

namespace coda::mapping {

enum class Axis { X, Y };

struct Loop {
  int dim = 0;          ///< index into Problem::dim_names
  int64_t factor = 1;   ///< trip count (>= 1)
  Axis axis = Axis::X;  ///< spatial loops only
  bool operator==(const Loop&) const = default;
};

struct LevelMapping {
  std::vector<Loop> temporal;  ///< outer to inner
  std::vector<Loop> spatial;   ///< distribute over this level's children
  uint32_t keep = ~0u;         ///< bit t set: the level keeps tensor t of the Problem
  bool keeps(int tensor) const { return (keep >> tensor) & 1u; }
  bool operator==(const LevelMapping&) const = default;
};

struct Mapping {
  std::vector<LevelMapping> levels;  ///< outermost (DRAM) first; one per storage level
  bool operator==(const Mapping&) const = default;

  /// Product of all factors (temporal and spatial, all levels) of a dimension.
  int64_t factor_product(int dim) const;
  /// A hash of the whole value (for de-duplication in the mapper).
  uint64_t hash() const;
};

/// Human-readable loop nest, Timeloop-style:
///   DRAM
///   | for M in [0:4)
///   GlobalBuffer
///   | for C in [0:8)
///   |   spatial-X for P in [0:14)
/// `level_names` may be empty (levels are then called L0, L1, ...). Bypassed tensors are listed.
std::string to_loop_nest(const Mapping& m, const workload::Problem& p,
                         const std::vector<std::string>& level_names = {});

}  // namespace coda::mapping
