#pragma once
// Density file: per-layer (and optional global) tensor densities. Format in docs/formats.md.
#include <string>

#include "coda/workload/density.hpp"

namespace coda::io {

workload::DensityOverrides parse_density_yaml(const std::string& text, const std::string& file);
workload::DensityOverrides read_density_yaml(const std::string& path);

}  // namespace coda::io
