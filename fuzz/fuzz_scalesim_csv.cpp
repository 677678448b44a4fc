// Fuzz target: the SCALE-Sim topology CSV reader (conv and GEMM forms), shape inference,
// statistics, and both writers (whose output must read back with the same MACs).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "coda/common/error.hpp"
#include "coda/io/scalesim_csv.hpp"
#include "coda/workload/network.hpp"
#include "coda/workload/statistics.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  coda::workload::Network net;
  try {
    net = coda::workload::build_network(coda::io::parse_scalesim_csv(text, "fuzz.csv"), 1);
  } catch (const coda::InputError&) {
    return 0;
  }
  const int64_t macs = coda::workload::compute_stats(net).total.macs;
  for (auto form : {coda::io::ScaleSimForm::Conv, coda::io::ScaleSimForm::Gemm}) {
    const std::string again = coda::io::write_scalesim_csv(net, form);
    auto back = coda::workload::build_network(coda::io::parse_scalesim_csv(again, "again.csv"), 1);
    if (coda::workload::compute_stats(back).total.macs != macs) std::abort();
  }
  return 0;
}
