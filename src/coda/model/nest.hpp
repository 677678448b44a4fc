#pragma once
// The flattened loop nest of a (Problem, Mapping) pair: every loop of every level in nest order
// (level 0 temporal, level 0 spatial, level 1 temporal, ...), with the mixed-radix stride of each
// loop within its dimension. Fixed-size so that building it allocates nothing.
#include <array>
#include <cstdint>
#include <string>

#include "coda/mapping/mapping.hpp"
#include "coda/model/machine.hpp"
#include "coda/workload/problem.hpp"

namespace coda::model {

inline constexpr int kMaxLoops = 64;

// FlatLoop has no default member initialisers, and Nest::loops is not zeroed: only the first
// num_loops entries are ever read, and clearing 64 of them on every evaluation showed in profiles.
struct FlatLoop {
  int dim;
  int level;
  bool spatial;
  mapping::Axis axis;
  int64_t factor;
  /// Product of the factors of the loops of the same dimension inside this one: the coordinate
  /// of dimension `dim` is sum(index * stride) over its loops (design.md §3 "Mapping").
  int64_t stride;
};

struct Nest {
  int num_loops = 0;
  std::array<FlatLoop, kMaxLoops> loops;
  int num_levels = 0;
  /// Loops of level i are [level_begin[i], level_begin[i+1]); level_begin[num_levels] = num_loops.
  std::array<int, kMaxLevels + 1> level_begin{};
  int num_dims = 0;
  std::array<int64_t, kMaxDims> bound{};
  /// perfect[d]: the factors of d multiply to exactly its bound (no partial tiles).
  std::array<bool, kMaxDims> perfect{};
};

/// Builds the nest. Returns an empty string on success, otherwise why the mapping cannot be
/// flattened (too many loops or dimensions, unknown dimension, factor < 1, factors not covering
/// a bound, level count mismatch).
std::string build_nest(const workload::Problem& p, const mapping::Mapping& m, int machine_levels, Nest& out);

}  // namespace coda::model
