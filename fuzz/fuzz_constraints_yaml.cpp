// Fuzz target: constraints files (coda's format and Timeloop's) for a small convolution on a
// three-level machine, then the mapspace they define. Any input must either load or throw
// coda::InputError; every point drawn from the resulting mapspace must satisfy the constraints.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "coda/common/error.hpp"
#include "coda/io/constraints_yaml.hpp"
#include "coda/io/yaml_reader.hpp"
#include "coda/mapping/mapspace.hpp"
#include "coda/workload/builders.hpp"

namespace {

coda::model::Machine machine() {
  coda::model::Machine m;
  m.num_levels = 3;
  const char* names[] = {"DRAM", "GLB", "PE"};
  for (int i = 0; i < 3; ++i) m.levels[size_t(i)].name = names[i];
  m.levels[1].capacity_words = 64;
  m.levels[2].fanout_x = 4;
  m.levels[2].fanout_y = 2;
  m.levels[2].capacity_words = 12;
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const coda::model::Machine m = machine();
  static const coda::workload::Problem p = [] {
    coda::workload::ConvShape s;
    s.n = 2;
    s.m = 4;
    s.c = 3;
    s.p = 6;
    s.q = 2;
    s.r = 3;
    return coda::workload::make_conv("fuzz", s);
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  coda::mapping::Constraints c;
  try {
    c = coda::io::parse_constraints_yaml(coda::io::parse_yaml(text, "fuzz.yaml"), p, m, "fuzz.yaml");
  } catch (const coda::InputError&) {
    return 0;
  }
  coda::mapping::Mapspace ms(p, m, c);
  coda::Rng rng(size);
  coda::mapping::Point pt;
  for (int k = 0; k < 16; ++k) {
    if (!ms.sample(rng, pt)) continue;
    if (!c.violation(ms.to_mapping(pt), p, m).empty()) std::abort();
  }
  (void)ms.diagnose();
  return 0;
}
