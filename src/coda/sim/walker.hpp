#pragma once
// The oracle (design.md §4): an exhaustive walker of a mapped loop nest for small problems. It
// keeps the exact set of tensor coordinates every buffer instance holds and counts fills, reads,
// updates, read-modify-writes and multicast by set difference and set union, step by step. It
// shares no counting code with model/: the analytical model must reproduce its counts exactly.
#include <cstdint>
#include <string>

#include "coda/mapping/mapping.hpp"
#include "coda/model/counts.hpp"
#include "coda/model/machine.hpp"
#include "coda/workload/problem.hpp"

namespace coda::sim {

/// Walks every iteration. Throws InputError if the nest has more than `max_points` iteration
/// points x levels (the oracle is for small problems), or if the mapping does not cover the bounds.
model::Counts simulate(const workload::Problem& p, const model::Machine& m, const mapping::Mapping& map,
                       int64_t max_points = 4'000'000);

/// Runs the mapped loop nest on pseudo-random integers (seeded) and compares every output element
/// with a direct evaluation of the Problem (sum of products over the iteration space). Returns an
/// empty string if they are equal, else a description of the first difference.
std::string functional_check(const workload::Problem& p, const mapping::Mapping& map, uint64_t seed);

}  // namespace coda::sim
