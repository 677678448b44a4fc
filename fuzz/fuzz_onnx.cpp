// Fuzz target: the ONNX importer (protobuf parsing, the ONNX checker, node-by-node shape inference
// behind coda's guards, conversion) plus shape inference, statistics and the text writers. Any
// input must convert or throw coda::InputError; a crash, another exception or a sanitizer report
// is a bug (libonnx's own crashes included: coda must reject such input before calling it).
#include <cstddef>
#include <cstdint>
#include <string>

#include "coda/common/error.hpp"
#include "coda/io/energy_tool_text.hpp"
#include "coda/io/network_yaml.hpp"
#include "coda/io/onnx_import.hpp"
#include "coda/workload/network.hpp"
#include "coda/workload/statistics.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto spec = coda::io::parse_onnx(data, size, "fuzz.onnx");
    auto net = coda::workload::build_network(spec, 1);
    (void)coda::workload::compute_stats(net);
    (void)coda::io::write_network_yaml(spec);
    (void)coda::io::write_energy_tool_text(net);
  } catch (const coda::InputError&) {
  }
  return 0;
}
