#pragma once
// Timeloop problem YAML, the CNN-layer shape (NVlabs/timeloop problem-shapes/cnn-layer.yaml):
//  v0.3: problem: {shape: cnn-layer, R, S, P, Q, C, K, N, Wstride, Hstride, Wdilation, Hdilation}
//  v0.4: problem: {version: 0.4, instance: {C, M (or K), R, S, N, P, Q, ...strides/dilations,
//                  densities: {...}}, shape: {name: CNN-Layer, dimensions, coefficients, data-spaces}}
// Timeloop's CNN layer indexes the input width with R (filter width) and P (output width) and the
// input height with S and Q: Inputs[n][c][R*Wdilation + P*Wstride][S*Hdilation + Q*Hstride].
// Mapping and rejected input: docs/importers.md.
#include <yaml-cpp/yaml.h>

#include <string>

#include "coda/workload/network.hpp"

namespace coda::io {

/// True if a YAML document is a Timeloop problem: a map with a top-level `problem` key.
bool is_timeloop_problem(const YAML::Node& root);

/// Reads the `problem` of a Timeloop YAML document (other top-level keys, such as `architecture`
/// or `mapper` of a merged input file, are ignored) as a one-layer network. N becomes
/// NetworkSpec::batch. Throws InputError naming the file, line and key.
workload::NetworkSpec parse_timeloop_problem(const std::string& text, const std::string& file);
workload::NetworkSpec timeloop_problem_from_yaml(const YAML::Node& root, const std::string& file);
workload::NetworkSpec read_timeloop_problem(const std::string& path);

}  // namespace coda::io
