#include "coda/workload/density.hpp"

#include <fmt/format.h>

#include "coda/common/error.hpp"

namespace coda::workload {
namespace {

void check(std::optional<double> d, const std::string& what) {
  if (d && !(*d > 0.0 && *d <= 1.0))
    throw InputError(fmt::format("{}: density {} is out of range, expected (0, 1]", what, *d));
}

}  // namespace

void apply_density_overrides(NetworkSpec& spec, const DensityOverrides& o) {
  check(o.global.weights, "weight density");
  check(o.global.inputs, "input density");
  for (LayerSpec& l : spec.layers) {
    if (o.global.weights) l.weight_density = o.global.weights;
    if (o.global.inputs) l.input_density = o.global.inputs;
  }
  for (const auto& [name, d] : o.per_layer) {
    const std::string where = (o.origin.empty() ? "" : o.origin + ": ") + "layer '" + name + "'";
    check(d.weights, where);
    check(d.inputs, where);
    bool found = false;
    for (LayerSpec& l : spec.layers) {
      if (l.name != name) continue;
      found = true;
      if (d.weights) l.weight_density = d.weights;
      if (d.inputs) l.input_density = d.inputs;
    }
    if (!found) throw InputError(fmt::format("{}: no such layer in network '{}'", where, spec.name));
  }
}

}  // namespace coda::workload
