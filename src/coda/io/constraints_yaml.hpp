#pragma once
// Constraints files (docs/formats.md, "Constraints YAML"): coda's own format and Timeloop's
// architecture/mapspace constraints. Both are resolved against one Problem (dimension and tensor
// names) and one Machine (level names, roles), giving a mapping::Constraints.
//
// coda's format, outer level first:
//
//   name: my-rs                  # optional
//   imperfect: false             # optional: allow ceil (non-divisor) factors everywhere
//   min_utilization: 0.5         # optional: fraction of the MAC units a mapping must use
//   levels:
//     - level: PE                # a level name, or `role: dram | glb | pe`
//       temporal: {S: all, M: "<=16", '*': 1}   # factor rules; '*' = every dimension not listed
//       order: ['*', Q]          # outer to inner: '*' = the free loops, [A, B] = adjacent, any order
//       spatial_x: [P, M, C]     # a list = only these dimensions, any factor
//       spatial_y: {R: all, M: any, C: any, '*': 1}
//       keep: [Weights]          # must keep; `bypass: [...]` must not keep; others free
//       min_utilization: 0.9     # of this level's children
//
// A factor rule is an integer (fixed), `all` (the whole bound), `any`, comparisons such as
// "<=16", ">=2 <=8" (optionally followed by `imperfect`), a list of allowed factors, or a map
// {fixed, min, max, allowed, imperfect}.
#include <string>

#include <yaml-cpp/yaml.h>

#include "coda/mapping/constraints.hpp"
#include "coda/model/machine.hpp"
#include "coda/workload/problem.hpp"

namespace coda::io {

/// Parses a constraints document (coda's format or Timeloop's, detected by its keys). Errors are
/// InputError naming file:line, key and what was expected.
mapping::Constraints parse_constraints_yaml(const YAML::Node& root, const workload::Problem& p,
                                            const model::Machine& m, const std::string& file);

/// Reads a constraints file.
mapping::Constraints read_constraints_file(const std::string& path, const workload::Problem& p,
                                           const model::Machine& m);

/// Timeloop constraints: a list of {target, type: temporal | spatial | bypass | datatype |
/// dataspace | utilization | parallelism, factors: "R=3 S=0 M<=16", permutation: "RSPQ"
/// (innermost first), split: k, keep: [...], bypass: [...], min: 0.5}. As in Timeloop, `X=0`
/// means the whole bound, a factor above the bound is clamped to it, listed permutation
/// dimensions are the innermost loops and the others are free above them, and the first `split`
/// dimensions of a spatial permutation (after those fixed to 1) go on X, the rest on Y. K is
/// coda's M. Unsupported constraint types are an error, never ignored.
mapping::Constraints parse_timeloop_constraints(const YAML::Node& targets, const workload::Problem& p,
                                                const model::Machine& m, const std::string& file);

}  // namespace coda::io
