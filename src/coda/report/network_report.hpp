#pragma once
// Writers for a whole-network evaluation (issue 6, "Reports"): a per-layer table and totals in the
// benchmark template of the field (batch, bits, MACs and non-zero MACs, cycles, runtime, throughput,
// power, energy per MAC and per non-zero MAC, DRAM accesses per MAC, utilization, energy by
// component and by data type), as text, CSV and JSON. Columns are documented in docs/reports.md.
#include <nlohmann/json.hpp>
#include <string>

#include "coda/network/evaluate.hpp"

namespace coda::report {

/// Per-layer rows + totals + energy breakdowns, aligned text (one screen for the summary part).
std::string network_text(const network::NetworkResult& r);
/// One row per layer and a final "total" row; every figure of the text report.
std::string network_csv(const network::NetworkResult& r);
nlohmann::json network_json(const network::NetworkResult& r);

/// Totals derived from a NetworkResult (shared by the three writers).
struct NetworkTotals {
  double runtime_ms = 0, inferences_per_s = 0, power_mw = 0, energy_uj = 0, pj_per_mac = 0,
         pj_per_nonzero_mac = 0, dram_per_mac = 0, utilization = 0;
  /// Energy by data type as in the Eyeriss energy-estimation tool: input fmaps, output fmaps,
  /// weights, computation (MACs + leakage), and data movement of non-MAC layers.
  double e_inputs = 0, e_outputs = 0, e_weights = 0, e_compute = 0, e_other_layers = 0;
};
NetworkTotals totals_of(const network::NetworkResult& r);

}  // namespace coda::report
