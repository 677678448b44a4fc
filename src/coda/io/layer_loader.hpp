#pragma once
// "A layer the user named" for per-layer commands (coda eval, coda map): `network:layer` where
// network is a zoo name or a network file, or a file holding a single MAC layer.
#include <cstdint>
#include <string>

#include "coda/workload/problem.hpp"

namespace coda::io {

struct LoadedLayer {
  std::string network;  ///< network name
  std::string layer;    ///< layer name
  workload::Problem problem;
};

/// Loads the Problem of one layer at batch `batch` (0 = the network file's own batch). Throws
/// InputError naming the network and listing its layers when the layer is unknown or has no work.
LoadedLayer load_layer(const std::string& spec, int64_t batch = 0);

}  // namespace coda::io
