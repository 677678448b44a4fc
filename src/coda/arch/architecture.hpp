#pragma once
// The description of an accelerator (design.md §3 "Architecture"): a chain of storage levels from
// the outermost (normally DRAM) inwards, compute units at the leaves, and between each level and
// its children a network. These are plain values: they describe the hardware, they do not price it
// (energy and area per action come from tech/, which reads the classes named here).
//
// Conventions used throughout:
// - capacities, bandwidths and block sizes are counted in words of the level's `word_bits`
//   (or of a partition's own `word_bits` where it has one);
// - `mesh_x` x `mesh_y` of a level is its fanout: instances per instance of the parent level
//   (x = columns, y = rows); the outermost level's mesh is its own instance count;
// - bandwidths are words per cycle per instance, 0 meaning unlimited;
// - tensors are named as in workload::Problem (Weights, Inputs, Outputs for conv/GEMM).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coda::arch {

/// Where a value was defined ("file:line"), for messages. It never takes part in comparisons:
/// two descriptions read from different files are equal when they describe the same hardware.
struct Origin {
  std::string where;
  bool operator==(const Origin&) const { return true; }
};

enum class Topology {
  Bus,       ///< one transfer reaches any (multicast: every addressed) child; no hop distance
  Mesh,      ///< 2-D mesh: a word travels |dx| + |dy| hops between neighbouring instances
  Systolic,  ///< neighbour-to-neighbour forwarding every cycle (TPU-style skewed arrays)
};

/// "bus", "mesh", "systolic".
std::string_view topology_name(Topology t);
/// Inverse of topology_name; nullopt for an unknown name.
std::optional<Topology> parse_topology(std::string_view name);

/// The network from one storage level to its children (the next level, or the compute units).
/// A level has one network for all tensors, or one per tensor group (Eyeriss has separate filter,
/// ifmap and psum networks).
struct Network {
  std::vector<std::string> tensors;  ///< tensors carried; empty = every tensor no other network names
  Topology topology = Topology::Bus;
  bool multicast = true;             ///< one read can feed several children in one transfer
  bool spatial_reduction = false;    ///< partial sums from several children are added in the network
  double bandwidth_words = 0;        ///< words per cycle over the whole network; 0 = unlimited
  std::optional<double> hop_energy_pj;  ///< explicit energy per word per hop (overrides tech/)
  double hop_mm = 0;                 ///< wire length per hop in mm; 0 = let tech/ derive it

  /// True if this network carries `tensor` by name (a catch-all network answers false).
  bool names(std::string_view tensor) const;
  bool is_catch_all() const { return tensors.empty(); }
  bool operator==(const Network&) const = default;
};

/// A slice of a level's capacity reserved for some tensors (Eyeriss's per-PE filter, ifmap and
/// psum scratch pads; its global buffer split into filters and feature maps).
struct Partition {
  std::string name;
  std::vector<std::string> tensors;  ///< the tensors sharing this slice (at least one)
  int64_t capacity_words = 0;        ///< > 0, in words of word_bits()
  std::string cls;                   ///< technology class if it differs from the level's; "" = same
  int word_bits = 0;                 ///< word width if it differs from the level's; 0 = same

  bool holds(std::string_view tensor) const;
  bool operator==(const Partition&) const = default;
};

/// Storage technology classes that tech/ knows how to price.
inline constexpr std::string_view kStorageClasses[] = {"dram", "sram", "regfile", "latch"};
/// DRAM sub-classes (interface generations); "" means a generic DRAM.
inline constexpr std::string_view kDramSubclasses[] = {"ddr3", "ddr4", "lpddr3", "lpddr4", "hbm2", "gddr5"};

struct StorageLevel {
  std::string name;
  std::string cls = "sram";  ///< one of kStorageClasses
  std::string subclass;      ///< DRAM: one of kDramSubclasses or ""; other classes: free text
  int64_t mesh_x = 1;        ///< fanout from the parent level, columns
  int64_t mesh_y = 1;        ///< fanout from the parent level, rows
  /// Words per instance; 0 = unbounded (DRAM only). With partitions it equals their sum (in
  /// words of the level's width when all partitions share it).
  int64_t capacity_words = 0;
  std::vector<Partition> partitions;
  int word_bits = 16;
  int64_t block_words = 1;        ///< words per access (the SRAM/DRAM row width)
  double read_bandwidth = 0;      ///< words/cycle per instance; 0 = unlimited
  double write_bandwidth = 0;     ///< words/cycle per instance; 0 = unlimited
  double shared_bandwidth = 0;    ///< read + write together, words/cycle per instance; 0 = unlimited
  int multiple_buffering = 1;     ///< 2 = double buffering: a tile may use 1/2 of the capacity
  std::vector<std::string> keeps; ///< tensors it may keep; empty = every tensor
  int64_t latency_cycles = 0;     ///< latency of one transfer from this level (DRAM: ~100 cycles)
  std::vector<Network> networks;  ///< towards the children; none = one default Network{}
  std::optional<double> read_energy_pj;   ///< explicit per-word override of tech/
  std::optional<double> write_energy_pj;  ///< explicit per-word override of tech/
  std::optional<double> area_um2;         ///< explicit per-instance override of tech/
  Origin origin;

  /// Instances per instance of the parent level (mesh_x * mesh_y, overflow-checked).
  int64_t instances_per_parent() const;
  bool is_dram() const { return cls == "dram"; }
  bool is_unbounded() const { return capacity_words == 0 && partitions.empty(); }
  /// True if the level may hold `tensor` (listed in keeps, or keeps empty; and, when the level is
  /// partitioned, named by a partition).
  bool may_keep(std::string_view tensor) const;
  /// The partition holding `tensor`, or nullptr (unpartitioned level, or tensor not named).
  const Partition* partition_for(std::string_view tensor) const;
  /// Words available to `tensor` in one instance: its partition's capacity, or the shared
  /// capacity (0 = unbounded). Throws std::invalid_argument if the level may not keep it.
  int64_t capacity_for(std::string_view tensor) const;
  /// Word width used for `tensor` at this level (its partition's, or the level's).
  int word_bits_for(std::string_view tensor) const;
  /// The network that carries `tensor` to the children: the one naming it, else the catch-all,
  /// else the default Network{} (bus, multicast, no reduction, unlimited bandwidth).
  const Network& network_for(std::string_view tensor) const;
  /// Storage bits of one instance (every partition at its own width); 0 if unbounded.
  int64_t capacity_bits() const;
  /// Storage bits of one instance in technology class `cls` (partitions may differ from the level).
  int64_t capacity_bits_of_class(std::string_view cls) const;

  bool operator==(const StorageLevel&) const = default;
};

/// The arithmetic units below the innermost storage level.
struct Compute {
  std::string name = "MAC";
  int64_t mesh_x = 1;  ///< MAC units per instance of the innermost storage level, columns
  int64_t mesh_y = 1;  ///< rows
  int operand_bits = 16;
  bool floating_point = false;
  int pipeline_depth = 1;  ///< cycles from operands to result (fill latency of one MAC)
  std::optional<double> mac_energy_pj;  ///< explicit override of tech/
  Origin origin;

  int64_t instances_per_parent() const;
  bool operator==(const Compute&) const = default;
};

/// Compression formats for DRAM traffic (sparsity.compression).
inline constexpr std::string_view kCompressionFormats[] = {"rlc"};

struct Sparsity {
  bool gating = false;    ///< a zero operand skips the work (and its reads) but not the cycle
  bool skipping = false;  ///< a zero operand skips the work and the cycle
  std::vector<std::string> compressed_tensors;  ///< tensors whose DRAM traffic is compressed
  std::string compression = "rlc";  ///< the format of compressed_tensors (Eyeriss: run-length)
  bool operator==(const Sparsity&) const = default;
};

/// Technology models tech/ provides.
inline constexpr std::string_view kTechnologyModels[] = {"horowitz45", "eyeriss65"};

struct Technology {
  std::string model = "horowitz45";  ///< one of kTechnologyModels
  int node_nm = 45;                  ///< process node the energies/areas are scaled to
  bool operator==(const Technology&) const = default;
};

/// Dataflow names an architecture may declare as native (several joined with '/').
inline constexpr std::string_view kDataflows[] = {"ws", "os", "os_a", "os_b", "os_c", "is", "nlr", "rs"};

/// coda's tensor names for convolutions and GEMMs (workload::Problem).
std::vector<std::string> default_tensor_names();

struct Architecture {
  std::string name;
  std::string description;  ///< one line
  std::string reference;    ///< the publication(s) the numbers come from
  std::string dataflow;     ///< native dataflow(s), e.g. "rs" or "ws/os"; "" = unspecified
  /// Cost of changing dataflow between two consecutive MAC layers (reconfiguring the array when a
  /// network evaluation picks a dataflow per layer); 0 = free, as the Squeezelerator assumes.
  double dataflow_switch_cycles = 0;
  double dataflow_switch_energy_pj = 0;
  double clock_hz = 1e9;
  Technology tech;
  /// Tensor names the description may refer to (keeps, partitions, networks, compression).
  std::vector<std::string> tensors = default_tensor_names();
  std::vector<StorageLevel> levels;  ///< outermost first
  Compute compute;
  Sparsity sparsity;
  Origin origin;  ///< the file or preset it was read from ("<preset>/eyeriss.yaml"); see source()

  /// The file or preset the description came from.
  const std::string& source() const { return origin.where; }

  /// Total instances of level `i`: product of the fanouts from the root (overflow-checked).
  int64_t total_instances(size_t i) const;
  /// Total MAC units (instances of the innermost level x compute mesh).
  int64_t total_macs() const;
  /// Processing elements: the instances of the innermost storage level when it is replicated (a
  /// per-PE store, like Eyeriss's spads), otherwise the MAC units (a PE without local storage).
  int64_t pe_count() const;
  /// MACs per cycle at full utilization (= total_macs()).
  int64_t peak_macs_per_cycle() const { return total_macs(); }
  /// Peak MACs per second at clock_hz.
  double peak_macs_per_second() const;
  /// Index of the level named `name`.
  std::optional<size_t> level_index(std::string_view name) const;
  /// Storage bits on chip (every non-DRAM level x its total instances).
  int64_t on_chip_bits() const;
  /// Storage bits on chip in one technology class (e.g. "sram": Eyeriss's 181.5 kB).
  int64_t on_chip_bits_of_class(std::string_view cls) const;
  /// on_chip_bits() / 8.
  double on_chip_bytes() const { return static_cast<double>(on_chip_bits()) / 8.0; }
  /// True if `tensor` is one of `tensors`.
  bool knows_tensor(std::string_view tensor) const;

  bool operator==(const Architecture&) const = default;
};

}  // namespace coda::arch
