#pragma once
// The machine as the cost model sees it: an architecture whose components are already priced
// (energy per action from tech/) and whose tensor-related settings are already bound to the
// tensors of one Problem (index t = Problem::tensors[t]). Fixed-size arrays keep evaluate()
// allocation-free. Built from arch::Architecture + tech::Library by model/bind (or directly in
// tests).
#include <array>
#include <cstdint>
#include <string>

namespace coda::model {

inline constexpr int kMaxLevels = 8;
inline constexpr int kMaxTensors = 4;
inline constexpr int kMaxDims = 10;

enum class Topology { Bus, Mesh, Systolic };

struct LevelSpec {
  std::string name;
  /// Instances of this level per instance of its parent (level 0: normally 1 x 1).
  int64_t fanout_x = 1, fanout_y = 1;
  /// Capacity in words of `word_bits`, shared by the tensors whose partition is -1; 0 = unbounded.
  int64_t capacity_words = 0;
  /// partition[t] >= 0: tensor t is held in its own partition (Eyeriss spads) of
  /// partition_words[partition[t]] words; tensors naming the same partition share it.
  std::array<int, kMaxTensors> partition{-1, -1, -1, -1};
  std::array<int64_t, kMaxTensors> partition_words{0, 0, 0, 0};
  std::array<bool, kMaxTensors> may_keep{true, true, true, true};
  int word_bits = 16;
  int multiple_buffering = 1;
  /// Words per cycle per instance; 0 = unlimited.
  double read_bandwidth = 0, write_bandwidth = 0, shared_bandwidth = 0;
  int64_t latency_cycles = 0;

  // The network from this level to its children (instances of the next level, or the MAC units
  // below the innermost level).
  Topology topology = Topology::Bus;
  std::array<bool, kMaxTensors> multicast{true, true, true, true};
  std::array<bool, kMaxTensors> reduction{false, false, false, false};
  double network_bandwidth = 0;  ///< words per cycle through the network of one instance; 0 = unlimited
  std::array<double, kMaxTensors> hop_pj{};  ///< energy per word delivered to one child

  // Energy per action per word of `word_bits` bits (pJ), per tensor (partitions of one level can
  // be different memories), and leakage / area of one instance.
  std::array<double, kMaxTensors> read_pj{}, write_pj{};
  /// Read-modify-write of one word; 0 = read_pj + write_pj.
  std::array<double, kMaxTensors> update_pj{};
  double leak_pj_per_cycle = 0;
  double area_um2 = 0;

  /// Sets the same per-word energies for every tensor (tests, simple machines).
  void set_energy(double read, double write, double update = 0) {
    read_pj.fill(read);
    write_pj.fill(write);
    update_pj.fill(update);
  }
};

struct ComputeSpec {
  std::string name = "MAC";
  int64_t fanout_x = 1, fanout_y = 1;  ///< MAC units per instance of the innermost level
  double mac_pj = 0;                   ///< per MAC at full density
  double leak_pj_per_cycle = 0;
  double area_um2 = 0;
};

struct SparsitySpec {
  bool gating = false;    ///< zero operands gate the MAC and its operand reads (energy only)
  bool skipping = false;  ///< zero operands skip the MAC (energy and cycles)
  /// compressed[t]: DRAM traffic of tensor t is compressed (e.g. Eyeriss RLC); the traffic is
  /// scaled by min(1, density * (1 + metadata_bits / bits)).
  std::array<bool, kMaxTensors> compressed{false, false, false, false};
  int metadata_bits = 5;
};

struct Machine {
  std::string name;
  int num_levels = 0;
  std::array<LevelSpec, kMaxLevels> levels;
  ComputeSpec compute;
  SparsitySpec sparsity;
  double clock_hz = 1e9;
};

}  // namespace coda::model
