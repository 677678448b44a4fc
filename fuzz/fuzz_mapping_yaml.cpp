// Fuzz target: mapping YAML (coda's and Timeloop's form) parsed for a fixed small convolution on a
// 3-level machine, then evaluated by the cost model. Any input must parse or throw InputError, and
// any parsed mapping must evaluate to valid or invalid-with-a-reason: never crash, hang or trip a
// sanitizer (huge factors must hit the overflow checks, not wrap).
#include <cstddef>
#include <cstdint>
#include <string>

#include "coda/common/error.hpp"
#include "coda/io/mapping_yaml.hpp"
#include "coda/io/yaml_reader.hpp"
#include "coda/model/evaluate.hpp"
#include "coda/workload/builders.hpp"

namespace {

coda::model::Machine machine() {
  coda::model::Machine m;
  m.num_levels = 3;
  m.levels[0].name = "DRAM";
  m.levels[1].name = "GLB";
  m.levels[1].capacity_words = 4096;
  m.levels[1].read_bandwidth = 4;
  m.levels[2].name = "RF";
  m.levels[2].fanout_x = 4;
  m.levels[2].fanout_y = 3;
  m.levels[2].capacity_words = 64;
  m.levels[2].multiple_buffering = 2;
  m.levels[2].topology = coda::model::Topology::Systolic;
  m.compute.fanout_x = 2;
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const coda::workload::Problem problem = [] {
    coda::workload::ConvShape s;
    s.n = 2;
    s.m = 8;
    s.c = 6;
    s.p = 7;
    s.q = 5;
    s.r = 3;
    s.s = 3;
    s.stride_h = 2;
    return coda::workload::make_conv("conv", s);
  }();
  static const coda::model::Machine m = machine();
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto map = coda::io::parse_mapping_yaml(coda::io::parse_yaml(text, "fuzz.yaml"), problem,
                                            {"DRAM", "GLB", "RF"}, "fuzz.yaml");
    coda::model::Result r;
    coda::model::evaluate(problem, m, map, r);
    if (r.valid && (r.utilization > 1.0 + 1e-9 || r.cycles <= 0)) __builtin_trap();
  } catch (const coda::InputError&) {
  }
  return 0;
}
