#pragma once
// A preset architecture bound to one zoo layer, for the mapping and mapper tests.
#include <string>
#include <vector>

#include "coda/io/arch_loader.hpp"
#include "coda/io/layer_loader.hpp"
#include "coda/model/bind.hpp"

namespace coda::testing {

struct Bound {
  arch::Architecture arch;
  workload::Problem problem;
  model::Machine machine;
  std::vector<std::string> level_names;
};

inline Bound bind_layer(const std::string& arch, const std::string& layer, int64_t batch = 1) {
  Bound b;
  b.arch = io::load_architecture(arch);
  b.problem = io::load_layer(layer, batch).problem;
  b.machine = model::bind(b.arch, model::library_for(b.arch), b.problem);
  b.level_names = model::level_names(b.arch);
  return b;
}

}  // namespace coda::testing
