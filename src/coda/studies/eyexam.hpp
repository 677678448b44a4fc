#pragma once
// The Eyexam step-by-step performance bound (Chen, Yang, Emer, Sze, "Eyexam: Inferring the
// performance bounds of DNN accelerators"; domain.md §6), in MACs per cycle, per layer and per
// network. Each step adds one limit of the accelerator, so the bound can only fall:
//   1 layer size and shape: every MAC of the layer in one cycle (the workload's parallelism);
//   2 dataflow: only the dimensions the dataflow lets go spatial run in parallel (unbounded PEs);
//   3 number of PEs: those dimensions share the machine's MAC units (shape fragmentation: a
//     dimension of 13 on 8 units takes 2 steps);
//   4 physical dimensions of the array: each spatial axis of each level holds its own factors;
//   5 storage capacity: the best compute cycles of a mapping whose tiles fit (mapper, bandwidth
//     ignored);
//   6 average bandwidth: the best max(compute, each level's traffic over its bandwidth) (mapper,
//     exposed latency, fill and drain ignored).
// Steps 1-4 are computed exactly from the dataflow's constraints (a relaxation of its mapspace:
// minimum factors and divisibility are ignored, so they are true upper bounds). Steps 5-6 are the
// best found by the injected search, never worse than the mapping the model reports ("modelled"),
// which is also in the mapspace. docs/studies.md derives each step; step 7 of the paper (varying
// instantaneous bandwidth) is what the modelled figure adds (exposed latency, fill, drain).
//
// The bounds are for dense processing: zero skipping is switched off for the study (a skipped MAC
// is not a MAC per cycle), zero gating and compression stay as the architecture says.
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "coda/arch/architecture.hpp"
#include "coda/mapping/constraints.hpp"
#include "coda/model/machine.hpp"
#include "coda/network/evaluate.hpp"
#include "coda/workload/network.hpp"
#include "coda/workload/problem.hpp"

namespace coda::studies {

inline constexpr int kEyexamSteps = 6;
/// Short names of steps 1-6: "shape", "dataflow", "PEs", "array", "capacity", "bandwidth".
const std::array<const char*, kEyexamSteps>& eyexam_step_names();

/// Steps 1-4 for one Problem on one machine under one dataflow's constraints: the fewest compute
/// cycles each step allows (the bound is MACs / cycles), and the spatial factors that reach step 4.
struct EyexamShapeBound {
  std::array<int64_t, 4> cycles{};
  /// Step 4's best spatial factors: per dimension, the product over every spatial axis.
  std::vector<int64_t> spatial;
  /// Step 4's best assignment, readable: "GLB X: E=14; GLB Y: R=3 C=4".
  std::string assignment;
  bool feasible = true;  ///< false if a fixed spatial factor does not fit its axis
};
EyexamShapeBound eyexam_shape_bound(const workload::Problem& p, const model::Machine& m,
                                    const mapping::Constraints& c);

struct EyexamLayer {
  std::string layer;
  int same_as = -1;  ///< earlier layer with an identical Problem (examined once), or -1
  int64_t macs = 0;
  std::string dataflow;
  std::array<double, kEyexamSteps> cycles{};  ///< fewest cycles each step allows
  double modelled_cycles = 0;                 ///< the model's cycles for the mapper's mapping
  std::string assignment;                     ///< step 4's spatial factors
  double bound(int step) const { return cycles[size_t(step)] > 0 ? double(macs) / cycles[size_t(step)] : 0; }
  double modelled() const { return modelled_cycles > 0 ? double(macs) / modelled_cycles : 0; }
};

struct EyexamResult {
  std::string network, arch, dataflow, objective;
  int64_t batch = 1;
  int64_t peak = 0;                 ///< MAC units of the machine (the roofline's peak MACs/cycle)
  std::vector<EyexamLayer> layers;  ///< MAC layers only
  int64_t macs = 0;
  std::array<double, kEyexamSteps> cycles{};  ///< sums over the layers
  double modelled_cycles = 0;
  double bound(int step) const { return cycles[size_t(step)] > 0 ? double(macs) / cycles[size_t(step)] : 0; }
  double modelled() const { return modelled_cycles > 0 ? double(macs) / modelled_cycles : 0; }
};

/// A LayerMapper for a mapper objective ("energy", "compute-cycles", "roofline-cycles", ...).
using MapperFactory = std::function<network::LayerMapper(const std::string& objective)>;

/// Runs the study on every MAC layer of `net` on `a` under `dataflow` ("" = the architecture's
/// native one); `objective` is what the modelled mapping minimises. Throws InputError naming the
/// layer if a layer has no valid mapping.
EyexamResult eyexam(const workload::Network& net, const arch::Architecture& a, const std::string& dataflow,
                    const std::string& objective, const MapperFactory& mappers);

}  // namespace coda::studies
