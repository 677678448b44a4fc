#include "coda/studies/eyexam.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>

#include "coda/common/error.hpp"
#include "coda/mapping/dataflows.hpp"
#include "coda/model/bind.hpp"

namespace coda::studies {
namespace {

constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The largest factor a rule admits (kNoLimit if none). Minimum factors are ignored: the steps are
// relaxations of the mapspace, so a bound computed without them is still a bound.
int64_t rule_limit(const mapping::FactorRule& r) {
  if (r.fixed > 0) return r.fixed;
  int64_t hi = r.max > 0 ? r.max : kNoLimit;
  if (!r.allowed.empty()) hi = std::min(hi, r.allowed.back());
  return hi;
}

int64_t sat_mul(int64_t a, int64_t b) { return a > kNoLimit / b ? kNoLimit : a * b; }

// One spatial axis of one level whose children fan out on it.
struct Axis {
  int level;
  mapping::Slot slot;
  int64_t fanout;
};

// Candidate factors of one dimension on one axis with `budget` units left there: for each number
// of units left to the dimensions after it (floor(budget / f)), the largest f that leaves it, as
// a larger factor never costs more cycles (ceil(B / F) falls with F). Fixed and enumerated rules
// give their own values.
void axis_candidates(const mapping::FactorRule& r, int64_t budget, int64_t bound, std::vector<int64_t>& out) {
  out.clear();
  if (r.fixed > 0) {
    if (r.fixed <= budget) out.push_back(r.fixed);
    return;
  }
  const int64_t hi = std::min({rule_limit(r), bound, budget});
  if (!r.allowed.empty()) {
    out.push_back(1);  // no loop (a relaxation if 1 is not in the set)
    for (int64_t v : r.allowed)
      if (v > 1 && v <= hi) out.push_back(v);
    return;
  }
  for (int64_t left = 1; left <= budget;) {
    const int64_t f = budget / left;  // largest f with budget / f >= left
    out.push_back(std::min(f, hi));
    left = budget / f + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

// Step 3: the fewest cycles when the dimensions share `budget` units, each up to its limit.
class PeCountBound {
 public:
  PeCountBound(const std::vector<int64_t>& bounds, const std::vector<int64_t>& limits)
      : b_(bounds), lim_(limits) {}
  int64_t solve(size_t d, int64_t budget) {
    if (d == b_.size()) return 1;
    auto key = std::make_pair(d, budget);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    int64_t best = kNoLimit;
    const int64_t hi = std::min(lim_[d], budget);
    for (int64_t left = 1; left <= budget;) {
      const int64_t f = std::min(budget / left, hi);
      best = std::min(best, ceil_div(b_[d], f) * solve(d + 1, budget / f));
      left = budget / (budget / left) + 1;
    }
    memo_.emplace(key, best);
    return best;
  }

 private:
  std::vector<int64_t> b_, lim_;
  std::map<std::pair<size_t, int64_t>, int64_t> memo_;
};

// Step 4: the fewest cycles when every axis holds the product of its own factors.
class ArrayBound {
 public:
  ArrayBound(const workload::Problem& p, const mapping::Constraints& c, std::vector<Axis> axes)
      : p_(p), c_(c), axes_(std::move(axes)) {}

  // Returns kNoLimit if no assignment satisfies the fixed factors.
  int64_t solve(int d, std::vector<int64_t>& budget) {
    if (d == p_.num_dims()) return 1;
    std::vector<int64_t> key = budget;
    key.push_back(d);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second.first;
    std::vector<int64_t> f(axes_.size(), 1), best_f;
    int64_t best = kNoLimit;
    assign(d, 0, 1, budget, f, best, best_f);
    memo_.emplace(std::move(key), std::make_pair(best, best_f));
    return best;
  }

  // The factors chosen for dimension d in state `budget` (after solve).
  const std::vector<int64_t>& choice(int d, const std::vector<int64_t>& budget) const {
    std::vector<int64_t> key = budget;
    key.push_back(d);
    return memo_.at(key).second;
  }

 private:
  void assign(int d, size_t k, int64_t product, std::vector<int64_t>& budget, std::vector<int64_t>& f,
              int64_t& best, std::vector<int64_t>& best_f) {
    if (k == axes_.size()) {
      const int64_t rest = solve(d + 1, budget);
      if (rest == kNoLimit) return;
      const int64_t cyc = ceil_div(p_.bounds[size_t(d)], std::min(product, p_.bounds[size_t(d)])) * rest;
      if (cyc < best) {
        best = cyc;
        best_f = f;
      }
      return;
    }
    const Axis& ax = axes_[k];
    std::vector<int64_t> cand;
    axis_candidates(c_.rule(ax.level, ax.slot, d), budget[k], p_.bounds[size_t(d)], cand);
    for (int64_t v : cand) {
      const int64_t saved = budget[k];
      budget[k] = saved / v;
      f[k] = v;
      assign(d, k + 1, sat_mul(product, v), budget, f, best, best_f);
      budget[k] = saved;
    }
    f[k] = 1;
  }

  const workload::Problem& p_;
  const mapping::Constraints& c_;
  std::vector<Axis> axes_;
  std::map<std::vector<int64_t>, std::pair<int64_t, std::vector<int64_t>>> memo_;
};

}  // namespace

const std::array<const char*, kEyexamSteps>& eyexam_step_names() {
  static const std::array<const char*, kEyexamSteps> n{"shape", "dataflow", "PEs",
                                                       "array", "capacity", "bandwidth"};
  return n;
}

EyexamShapeBound eyexam_shape_bound(const workload::Problem& p, const model::Machine& m,
                                    const mapping::Constraints& c) {
  const int D = p.num_dims();
  std::vector<Axis> axes;
  for (int i = 0; i < m.num_levels; ++i) {
    if (const int64_t fx = mapping::child_fanout_x(m, i); fx > 1)
      axes.push_back({i, mapping::Slot::SpatialX, fx});
    if (const int64_t fy = mapping::child_fanout_y(m, i); fy > 1)
      axes.push_back({i, mapping::Slot::SpatialY, fy});
  }
  EyexamShapeBound out;
  // Step 1: all MACs in one cycle.
  out.cycles[0] = 1;
  // Step 2: the dataflow's spatial dimensions fully parallel, the others in time.
  // Step 3: the same dimensions sharing the machine's MAC units, whatever the array's shape.
  std::vector<int64_t> lim2(size_t(D), 1), bounds(p.bounds.begin(), p.bounds.end());
  int64_t units = 1;
  for (const Axis& ax : axes) units = sat_mul(units, ax.fanout);
  for (int d = 0; d < D; ++d) {
    for (const Axis& ax : axes)
      lim2[size_t(d)] = sat_mul(lim2[size_t(d)], rule_limit(c.rule(ax.level, ax.slot, d)));
    lim2[size_t(d)] = std::min(lim2[size_t(d)], bounds[size_t(d)]);
  }
  int64_t c2 = 1;
  for (int d = 0; d < D; ++d) c2 *= ceil_div(bounds[size_t(d)], lim2[size_t(d)]);
  out.cycles[1] = c2;
  out.cycles[2] = PeCountBound(bounds, lim2).solve(0, units);
  // Step 4: per axis.
  ArrayBound ab(p, c, axes);
  std::vector<int64_t> budget;
  for (const Axis& ax : axes) budget.push_back(ax.fanout);
  const int64_t c4 = ab.solve(0, budget);
  out.feasible = c4 != kNoLimit;
  out.cycles[3] = out.feasible ? c4 : out.cycles[2];
  out.spatial.assign(size_t(D), 1);
  if (out.feasible) {
    std::vector<std::string> per_axis(axes.size());
    for (int d = 0; d < D; ++d) {
      const std::vector<int64_t> f = ab.choice(d, budget);
      for (size_t k = 0; k < axes.size(); ++k) {
        out.spatial[size_t(d)] *= f[k];
        if (f[k] > 1) per_axis[k] += fmt::format(" {}={}", p.dim_names[size_t(d)], f[k]);
        budget[k] /= f[k];
      }
    }
    for (size_t k = 0; k < axes.size(); ++k) {
      if (per_axis[k].empty()) continue;
      if (!out.assignment.empty()) out.assignment += ";";
      out.assignment +=
          fmt::format("{}{} {}:{}", out.assignment.empty() ? "" : " ", m.levels[size_t(axes[k].level)].name,
                      axes[k].slot == mapping::Slot::SpatialX ? "X" : "Y", per_axis[k]);
    }
  }
  return out;
}

EyexamResult eyexam(const workload::Network& net, const arch::Architecture& a, const std::string& dataflow,
                    const std::string& objective, const MapperFactory& mappers) {
  EyexamResult out;
  out.network = net.spec.name;
  out.arch = a.name;
  out.batch = net.batch;
  out.objective = objective;
  out.peak = a.total_macs();
  out.dataflow = !dataflow.empty() ? dataflow : mapping::native_dataflow(a.dataflow);
  const network::LayerMapper modelled = mappers(objective);
  const network::LayerMapper compute = mappers("compute-cycles");
  const network::LayerMapper roofline = mappers("roofline-cycles");
  const tech::Library lib = model::library_for(a);
  std::map<std::string, int> seen;
  for (const auto& layer : net.layers) {
    if (!layer.problem || layer.problem->op != workload::Op::Mac) continue;
    const auto& p = *layer.problem;
    EyexamLayer row;
    row.layer = layer.spec.name;
    row.macs = p.points();
    row.dataflow = out.dataflow;
    const std::string key = network::problem_key(p);
    if (auto it = seen.find(key); it != seen.end()) {
      const EyexamLayer& prev = out.layers[size_t(it->second)];
      row.same_as = it->second;
      row.cycles = prev.cycles;
      row.modelled_cycles = prev.modelled_cycles;
      row.assignment = prev.assignment;
    } else {
      model::Machine m = model::bind(a, lib, p);
      m.sparsity.skipping = false;  // dense MACs per cycle (see the header)
      const auto c = mapping::dataflow_constraints(out.dataflow, p, m);
      const EyexamShapeBound sb = eyexam_shape_bound(p, m, c);
      const network::MapOutcome mo = modelled(p, m, out.dataflow);
      if (!mo.found)
        throw InputError(
            fmt::format("eyexam: network '{}', layer '{}': no valid mapping on '{}' under dataflow '{}': {}",
                        out.network, row.layer, a.name, out.dataflow, mo.why));
      const network::MapOutcome m5 = compute(p, m, out.dataflow);
      const network::MapOutcome m6 = roofline(p, m, out.dataflow);
      // Every mapping found is in the mapspace, so the best of them bounds steps 5 and 6.
      double c5 = double(mo.result.compute_cycles), c6 = mo.result.cycles - mo.result.exposed_cycles;
      for (const auto* o : {&m5, &m6}) {
        if (!o->found) continue;
        c5 = std::min(c5, double(o->result.compute_cycles));
        c6 = std::min(c6, o->result.cycles - o->result.exposed_cycles);
      }
      for (int s = 0; s < 4; ++s) row.cycles[size_t(s)] = double(sb.cycles[size_t(s)]);
      row.cycles[4] = c5;
      row.cycles[5] = c6;
      row.modelled_cycles = mo.result.cycles;
      row.assignment = sb.assignment;
      // Steps 1-4 are exact relaxations: a mapping faster than them is a bug in the model or here.
      if (!sb.feasible || row.cycles[3] > c5)
        throw std::logic_error(
            fmt::format("eyexam: layer '{}': step 4 allows {} cycles but a mapping computes in {}", row.layer,
                        row.cycles[3], c5));
      seen.emplace(key, int(out.layers.size()));
    }
    out.macs += row.macs;
    for (int s = 0; s < kEyexamSteps; ++s) out.cycles[size_t(s)] += row.cycles[size_t(s)];
    out.modelled_cycles += row.modelled_cycles;
    out.layers.push_back(std::move(row));
  }
  if (out.layers.empty()) throw InputError(fmt::format("eyexam: network '{}' has no MAC layer", out.network));
  return out;
}

}  // namespace coda::studies
