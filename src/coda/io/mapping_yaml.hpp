#pragma once
// coda's mapping YAML (docs/formats.md, "Mapping YAML"): one entry per storage level, outermost
// first, each with its temporal loops (outer to inner), spatial loops and kept tensors:
//
//   mapping:
//     - level: DRAM
//       temporal: [M4, P2]          # dimension name + factor, outer to inner
//     - level: GlobalBuffer
//       temporal: [C8]
//       spatial: [M16X, C4Y]        # dimension + factor + axis of the children's mesh
//       bypass: [Weights]           # or keep: [Inputs, Outputs]
//
// Loops may also be written as maps: {dim: M, factor: 4} / {dim: M, factor: 16, axis: X}.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "coda/mapping/mapping.hpp"
#include "coda/workload/problem.hpp"

namespace coda::io {

/// Parses a mapping for `problem` on an architecture whose storage levels are `level_names`
/// (outermost first). Levels are matched by name (or position when no name is given); missing
/// levels have no loops and keep every tensor. Errors name file, line, key and expectation.
mapping::Mapping parse_mapping_yaml(const YAML::Node& root, const workload::Problem& problem,
                                    const std::vector<std::string>& level_names, const std::string& file);

/// Reads a mapping file. Accepts coda's format and Timeloop's mapping YAML (detected by its
/// `target:` / `type:` entries; see io/timeloop_mapping.hpp).
mapping::Mapping read_mapping_file(const std::string& path, const workload::Problem& problem,
                                   const std::vector<std::string>& level_names);

/// Writes coda's mapping YAML; parse_mapping_yaml(write_mapping_yaml(m)) == m.
std::string write_mapping_yaml(const mapping::Mapping& m, const workload::Problem& problem,
                               const std::vector<std::string>& level_names);

/// Converts a Timeloop mapping (a YAML sequence of {target, type: temporal|spatial|bypass|datatype,
/// factors: "R=3 S=3 ...", permutation: "RSPQCMN" (innermost first), split: k, keep: [...],
/// bypass: [...]}) into a coda mapping. Timeloop's K (output channels) is coda's M; W, H
/// subscripts are not used. Throws InputError naming file/line on anything it cannot map.
mapping::Mapping parse_timeloop_mapping(const YAML::Node& seq, const workload::Problem& problem,
                                        const std::vector<std::string>& level_names, const std::string& file);

}  // namespace coda::io
