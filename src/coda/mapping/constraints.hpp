#pragma once
// Constraints on the mappings of one Problem on one machine (design.md §3 "Constraints and
// Mapspace"). A dataflow (WS, OS, RS, ...) is a named set of constraints (mapping/dataflows.hpp);
// a user can write one in YAML (io/constraints_yaml.hpp, docs/formats.md "Constraints YAML") or
// import Timeloop's. The Mapspace (mapping/mapspace.hpp) enumerates and samples exactly the
// mappings that satisfy them; `violation()` checks a given mapping against them.
//
// A mapping has, per storage level, three *slots* per dimension: the temporal loop, the spatial
// loop on the X axis of the children's mesh and the spatial loop on the Y axis. Constraints are:
//  - a FactorRule per (level, slot, dimension): fixed factor, bounds, an allowed set, and whether
//    the factor may leave a remainder (imperfect, ceil tiling);
//  - per level, a pattern for the order of the temporal loops (blocks of dimensions, outer to
//    inner, with one wildcard position for the dimensions no block names);
//  - per level, tensors that must be kept and tensors that must bypass it;
//  - minimum utilization of a level's children (spatial factors / fanout) and of the MAC units.
// Dimensions and tensors are indices into the Problem; levels are indices into the machine.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "coda/mapping/mapping.hpp"
#include "coda/model/machine.hpp"
#include "coda/workload/problem.hpp"

namespace coda::mapping {

enum class Slot : int { Temporal = 0, SpatialX = 1, SpatialY = 2 };
inline constexpr int kNumSlots = 3;
const char* slot_name(Slot s);  ///< "temporal", "spatial-X", "spatial-Y"

/// What the factor of one dimension may be at one slot of one level. A factor of 1 means "no
/// loop". The factor of a slot is the product of the mapping's loops of that dimension there.
struct FactorRule {
  int64_t fixed = 0;             ///< > 0: exactly this factor
  int64_t min = 1;               ///< smallest allowed factor (>= 1)
  int64_t max = 0;               ///< largest allowed factor; 0 = no limit
  std::vector<int64_t> allowed;  ///< non-empty: only these factors (ascending)
  /// The factor need not divide what the inner slots leave of the bound: the dimension is then
  /// tiled with ceil (the last tile is partial). Without it, factors divide exactly, except the
  /// outermost slot (level 0 temporal), which always takes whatever remains.
  bool imperfect = false;
  std::string origin;  ///< where the rule was stated ("file.yaml:12", "dataflow rs"), for messages

  bool admits(int64_t f) const;
  /// True if the rule admits every factor (no restriction besides divisibility).
  bool is_free() const { return fixed == 0 && min <= 1 && max == 0 && allowed.empty(); }
  /// Human-readable restriction: "= 3", "<= 16", "in {1, 2, 4}", ">= 2 and <= 8", "any".
  std::string describe() const;
};

/// A block of a level's temporal order: the loops of these dimensions are adjacent; their
/// relative order is free unless the block has a single dimension.
struct OrderBlock {
  std::vector<int> dims;
  bool operator==(const OrderBlock&) const = default;
};

struct LevelConstraints {
  /// factors[slot][dim]
  std::array<std::vector<FactorRule>, kNumSlots> factors;
  /// Temporal order pattern, outer to inner. Dimensions named by no block are free and sit at
  /// position `wildcard` (before order[wildcard]; order.size() = innermost). Only loops with a
  /// factor > 1 take part (a factor-1 loop is no loop).
  std::vector<OrderBlock> order;
  int wildcard = 0;
  std::string order_origin;
  uint32_t keep = 0;    ///< tensors this level must keep
  uint32_t bypass = 0;  ///< tensors this level must not keep
  std::string keep_origin;
  /// Minimum fraction of this level's children used by its spatial loops (X x Y product over
  /// fanout_x x fanout_y of the children); 0 = none.
  double min_utilization = 0;
  std::string utilization_origin;
};

/// The roles dataflows are written against, so that they apply to machines of 2 to 8 levels.
struct LevelRoles {
  int dram = 0;  ///< the outermost level (the backing store)
  int glb = 0;   ///< the outermost level whose spatial loops fan out (the buffer above the PE
                 ///< array); L-2 if nothing fans out
  int pe = 0;    ///< the innermost storage level (the PE-local store)
  /// Levels whose children are replicated (fanout > 1 on some axis), outermost first.
  std::vector<int> spatial;
};
LevelRoles level_roles(const model::Machine& m);

/// Children of level i along X and Y (instances of level i+1, or MAC units below the innermost).
int64_t child_fanout_x(const model::Machine& m, int level);
int64_t child_fanout_y(const model::Machine& m, int level);

class Constraints {
 public:
  Constraints() = default;
  /// No restriction besides the machine (every factor, order, spatial split and bypass choice)
  /// for Problem `p` on machine `m` (names are kept for messages).
  Constraints(const workload::Problem& p, const model::Machine& m);

  std::string name;  ///< "dataflow rs", the file it was read from, ...
  int num_levels() const { return int(levels.size()); }
  int num_dims() const { return int(dim_names.size()); }
  int num_tensors() const { return int(tensor_names.size()); }
  std::vector<std::string> dim_names, tensor_names, level_names;

  std::vector<LevelConstraints> levels;
  /// Minimum fraction of the machine's MAC units the mapping must use (product of all spatial
  /// factors over the number of MAC units); 0 = none.
  double min_utilization = 0;
  std::string utilization_origin;

  FactorRule& rule(int level, Slot s, int dim) { return levels[size_t(level)].factors[size_t(s)][size_t(dim)]; }
  const FactorRule& rule(int level, Slot s, int dim) const {
    return levels[size_t(level)].factors[size_t(s)][size_t(dim)];
  }

  /// Restricts a rule further (both the existing rule and `r` must hold). Throws InputError when
  /// the two cannot both hold (two different fixed factors, a fixed factor outside a bound, ...),
  /// naming both origins.
  void restrict(int level, Slot s, int dim, const FactorRule& r);
  /// Allows a dimension on a spatial axis of a level only if it is in `dims` (others are fixed to 1).
  void allow_spatial_only(int level, Slot s, const std::vector<int>& dims, const std::string& origin);
  /// Sets every rule's `imperfect` flag.
  void set_imperfect(bool on);
  /// Forces a keep / bypass of a tensor at a level; InputError if it contradicts an earlier one.
  void force_keep(int level, int tensor, bool keep, const std::string& origin);
  /// Sets the temporal order pattern of a level; InputError if one was already set.
  void set_order(int level, std::vector<OrderBlock> order, int wildcard, const std::string& origin);
  /// Both constraint sets must hold (used to combine architecture and mapspace constraints).
  void merge(const Constraints& other);

  /// Empty if the mapping satisfies every constraint; otherwise the first violation, naming the
  /// level, dimension and the rule's origin. `dim_names`/`level_names`/tensor names are taken from
  /// the Problem and the Machine.
  std::string violation(const Mapping& map, const workload::Problem& p, const model::Machine& m) const;

  /// True if a temporal order (dimensions of the loops with factor > 1, outer to inner) matches
  /// the level's pattern.
  bool order_matches(int level, const std::vector<int>& dims_outer_to_inner) const;

  /// One line per non-trivial constraint ("PE temporal: S = 3 (dataflow rs)"), for `coda map`.
  std::string describe(const workload::Problem& p, const model::Machine& m) const;

};

}  // namespace coda::mapping
