#pragma once
// The Mapspace (design.md §3, §5): the legal mappings of one Problem on one machine under a set of
// Constraints, as a space the mapper can count, enumerate, sample and walk.
//
// A point of the space is
//  - a *tiling*: for every dimension, a factor per slot (level x {temporal, spatial-X,
//    spatial-Y}; spatial slots exist where the children fan out on that axis), the slots' factors
//    covering the bound (exactly, or with ceil where a rule allows imperfect factors; the
//    outermost slot, level 0 temporal, takes what remains), and a keep mask per level;
//  - a temporal loop *order* per level, up to equivalence: two orders are equivalent when every
//    access count is the same for both. Per tensor, what matters is (docs/mapper.md §3): the set of
//    loops outside its innermost "simple" loop (a dimension it depends on alone in a rank), and
//    the exact sequence inside it, where adjacent loops it does not depend on commute. A level's
//    order only matters for tensors kept below it (the MAC units retain nothing), so the innermost
//    level has a single order. Only the lexicographically first order of each class that matches
//    the order constraints is generated (the *canonical* order).
// Spatial loops are written X then Y, dimensions ascending (their order does not change any
// count).
//
// Capacity is checked per level with the model's own tile sizes (model::tile_footprint) as soon as
// the loops at and below the level are fixed, so the enumeration prunes a partial tiling before
// choosing anything above it. The model remains the judge: every point the mapper keeps has been
// evaluated and found valid by model::evaluate.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "coda/common/rng.hpp"
#include "coda/mapping/constraints.hpp"
#include "coda/mapping/mapping.hpp"
#include "coda/model/machine.hpp"
#include "coda/model/transfers.hpp"
#include "coda/workload/problem.hpp"

namespace coda::mapping {

/// One point of a mapspace, fixed-size (no allocation when copied).
struct Point {
  /// f[level][slot][dim]: the factor of a dimension at one slot (1 = no loop).
  std::array<std::array<std::array<int64_t, model::kMaxDims>, kNumSlots>, model::kMaxLevels> f{};
  std::array<uint32_t, model::kMaxLevels> keep{};
  /// order[level][k]: dimensions of the temporal loops with factor > 1, outer to inner.
  std::array<std::array<int8_t, model::kMaxDims>, model::kMaxLevels> order{};
  std::array<int8_t, model::kMaxLevels> order_len{};
  bool operator==(const Point&) const = default;
};

/// Counts of why candidates were rejected, for the "nothing fits" message and statistics.
struct RejectStats {
  int64_t fanout = 0, capacity = 0, utilization = 0;
  /// capacity rejections per level and pool (0 = shared capacity, 1 + k = partition k)
  std::array<std::array<int64_t, model::kMaxTensors + 1>, model::kMaxLevels> pool{};
  void add(const RejectStats& o);
};

class Mapspace {
 public:
  /// Binds a constraint set to a problem and machine. Throws InputError if the constraints were
  /// built for another problem or machine shape.
  Mapspace(const workload::Problem& p, const model::Machine& m, Constraints c);
  Mapspace(const Mapspace&) = delete;
  Mapspace& operator=(const Mapspace&) = delete;

  const workload::Problem& problem() const { return p_; }
  const model::Machine& machine() const { return m_; }
  const Constraints& constraints() const { return c_; }
  int num_levels() const { return L_; }
  int num_dims() const { return D_; }

  /// The mapping a point stands for.
  Mapping to_mapping(const Point& pt) const;
  /// The same into an existing mapping, reusing its storage (the mapper's hot path).
  void to_mapping(const Point& pt, Mapping& out) const;
  /// The point of a mapping (the inverse of to_mapping for mappings with at most one loop per
  /// dimension and slot; repeated loops are multiplied together).
  Point point_of(const Mapping& m) const;

  // ---- size ----
  /// Exact number of per-dimension factorizations allowed by the factor rules (product over
  /// dimensions), before fanout, capacity and utilization.
  double factorization_count() const;
  /// factorization_count() x keep choices x the largest number of canonical orders per level: an
  /// upper bound of the space before capacity.
  double upper_bound() const;

  /// Keep/bypass choices per tiling (product over levels of 2^free tensors).
  double keep_choices() const;
  /// Exact number of factorizations that also fit every fanout and utilization constraint, when
  /// the spatial factors are drawn jointly (docs/mapper.md §4, "Sampling"); -1 when they are not
  /// (no spatial slots, or too many spatial-factor combinations to tabulate).
  double fanout_fitting_count() const { return joint_.on ? joint_.g[0][0] : -1.0; }
  struct Estimate {
    double points = 0;       ///< estimated number of legal points (tilings x their canonical orders)
    double acceptance = 0;   ///< fraction of uniform draws that fit
    double mean_orders = 0;  ///< mean canonical orders per fitting tiling
    int64_t attempts = 0, accepted = 0;
  };
  /// Monte Carlo estimate of the size of the legal space from `attempts` uniform draws; calls
  /// `accepted` (if set) with every fitting draw.
  Estimate estimate(Rng& rng, int64_t attempts,
                    const std::function<void(const Point&)>& accepted = nullptr) const;

  // ---- enumeration (exhaustive search) ----
  /// Calls visit(point) for every tiling (factors and keeps; orders left empty) that satisfies
  /// the fanouts, the capacities and the utilization constraints, in a fixed order. Capacity is
  /// checked per level, innermost first, as soon as the level's loops are fixed. visit returns
  /// false to stop; returns false if stopped. `stats` (optional) accumulates rejections.
  bool for_each_tiling(const std::function<bool(const Point&)>& visit, RejectStats* stats = nullptr) const;
  /// Calls visit(point) for every canonical order combination of a tiling, in a fixed order.
  bool for_each_order(const Point& tiling, const std::function<bool(const Point&)>& visit) const;
  /// Number of canonical order combinations of a tiling.
  double order_count(const Point& tiling) const;

  // ---- sampling ----
  /// One attempt at a uniform draw: every factorization that fits the fanouts and utilization
  /// constraints is equally likely (the spatial factors of all dimensions drawn jointly, then each
  /// dimension's split given its spatial factors, by dynamic programming over the slots), then
  /// uniform keep choices and, per level, a uniform canonical order class. Returns false (and the
  /// caller tries again) if the draw overflows a buffer: accepted draws are uniform over the legal
  /// tilings. Where the joint tables are off (fanout_fitting_count() < 0) every dimension is drawn
  /// independently and draws that exceed a fanout or miss a utilization constraint are rejected
  /// too.
  bool sample(Rng& rng, Point& out, RejectStats* stats = nullptr) const;
  /// A draw built level by level, innermost first, redrawing a level (up to `tries` times) until
  /// it fits: not uniform, but finds legal points in spaces where fitting tilings are rare.
  bool sample_constructive(Rng& rng, Point& out, int tries = 64) const;

  // ---- local search ----
  /// A random neighbour of `from` satisfying the factor, order, fanout, keep and utilization
  /// constraints and the capacities: a prime factor moved between two slots of a dimension, a
  /// dimension redrawn, two loops of a level swapped, a keep flipped. False if none was found
  /// in a few tries.
  bool neighbour(Rng& rng, const Point& from, Point& to) const;

  // ---- checks ----
  /// True if the point satisfies the fanouts, capacities and utilization constraints (the rules
  /// are satisfied by construction).
  bool fits(const Point& pt, RejectStats* stats = nullptr) const;
  /// Rewrites every level's order to the canonical order of its class (dimensions with factor 1
  /// removed, new ones appended innermost, then the pattern enforced).
  void canonicalize(Point& pt) const;

  /// Why the space is empty: the tightest constraint, in words ("level PE partition ifmap_spad
  /// holds 12 words but Inputs need at least 33 under: PE temporal S = 11 (dataflow rs ...)").
  /// `stats` from a failed enumeration refines the message. Empty if no reason was found.
  std::string diagnose(const RejectStats* stats = nullptr) const;

 private:
  struct SlotInfo {
    int level;
    Slot kind;
    int64_t cap;  // fanout of the axis for spatial slots; 0 for temporal
  };
  // The legal factors of one slot given what the inner slots leave of the bound, with the number
  // of ways to complete the outer slots after each (for uniform sampling without allocation).
  struct State {
    double count = 0;              // ways to split `rem` over this slot and the outer ones
    std::vector<int64_t> f;        // legal factors, ascending
    std::vector<int64_t> next;     // remaining after each factor
    std::vector<double> cum;       // cumulative ways (for drawing a factor)
    std::vector<const State*> to;  // the next slot's state after each factor (null at the last slot)
    // Ways to split `rem` over this slot and the outer ones, by the spatial factors they give the
    // spatial slots among them: (key of the factors, ways), keys ascending (see Joint).
    std::vector<std::pair<uint32_t, double>> by_key;
  };
  struct DimSpace {
    std::vector<int> slots;  // indices into slots_, innermost first; the last is level 0 temporal
    std::vector<std::unordered_map<int64_t, State>> states;  // per slot position: remaining -> state
    const State* root = nullptr;  // states[0] at the whole bound (null if the dimension has no split)
  };
  const State& state(int d, int j, int64_t rem) const;
  // The joint draw of the spatial factors. A vector of factors, one per spatial slot sigma, is
  // encoded as the key sum_sigma (factor_sigma - 1) x stride_sigma (mixed radix, digit < cap).
  // The root state's by_key of dimension d lists the keys its splits can give, with their numbers
  // of splits; g[d][a] is the number of ways the dimensions d.. can split given that the
  // dimensions before d multiplied to the factors of key a, with every product within its fanout
  // and the utilization constraints met at the end.
  struct Joint {
    bool on = false;
    int S = 0;                           // spatial slots
    uint32_t K = 1;                      // keys
    std::vector<int> sigma_of_slot;      // slots_ index -> spatial index, or -1 for temporal slots
    std::vector<uint32_t> stride;        // per spatial slot
    std::vector<int64_t> cap;            // per spatial slot: the fanout of its axis
    std::vector<int64_t> digit;          // K x S: the factor of each spatial slot, per key
    std::vector<std::vector<double>> g;  // (D + 1) x K
  };
  void build_joint();
  /// Key of the component-wise product of two keys' factors; kNoKey if one exceeds its fanout.
  uint32_t joint_product(uint32_t a, uint32_t b) const;
  static constexpr uint32_t kNoKey = ~0u;
  bool sample_joint(Rng& rng, Point& pt) const;
  /// Dimension d's split given the spatial factors `key` (drawn uniformly among those splits).
  bool sample_dim_given(Rng& rng, int d, uint32_t key, Point& pt) const;
  /// Index of a factor of `s` drawn with probability proportional to its completions.
  size_t draw(Rng& rng, const State& s) const;
  struct OrderClasses {
    std::vector<std::vector<int8_t>> reps;  // canonical orders, lexicographic
    std::unordered_map<std::string, int> by_signature;
  };

  void choices(int d, int j, int64_t rem, std::vector<int64_t>& out) const;
  double count_from(int d, int j, int64_t rem) const;
  int slot_index(int level, Slot s) const { return slot_of_[size_t(level)][size_t(s)]; }
  int64_t next_rem(int d, int j, int64_t rem, int64_t f) const;

  int64_t tile(const std::array<int64_t, model::kMaxDims>& ext, int t) const;
  /// Capacity of level l with extents at and below it; `keep` the kept tensors. On failure sets
  /// *pool_out to the failing pool.
  bool level_fits(int l, const std::array<int64_t, model::kMaxDims>& ext, uint32_t keep, int* pool_out) const;
  void extents_at(const Point& pt, int l, std::array<int64_t, model::kMaxDims>& ext) const;
  bool spatial_ok(const Point& pt, int l) const;
  bool utilization_ok(const Point& pt, int l) const;  // l = -1: the global constraint
  uint32_t free_keeps(int l) const;
  uint32_t forced_keeps(int l) const;
  uint32_t all_tensors() const { return (1u << p_.num_tensors()) - 1u; }

  uint32_t imperfect_mask(const Point& pt) const;
  uint32_t tensors_below(const Point& pt, int l) const;
  const OrderClasses& order_classes(int l, uint32_t active, uint32_t tensors, uint32_t imperfect) const;
  std::string signature(const std::vector<int8_t>& order, uint32_t tensors, uint32_t imperfect) const;

  // The exhaustive enumeration: level l (innermost first), dimension d. `forced_fit`: the tiles
  // of the tensors level l must keep are known to fit with the factors chosen at l so far.
  bool tiling_dfs(int l, int d, Point& pt, std::array<int64_t, model::kMaxDims>& rem,
                  const std::function<bool(const Point&)>& visit, RejectStats* st, bool forced_fit) const;
  struct DfsStep {  // one (level, dimension) of tiling_dfs
    int l = 0, d = 0, j1 = 0, n = 0;
    int64_t px = 1, py = 1, fx = 1, fy = 1, start = 1;
    uint32_t forced = 0;
    bool forced_uses_d = false, forced_fit = false;
  };
  bool choose_slots(const DfsStep& c, int j, const State* stt, int64_t r, Point& pt,
                    std::array<int64_t, model::kMaxDims>& rem, const std::function<bool(const Point&)>& visit,
                    RejectStats* st) const;
  bool sample_dim(Rng& rng, int d, Point& pt) const;

  const workload::Problem& p_;
  const model::Machine& m_;
  Constraints c_;
  int L_ = 0, D_ = 0;
  std::vector<SlotInfo> slots_;
  std::vector<std::array<int, kNumSlots>> slot_of_;  // [level][slot] -> index or -1
  std::vector<DimSpace> dims_;
  Joint joint_;
  // Per tensor and dimension: 0 irrelevant, 1 simple (alone in a rank), 2 complex (in a rank with
  // other dimensions).
  std::array<std::array<int8_t, model::kMaxDims>, model::kMaxTensors> dep_{};
  int64_t total_units_ = 1;
  /// Each tensor's ranks as the model counts them, built once: the capacity checks of every draw
  /// size tiles from them (tile()).
  std::vector<model::Ranks> ranks_;
  std::array<int64_t, model::kMaxDims> bounds_{};
  /// Non-empty when a rule can never hold (a factor > 1 required on an axis without fanout).
  std::string dead_;
  mutable std::mutex cache_mu_;
  mutable std::unordered_map<uint64_t, std::unique_ptr<OrderClasses>> cache_;
};

}  // namespace coda::mapping
