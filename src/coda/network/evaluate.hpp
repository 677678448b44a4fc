#pragma once
// Whole-network evaluation (design.md §6, issue 6): every MAC layer is mapped (identical Problems
// once) under each candidate dataflow and the best is kept per layer (the Squeezelerator's per-layer
// WS/OS choice; if the architecture declares a dataflow switching cost, the best sequence); layers
// without MACs (pooling, element-wise, softmax) are costed by their data movement; energy, cycles
// and DRAM traffic are summed. The search itself is
// injected (LayerMapper), so this file knows nothing of how mappings are found.
#include <functional>
#include <string>
#include <vector>

#include "coda/arch/architecture.hpp"
#include "coda/mapping/mapping.hpp"
#include "coda/model/evaluate.hpp"
#include "coda/tech/library.hpp"
#include "coda/workload/network.hpp"
#include "coda/workload/statistics.hpp"

namespace coda::network {

enum class Objective { Energy, Cycles, Edp };

/// The answer of a search for one layer under one dataflow.
struct MapOutcome {
  bool found = false;
  mapping::Mapping mapping;
  model::Result result;
  std::string why;  ///< when nothing was found: the tightest constraint, as the mapper says it
};

/// Finds the best mapping of one Problem on one bound machine under one dataflow name.
using LayerMapper =
    std::function<MapOutcome(const workload::Problem&, const model::Machine&, const std::string& dataflow)>;

struct Candidate {
  std::string dataflow;
  bool found = false;
  double energy_pj = 0, cycles = 0;
  std::string why;
};

struct LayerResult {
  std::string name;
  workload::Category category = workload::Category::Other;
  bool mapped = false;   ///< a MAC layer evaluated by the cost model
  int same_as = -1;      ///< earlier layer with an identical Problem (mapped once), or -1
  std::string dataflow;  ///< chosen dataflow (mapped layers)
  std::vector<Candidate> candidates;
  mapping::Mapping mapping;
  model::Result result;  ///< mapped layers: the full evaluation
  int64_t macs = 0;
  double nonzero_macs = 0;
  double energy_pj = 0;  ///< every layer (mapped: result.energy_pj)
  double cycles = 0;
  double dram_words = 0;  ///< DRAM element accesses (reads + writes)
  /// Energy by data type (the Eyeriss energy-estimation tool's split): storage and network energy
  /// of the input fmaps, output fmaps and weights, and computation (MACs and leakage).
  double e_inputs = 0, e_outputs = 0, e_weights = 0, e_compute = 0;
  std::string note;  ///< how a non-MAC layer was costed, or the dataflow switch a MAC layer paid
  /// Energy and DRAM accesses saved because this layer's output stayed on chip for its consumer
  /// (already subtracted from energy_pj / dram_words of this layer and of the consumer).
  double kept_on_chip_words = 0;
};

struct NetworkResult {
  std::string network, arch;
  int64_t batch = 1;
  double clock_hz = 1e9;
  std::vector<LayerResult> layers;
  int64_t macs = 0;
  double nonzero_macs = 0, energy_pj = 0, cycles = 0, dram_words = 0;
  int64_t total_units = 0;
  double seconds() const { return cycles / clock_hz; }
};

struct Options {
  std::vector<std::string> dataflows;  ///< candidates per layer; empty = the architecture's native one
  Objective objective = Objective::Energy;
  /// Keep a layer's output on chip for its consumer when the whole output fits in the level below
  /// DRAM (in the capacity that level gives to Outputs and to Inputs) and the consumer is the next
  /// layer and its only consumer: the DRAM write and the consumer's first DRAM read are saved.
  bool keep_on_chip = true;
};

/// Evaluates the network. Throws InputError naming the layer if a MAC layer has no valid mapping
/// under any candidate dataflow (with each dataflow's reason).
NetworkResult evaluate(const workload::Network& net, const arch::Architecture& a, const tech::Library& lib,
                       const Options& opt, const LayerMapper& mapper);

/// A key equal for layers whose Problems are identical up to their names (same dimensions,
/// bounds, projections, bits and densities): such layers are mapped once.
std::string problem_key(const workload::Problem& p);

}  // namespace coda::network
