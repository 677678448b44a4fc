#pragma once
// Binding: turns an architecture description (arch/) priced by a technology library (tech/) into
// the flat Machine the cost model evaluates, for the tensors of one Problem. This is the only
// place where arch/ and tech/ meet the model; evaluate() itself knows neither.
#include <string>
#include <vector>

#include "coda/arch/architecture.hpp"
#include "coda/model/machine.hpp"
#include "coda/tech/library.hpp"
#include "coda/workload/problem.hpp"

namespace coda::model {

/// The technology library an architecture names (its `technology.model`).
tech::Library library_for(const arch::Architecture& a);

/// The architecture's name for a Problem tensor: the tensor's own name if the architecture lists
/// it, otherwise its role (Weights for parameters, Outputs for the output, Inputs otherwise), so
/// that pooling, element-wise and attention layers map onto a conv-oriented description.
std::string arch_tensor_name(const arch::Architecture& a, const workload::Problem& p, int tensor);

/// Prices every component at the architecture's node and binds per-tensor settings (partitions,
/// keeps, networks, compression). Throws InputError if the architecture has more storage levels
/// than the model supports or a component cannot be priced.
Machine bind(const arch::Architecture& a, const tech::Library& lib, const workload::Problem& p);

/// Level names, outermost first (mapping files refer to levels by these).
std::vector<std::string> level_names(const arch::Architecture& a);

}  // namespace coda::model
