// Fuzz target: coda network YAML parser plus shape inference. Any input must either parse or
// throw coda::InputError; anything else (crash, other exception, sanitizer report) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "coda/common/error.hpp"
#include "coda/io/network_yaml.hpp"
#include "coda/workload/network.hpp"
#include "coda/workload/statistics.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto spec = coda::io::parse_network_yaml(text, "fuzz.yaml");
    auto net = coda::workload::build_network(spec, 1);
    (void)coda::workload::compute_stats(net);
  } catch (const coda::InputError&) {
  }
  return 0;
}
