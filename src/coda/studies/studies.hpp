#pragma once
// The studies of the seed papers (issue 6), as library functions. Each takes the per-layer search
// (network::LayerMapper) as a parameter, so the studies know nothing of how mappings are found, and
// returns rows that report/ writers and the CLI print. docs/studies.md compares their tables with
// the published figures.
#include <cstdint>
#include <string>
#include <vector>

#include "coda/network/evaluate.hpp"

namespace coda::studies {

// --- ISCA 2016 dataflow comparison (Chen, Emer, Sze): RS, WS, OS_A, OS_B, OS_C, NLR on the
// equal-area 256-PE variants of eyeriss-256, AlexNet CONV and FC layers. ---
struct DataflowRow {
  std::string dataflow;  ///< rs, ws, os_a, os_b, os_c, nlr
  std::string arch;      ///< the equal-area preset used
  std::string layers;    ///< "CONV" or "FC"
  int64_t batch = 0;
  int64_t macs = 0;
  /// Energy per MAC (pJ) by storage level, outermost first (DRAM, GLB, RF), the networks between
  /// them ("array"), and the MACs (ALU, including leakage); total.
  std::vector<std::string> level_names;
  std::vector<double> level_pj_per_mac;
  double array_pj_per_mac = 0, alu_pj_per_mac = 0, total_pj_per_mac = 0;
  /// Energy per MAC by data type: input fmaps, output fmaps (psums), weights.
  double inputs_pj_per_mac = 0, outputs_pj_per_mac = 0, weights_pj_per_mac = 0;
  double dram_accesses_per_mac = 0;
  double cycles = 0;
};
std::vector<DataflowRow> dataflow_comparison(const network::LayerMapper& mapper,
                                             const std::vector<int64_t>& batches);

// --- Eyeriss v1 on AlexNet CONV1-5 at batch 4 (JSSC 2017 Table / Fig. on measured performance). ---
struct EyerissRow {
  std::string network, layer;
  int64_t batch = 0;
  double input_zero_fraction = 0;  ///< the published zero fraction of the input fmap
  int64_t active_pes = 0;
  double cycles = 0, latency_ms = 0;
  double glb_mb = 0, dram_mb = 0;  ///< accesses in MB (16-bit words x 2 bytes / 1e6)
  double power_mw = 0, pj_per_mac = 0;
  int64_t macs = 0;
};
/// AlexNet CONV1-5 at batch 4 with the published input zero fractions (0.01, 38.7, 72.5, 79.3,
/// 77.6 %) and, if `with_vgg`, VGG-16's CONV layers at batch 3 (dense inputs).
std::vector<EyerissRow> eyeriss_study(const network::LayerMapper& mapper, bool with_vgg);

// --- Squeezelerator (Kwon et al.): WS-only, OS-only and per-layer best on a 32x32 array, batch 1,
// 40 % zero weights, skipped in OS mode; optionally with unlimited DRAM bandwidth and no DRAM
// latency (as the paper's simulator, which hides DRAM behind compute). ---
struct SqueezeLayer {
  std::string layer;
  std::string category;
  int64_t macs = 0;
  double ws_cycles = 0, os_cycles = 0, best_cycles = 0;
  double ws_utilization = 0, os_utilization = 0;
  std::string best;  ///< "ws" or "os"
};
struct SqueezeNet {
  std::string network;
  double ws_cycles = 0, os_cycles = 0, hybrid_cycles = 0;
  double ws_energy_pj = 0, os_energy_pj = 0, hybrid_energy_pj = 0;
  std::vector<std::pair<std::string, double>> mac_share;  ///< category -> share of MACs
  std::vector<SqueezeLayer> layers;
};
std::vector<SqueezeNet> squeezelerator_study(const network::LayerMapper& mapper,
                                             const std::vector<std::string>& networks,
                                             int64_t array_side = 32, bool unlimited_dram = false);
/// The networks of the Squeezelerator paper's table.
std::vector<std::string> squeezelerator_networks();

}  // namespace coda::studies
