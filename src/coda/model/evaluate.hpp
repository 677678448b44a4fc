#pragma once
// evaluate(problem, machine, mapping) -> Result (design.md §4): validity with a reason, exact
// access counts, energy per component / tensor / action, cycles, utilization and derived figures.
// Pure and allocation-free after the first call on a thread (scratch buffers are reused), so the
// mapper can call it millions of times. Every formula is derived in docs/model.md.
#include <array>
#include <cstdint>

#include "coda/mapping/mapping.hpp"
#include "coda/model/counts.hpp"
#include "coda/model/machine.hpp"
#include "coda/model/perfect_counts.hpp"
#include "coda/model/transfers.hpp"
#include "coda/workload/problem.hpp"

namespace coda::model {

/// Energy of one tensor at one storage level, by action (pJ).
struct TensorEnergy {
  double read = 0;     ///< reads for the children (outputs: drain reads)
  double write = 0;    ///< fills from the parent (outputs: first writes of residencies)
  double update = 0;   ///< outputs: read-modify-write accumulations
  double network = 0;  ///< deliveries over the network below this level
  double total() const { return read + write + update + network; }
};

struct Result {
  bool valid = false;
  /// Why the mapping is invalid (level, tensor, by how much); empty when valid.
  std::array<char, 240> reason{};
  const char* why() const { return reason.data(); }

  Counts counts;
  /// counts scaled for sparsity (gating/skipping of operand reads and updates at the innermost
  /// keeper; compression of DRAM traffic), in element accesses.
  std::array<std::array<TensorEnergy, kMaxTensors>, kMaxLevels> energy{};
  std::array<double, kMaxLevels> level_energy_pj{};  ///< all tensors + network of the level
  std::array<double, kMaxLevels> leak_pj{};
  double mac_energy_pj = 0;
  double compute_leak_pj = 0;
  double energy_pj = 0;  ///< total

  int64_t compute_cycles = 0;                     ///< compute steps (after skipping)
  std::array<double, kMaxLevels> level_cycles{};  ///< each level's traffic over its bandwidth
  double exposed_cycles = 0;                      ///< latency/fill/drain not hidden by buffering
  double cycles = 0;                              ///< total
  int bottleneck = -1;                            ///< level limiting throughput, -1 = compute

  int64_t total_units = 0;   ///< MAC units in the machine
  int64_t active_units = 0;  ///< MAC units the mapping uses (product of spatial factors)
  double nonzero_macs = 0;   ///< MACs with all operands non-zero (density product)
  double utilization = 0;    ///< macs / (cycles x total_units)
  double area_um2 = 0;

  double pj_per_mac() const { return counts.macs ? energy_pj / double(counts.macs) : 0; }
  /// DRAM (level 0) element accesses per MAC: reads + fills + updates, after compression.
  double dram_accesses_per_mac = 0;
  double seconds(double clock_hz) const { return cycles / clock_hz; }
};

/// Checks that the mapping fits the machine: levels, coverage of the bounds, keep/bypass rules,
/// spatial fanout, and capacity (tiles x bits x multiple buffering per partition). Fills
/// result.valid / result.reason and, when valid, the nest.
bool check(const workload::Problem& p, const Machine& m, const mapping::Mapping& map, Nest& nest,
           Result& result);

/// Full evaluation. Never throws for an invalid mapping: result.valid is false with a reason.
/// Throws OverflowError only if a count does not fit 64 bits.
void evaluate(const workload::Problem& p, const Machine& m, const mapping::Mapping& map, Result& result);

/// evaluate() bound to one problem and machine, for callers that evaluate many mappings (the
/// mapper): what depends on the problem alone (each tensor's ranks, whether coda's counting
/// supports its projection) is worked out once here instead of on every call. Holds pointers to
/// both, which must outlive it. Const and thread-safe.
class Evaluator {
 public:
  Evaluator(const workload::Problem& p, const Machine& m);
  void operator()(const mapping::Mapping& map, Result& result) const;
  /// model::check with the prepared problem.
  bool check(const mapping::Mapping& map, Nest& nest, Result& result) const;

 private:
  bool check(const mapping::Mapping& map, Nest& nest, NestFacts& facts, Result& result) const;

  const workload::Problem* p_;
  const Machine* m_;
  std::array<Ranks, kMaxTensors> ranks_;
  std::array<const char*, kMaxTensors> unsupported_{};
  FixedLengths fixed_;
  bool supported_ = false;                       ///< every tensor's projection is supported
  uint32_t all_tensors_ = 0;                     ///< bit t for every tensor of the problem
  std::array<uint32_t, kMaxLevels> may_keep_{};  ///< bit t: level may keep t (or t is not a tensor)
  std::array<bool, kMaxLevels> bounded_{};       ///< the level has a capacity or partition limit
  // Figures of the problem and machine alone (docs/model.md §5-§6).
  int out_ = 0;                                 ///< the output tensor
  double dprod_ = 1;                            ///< product of the operand densities
  std::array<double, kMaxTensors> gate_f_{};    ///< gating factor at a tensor's innermost keeper
  std::array<double, kMaxTensors> compress_{};  ///< DRAM compression factor per tensor
  std::array<std::array<double, kMaxTensors>, kMaxLevels> words_per_element_{};
  std::array<double, kMaxLevels> leak_rate_{};  ///< leakage of all instances of a level, pJ/cycle
  double compute_leak_rate_ = 0;
  double area_um2_ = 0;
  int64_t total_units_ = 0;
};

}  // namespace coda::model
