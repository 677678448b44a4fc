#include "coda/mapping/dataflows.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "coda/common/error.hpp"

namespace coda::mapping {
namespace {

// Tensor roles of a MAC-like problem (missing roles are -1: pooling has no weights).
struct Roles {
  int w = -1, i = -1, o = -1;
};

Roles tensor_roles(const workload::Problem& p) {
  Roles r;
  r.o = p.output_index();
  for (int t = 0; t < p.num_tensors(); ++t)
    if (t != r.o && p.tensors[size_t(t)].is_parameter && r.w < 0) r.w = t;
  if (r.w < 0 && p.tensor_index("Weights") >= 0 && p.tensor_index("Weights") != r.o) r.w = p.tensor_index("Weights");
  for (int t = 0; t < p.num_tensors(); ++t)
    if (t != r.o && t != r.w && r.i < 0) r.i = t;
  return r;
}

bool dep(const workload::Problem& p, int t, int d) { return t >= 0 && p.depends_on(t, d); }

// True if dimension d shares a rank of tensor t with another dimension (a sliding window: the
// R and S of the inputs' P*stride + R*dilation).
bool sliding(const workload::Problem& p, int t, int d) {
  if (t < 0) return false;
  for (const auto& rank : p.tensors[size_t(t)].ranks) {
    bool has = false;
    int others = 0;
    for (const auto& term : rank.terms) {
      if (term.coef == 0) continue;
      if (term.dim == d)
        has = true;
      else
        ++others;
    }
    if (has && others > 0) return true;
  }
  return false;
}

// The dimensions of the problem that satisfy `pred`.
template <class F>
std::vector<int> dims_where(const workload::Problem& p, F pred) {
  std::vector<int> v;
  for (int d = 0; d < p.num_dims(); ++d)
    if (pred(d)) v.push_back(d);
  return v;
}

std::vector<int> named(const workload::Problem& p, std::initializer_list<const char*> names) {
  std::vector<int> v;
  for (const char* n : names)
    if (p.dim_index(n) >= 0) v.push_back(p.dim_index(n));
  return v;
}

class Builder {
 public:
  Builder(const std::string& df, const workload::Problem& p, const model::Machine& m)
      : c(p, m), p_(p), m_(m), roles_(level_roles(m)), tr_(tensor_roles(p)), origin_("dataflow " + df) {
    c.name = "dataflow " + df;
  }

  Constraints c;

  const LevelRoles& roles() const { return roles_; }
  const Roles& tensors() const { return tr_; }

  // PE-local levels: below glb.
  std::vector<int> pe_levels() const {
    std::vector<int> v;
    for (int i = roles_.glb + 1; i < m_.num_levels; ++i) v.push_back(i);
    return v;
  }
  // Spatial levels at or below glb.
  std::vector<int> spatial_levels() const {
    std::vector<int> v;
    for (int i : roles_.spatial)
      if (i >= roles_.glb) v.push_back(i);
    return v;
  }

  void spatial_only(int level, Slot s, const std::vector<int>& dims, const std::string& why) {
    c.allow_spatial_only(level, s, dims, origin_ + ": " + why);
  }
  void spatial_only_both(int level, const std::vector<int>& dims, const std::string& why) {
    spatial_only(level, Slot::SpatialX, dims, why);
    spatial_only(level, Slot::SpatialY, dims, why);
  }
  void fix(int level, Slot s, int dim, int64_t f, const std::string& why) {
    if (dim < 0) return;
    FactorRule r;
    r.fixed = f;
    r.origin = origin_ + ": " + why;
    c.restrict(level, s, dim, r);
  }
  void temporal_only(int level, const std::vector<int>& dims, const std::string& why) {
    for (int d = 0; d < p_.num_dims(); ++d)
      if (std::find(dims.begin(), dims.end(), d) == dims.end()) fix(level, Slot::Temporal, d, 1, why);
  }
  void imperfect(int level, Slot s, int dim) {
    if (dim >= 0) c.rule(level, s, dim).imperfect = true;
  }
  // The loops of `dims` are the innermost temporal loops of `level` (any order among them).
  void innermost(int level, const std::vector<int>& dims, const std::string& why) {
    if (dims.empty()) return;
    c.set_order(level, {OrderBlock{dims}}, 0, origin_ + ": " + why);
  }
  // Keeps exactly `tensors` (those the architecture allows) at `level`; bypasses the others.
  void keep_only(int level, std::vector<int> tensors, const std::string& why) {
    for (int t = 0; t < p_.num_tensors(); ++t) {
      const bool want = std::find(tensors.begin(), tensors.end(), t) != tensors.end();
      if (want && !m_.levels[size_t(level)].may_keep[size_t(t)]) {
        c.force_keep(level, t, true, origin_ + ": " + why);  // unsatisfiable: reported by the mapspace
        continue;
      }
      c.force_keep(level, t, want, origin_ + ": " + why);
    }
  }
  // Levels from 1 to glb keep what the architecture lets them keep, except the tensors of
  // `free_at_glb`, which the glb may keep or bypass (the mapper chooses).
  void keep_intermediate(uint32_t free_at_glb = 0) {
    for (int i = 1; i <= roles_.glb && i < m_.num_levels; ++i)
      for (int t = 0; t < p_.num_tensors(); ++t) {
        if (i == roles_.glb && (free_at_glb >> t & 1u)) continue;
        c.force_keep(i, t, m_.levels[size_t(i)].may_keep[size_t(t)], origin_ + ": buffers keep what they may");
      }
  }
  // Applies the stationarity of tensor `t` at the PE-local levels: they keep only `keep`, and at
  // every level above a PE-local store (glb .. pe-1) the loops `t` does not depend on are innermost.
  // The PE-local temporal loops iterate over the stationary tile only: a PE-level loop over a
  // dimension the stationary tensor does not use would be the same as that loop placed innermost
  // at the level above (the other tensors stream past the PE), so it is not generated.
  void stationary(int t, const std::vector<int>& keep, const std::string& what) {
    for (int i : pe_levels()) keep_only(i, keep, what + " stays in the PE");
    if (t < 0) return;
    auto irrelevant = dims_where(p_, [&](int d) { return !dep(p_, t, d) && p_.bounds[size_t(d)] > 1; });
    for (int i = roles_.glb; i + 1 < m_.num_levels; ++i)
      innermost(i, irrelevant, what + " stays while the loops it does not use run innermost");
    auto relevant = dims_where(p_, [&](int d) { return dep(p_, t, d); });
    for (int i : pe_levels()) temporal_only(i, relevant, "PE loops run over the " + what + " the PE holds");
  }

 private:
  const workload::Problem& p_;
  const model::Machine& m_;
  LevelRoles roles_;
  Roles tr_;
  std::string origin_;
};

Constraints build(const std::string& name, const workload::Problem& p, const model::Machine& m) {
  Builder b(name, p, m);
  const Roles& t = b.tensors();
  const int W = t.w, I = t.i, O = t.o;
  if (name == "any") {
    b.c.name = "dataflow any";
    return b.c;
  }
  // Row stationary: the glb may send the filters straight from DRAM to the PEs (Eyeriss's 8 kB
  // filter partition cannot hold CONV1's 96 filters of 11 x 11).
  b.keep_intermediate(name == "rs" && W >= 0 ? 1u << W : 0u);
  const int glb = b.roles().glb;
  const auto spatial = b.spatial_levels();
  // Dimension classes (docs/mapper.md): for a convolution, out-channels = M (G), reduction =
  // C (and R, S through the sliding window), pixels = N, P, Q.
  auto out_channels = dims_where(p, [&](int d) { return dep(p, W, d) && dep(p, O, d); });             // M, G
  auto reduction = dims_where(p, [&](int d) { return dep(p, W, d) && !dep(p, O, d); });              // C, R, S
  auto channel_reduction = dims_where(p, [&](int d) { return dep(p, W, d) && !dep(p, O, d) && !sliding(p, I, d); });  // C
  auto pixels = dims_where(p, [&](int d) { return dep(p, O, d) && !dep(p, W, d); });                 // N, P, Q
  auto weight_dims = dims_where(p, [&](int d) { return dep(p, W, d); });
  auto output_dims = dims_where(p, [&](int d) { return dep(p, O, d); });
  auto input_dims = dims_where(p, [&](int d) { return dep(p, I, d); });
  auto cat = [](std::vector<int> a, const std::vector<int>& b2) {
    for (int x : b2)
      if (std::find(a.begin(), a.end(), x) == a.end()) a.push_back(x);
    std::sort(a.begin(), a.end());
    return a;
  };

  if (name == "ws" || name == "ws-tpu" || name == "ws-nvdla") {
    b.stationary(W, {W}, "Weights");
    if (name == "ws") {
      for (int i : spatial) b.spatial_only_both(i, weight_dims, "PEs hold different weights");
    } else if (name == "ws-tpu") {
      // A systolic array: columns are output channels, rows the reduction (inputs flow along
      // rows, partial sums down the columns); one weight per PE.
      for (int i : spatial) {
        b.spatial_only(i, Slot::SpatialX, out_channels, "columns are output channels");
        b.spatial_only(i, Slot::SpatialY, reduction, "rows are the reduction");
      }
      for (int i : b.pe_levels()) b.temporal_only(i, {}, "one weight per PE");
    } else {
      // NVDLA: output channels across the MAC cells, input channels across the MACs of a cell
      // (the cell's adder tree reduces them); filter taps in time.
      if (spatial.size() >= 2) {
        b.spatial_only_both(spatial[0], out_channels, "MAC cells take output channels");
        for (size_t k = 1; k < spatial.size(); ++k)
          b.spatial_only_both(spatial[k], channel_reduction, "the MACs of a cell take input channels");
      } else {
        for (int i : spatial) {
          b.spatial_only(i, Slot::SpatialX, channel_reduction, "columns take input channels");
          b.spatial_only(i, Slot::SpatialY, out_channels, "rows take output channels");
        }
      }
    }
    return b.c;
  }
  if (name == "os" || name == "os_a" || name == "os_b" || name == "os_c") {
    b.stationary(O, {O}, "Outputs");
    for (int i : spatial) {
      if (name == "os") {
        b.spatial_only_both(i, output_dims, "PEs accumulate different outputs");
      } else if (name == "os_a") {
        b.spatial_only_both(i, pixels, "one output channel, many output pixels");
      } else if (name == "os_b") {
        b.spatial_only(i, Slot::SpatialX, pixels, "several output pixels");
        b.spatial_only(i, Slot::SpatialY, out_channels, "several output channels");
      } else {
        b.spatial_only_both(i, out_channels, "many output channels, one pixel");
      }
    }
    return b.c;
  }
  if (name == "is") {
    b.stationary(I, {I}, "Inputs");
    for (int i : spatial) b.spatial_only_both(i, input_dims, "PEs hold different inputs");
    return b.c;
  }
  if (name == "nlr") {
    for (int i : b.pe_levels()) {
      b.keep_only(i, {}, "no local reuse: nothing stays in the PE");
      b.temporal_only(i, {}, "no local reuse: the PEs hold no tile to loop over");
    }
    for (int i : spatial)
      b.spatial_only_both(i, cat(out_channels, channel_reduction),
                          "inputs multicast over output channels, partial sums reduced over input channels");
    return b.c;
  }
  if (name == "rs") {
    const int S = p.dim_index("S"), R = p.dim_index("R"), Q = p.dim_index("Q"), Pd = p.dim_index("P");
    const auto interleave = named(p, {"M", "C", "G"});  // p filters x q channels (x groups) per PE
    // The PE: a 1-D row convolution. It keeps a filter row (all S taps), a window of an input row
    // and the partial sums of p filters x q channels.
    for (int i : b.pe_levels()) b.keep_only(i, {W, I, O}, "filter row, input window and psums stay in the PE");
    const int pe = m.num_levels - 1;
    if (pe > glb) {
      auto allowed = interleave;
      if (S >= 0) allowed.push_back(S);
      b.temporal_only(pe, allowed, "a PE runs one filter row over p filters x q channels");
      if (S >= 0) b.fix(pe, Slot::Temporal, S, p.bounds[size_t(S)], "the whole filter row is in the PE");
    }
    // The PE set: R filter rows on Y x e output rows on X, replicated over filters/channels,
    // folded onto the array when a set does not fit (output rows on both axes, ceil split).
    for (int i : spatial) {
      if (i == glb) {
        auto x = interleave;
        if (Pd >= 0) x.push_back(Pd);
        auto y = x;
        if (R >= 0) y.push_back(R);
        b.spatial_only(i, Slot::SpatialX, x, "output rows of a PE set, replicated sets");
        b.spatial_only(i, Slot::SpatialY, y, "filter rows of a PE set, replicated or folded sets");
        if (R >= 0) b.fix(i, Slot::SpatialY, R, p.bounds[size_t(R)], "a PE set is R filter rows high");
        b.imperfect(i, Slot::SpatialX, Pd);
        b.imperfect(i, Slot::SpatialY, Pd);
      } else {
        b.spatial_only_both(i, interleave, "the MACs of a PE take filters or channels");
      }
    }
    // The sliding window: the glb streams whole rows (all output columns) through the PE set,
    // consecutive output columns reusing S - 1 inputs of the PE's window. Input channels change
    // between passes, from DRAM (the glb holds the n x q x r input planes of one pass), as in the
    // Eyeriss v1 mapping table (JSSC 2017, Table III).
    if (Q >= 0 && pe > glb) {
      b.innermost(glb, {Q}, "the input window slides along a row (output columns innermost)");
      b.fix(glb, Slot::Temporal, Q, p.bounds[size_t(Q)], "a pass streams whole rows");
      for (int i = glb + 1; i < pe; ++i) b.fix(i, Slot::Temporal, Q, 1, "a pass streams whole rows");
    }
    for (int d : named(p, {"C"})) b.fix(glb, Slot::Temporal, d, 1, "input channels change between passes, from DRAM");
    for (int d : named(p, {"P"}))
      if (pe > glb) b.fix(glb, Slot::Temporal, d, 1, "a pass covers the e output rows of its PE sets; strips of rows come from DRAM");
    return b.c;
  }
  std::string names;
  for (const auto& d : dataflow_list()) names += (names.empty() ? "" : ", ") + d.name;
  throw InputError(fmt::format("unknown dataflow '{}' (coda knows {})", name, names));
}

}  // namespace

const std::vector<DataflowInfo>& dataflow_list() {
  static const std::vector<DataflowInfo> v = {
      {"ws", "weight stationary: PEs keep weights; pixels (N P Q) innermost above them; weights' dimensions spatial"},
      {"ws-tpu", "weight stationary, systolic: one weight per PE; output channels on X, the reduction (C R S) on Y"},
      {"ws-nvdla", "weight stationary, NVDLA: output channels across PEs/cells, input channels across MACs; taps in time"},
      {"os", "output stationary: PEs keep outputs; the reduction (C R S) innermost above them; output dimensions spatial"},
      {"os_a", "output stationary A: one output channel, many output pixels spatially (ShiDianNao)"},
      {"os_b", "output stationary B: several output pixels (X) x several output channels (Y)"},
      {"os_c", "output stationary C: many output channels, one pixel (FC-oriented)"},
      {"is", "input stationary: PEs keep inputs; output channels innermost above them; input dimensions spatial"},
      {"nlr", "no local reuse: PEs keep nothing; output channels and input channels spatial"},
      {"rs", "row stationary (Eyeriss): PE = filter row x input window x psums, sets of R x e PEs, replicated/folded"},
      {"any", "no constraint besides the architecture (every factorization, order, spatial split and bypass)"},
  };
  return v;
}

bool is_dataflow(const std::string& name) {
  for (const auto& d : dataflow_list())
    if (d.name == name) return true;
  return false;
}

Constraints dataflow_constraints(const std::string& name, const workload::Problem& p, const model::Machine& m) {
  return build(name, p, m);
}

std::string native_dataflow(const std::string& declared) {
  size_t pos = 0;
  while (pos <= declared.size()) {
    size_t e = declared.find('/', pos);
    if (e == std::string::npos) e = declared.size();
    std::string n = declared.substr(pos, e - pos);
    if (is_dataflow(n)) return n;
    pos = e + 1;
  }
  return "any";
}

}  // namespace coda::mapping
