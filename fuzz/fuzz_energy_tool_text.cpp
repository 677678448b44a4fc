// Fuzz target: the energy-estimation-tool layer text reader, shape inference, statistics, and the
// writer (whose output must read back). Any input must parse or throw coda::InputError.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "coda/common/error.hpp"
#include "coda/io/energy_tool_text.hpp"
#include "coda/workload/network.hpp"
#include "coda/workload/statistics.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  coda::workload::NetworkSpec spec;
  coda::workload::Network net;
  try {
    spec = coda::io::parse_energy_tool_text(text, "fuzz.txt");
    net = coda::workload::build_network(spec, spec.batch);
    (void)coda::workload::compute_stats(net);
  } catch (const coda::InputError&) {
    return 0;
  }
  // A file that reads must write, and what is written must read back to the same MACs.
  const std::string again = coda::io::write_energy_tool_text(net);
  auto back = coda::workload::build_network(coda::io::parse_energy_tool_text(again, "again.txt"), net.batch);
  if (coda::workload::compute_stats(back).total.macs != coda::workload::compute_stats(net).total.macs) std::abort();
  return 0;
}
