#pragma once
// Semantic checks of an Architecture (the YAML reader checks syntax and types; this checks that
// the description is a buildable accelerator). Errors throw InputError naming the origin
// (file:line), the architecture, the level and the key; questionable but legal choices (a child
// that can consume more than its parent delivers) are returned as warnings.
#include <string>
#include <vector>

#include "coda/arch/architecture.hpp"

namespace coda::arch {

/// Throws InputError on the first error; returns the warnings (possibly none).
std::vector<std::string> validate(const Architecture& arch);

}  // namespace coda::arch
