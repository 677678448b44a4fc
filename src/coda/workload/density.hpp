#pragma once
// Density overrides for a network's tensors (sparsity), from the CLI or a density file:
// a global value for all tensors, one per tensor role, or one per layer.
#include <map>
#include <optional>
#include <string>

#include "coda/workload/network.hpp"

namespace coda::workload {

struct TensorDensities {
  std::optional<double> weights;
  std::optional<double> inputs;
};

struct DensityOverrides {
  TensorDensities global;                             ///< every layer
  std::map<std::string, TensorDensities> per_layer;  ///< layer name -> densities (wins over global)
  std::string origin;                                 ///< file the per-layer values came from
};

/// Applies the overrides to the layer specs (before build_network). Per-layer entries must name
/// existing layers (InputError otherwise); every density must be in (0, 1].
void apply_density_overrides(NetworkSpec& spec, const DensityOverrides& overrides);

}  // namespace coda::workload
