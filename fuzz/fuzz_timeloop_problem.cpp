// Fuzz target: the Timeloop problem YAML reader (v0.3 and v0.4 CNN-layer forms), shape inference
// and statistics. Any input must parse or throw coda::InputError.
#include <cstddef>
#include <cstdint>
#include <string>

#include "coda/common/error.hpp"
#include "coda/io/timeloop_problem.hpp"
#include "coda/workload/network.hpp"
#include "coda/workload/statistics.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto spec = coda::io::parse_timeloop_problem(text, "fuzz.yaml");
    auto net = coda::workload::build_network(spec, 1);
    (void)coda::workload::compute_stats(net);
  } catch (const coda::InputError&) {
  }
  return 0;
}
