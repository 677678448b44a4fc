#pragma once
// The bridge from experiment/CLI mapper settings to a network::LayerMapper backed by coda's mapper
// (mapper/). network/ and studies/ only see the LayerMapper function type.
#include "coda/io/experiment_yaml.hpp"
#include "coda/network/evaluate.hpp"

namespace coda::network {

/// A LayerMapper that searches the mapspace of the named dataflow with the given strategy, budget,
/// objective, threads and seed (deterministic for a given seed and thread count).
LayerMapper make_layer_mapper(const io::MapperSettings& settings);

/// The network-level objective matching the mapper objective (the first of a lexicographic pair).
Objective network_objective(const std::string& objective);

}  // namespace coda::network
