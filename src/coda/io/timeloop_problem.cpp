#include "coda/io/timeloop_problem.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "coda/common/checked.hpp"
#include "coda/common/error.hpp"
#include "coda/io/yaml_reader.hpp"

namespace coda::io {

using workload::LayerSpec;
using workload::LayerType;
using workload::NetworkSpec;

namespace {

const char* const kCoefficients[] = {"Wstride", "Hstride", "Wdilation", "Hdilation"};

// "CNN-Layer", "CNN_Layer", "cnn-layer" all name the same built-in shape.
bool is_cnn_layer_name(std::string s) {
  for (char& c : s) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s == "cnn-layer";
}

struct Problem {
  std::map<std::string, int64_t> values;  // dimensions and coefficients
  std::map<std::string, int64_t> coefficient_defaults{{"Wstride", 1}, {"Hstride", 1}, {"Wdilation", 1},
                                                      {"Hdilation", 1}};
  std::string filters_dim;  // "K" (v0.3, NVlabs shape) or "M" (timeloopfe v0.4 shapes)
  std::optional<double> weight_density, input_density;
};

void read_shape_name(const MapReader& m, const std::string& key, const std::string& name) {
  if (!is_cnn_layer_name(name))
    m.fail(key, fmt::format("unsupported problem shape '{}'; coda reads the CNN-layer shape only (cnn-layer, "
                            "CNN-Layer, CNN_Layer)", name));
}

// v0.4 `shape:` map: a CNN layer; its dimension list decides K or M; coefficient defaults apply.
void read_shape_map(const MapReader& m, Problem& p) {
  MapReader s(m.node("shape"), m.file(), "problem shape");
  s.check_keys({"name", "dimensions", "coefficients", "data-spaces", "data_spaces"});
  read_shape_name(s, "name", s.get_string("name"));
  if (s.has("dimensions")) {
    YAML::Node dims = s.node("dimensions");
    if (!dims.IsSequence()) s.fail("dimensions", "expected a list of dimension names");
    std::set<std::string> got;
    for (const YAML::Node& d : dims) {
      if (!d.IsScalar()) s.fail("dimensions", "expected a list of dimension names");
      if (!got.insert(d.Scalar()).second) s.fail("dimensions", fmt::format("dimension '{}' is listed twice", d.Scalar()));
    }
    const std::set<std::string> with_k{"C", "K", "R", "S", "N", "P", "Q"}, with_m{"C", "M", "R", "S", "N", "P", "Q"};
    if (got == with_k) p.filters_dim = "K";
    else if (got == with_m) p.filters_dim = "M";
    else s.fail("dimensions", "expected the CNN-layer dimensions [C, M, R, S, N, P, Q] (or K for M)");
  }
  if (s.has("coefficients")) {
    YAML::Node cs = s.node("coefficients");
    if (!cs.IsSequence()) s.fail("coefficients", "expected a list of {name, default}");
    for (const YAML::Node& c : cs) {
      MapReader cr(c, m.file(), "problem shape coefficient");
      cr.check_keys({"name", "default"});
      const std::string name = cr.get_string("name");
      if (!p.coefficient_defaults.count(name))
        cr.fail("name", fmt::format("unknown coefficient '{}'; expected Wstride, Hstride, Wdilation or Hdilation", name));
      const int64_t v = cr.get_int("default", 1);
      if (v < 1) cr.fail("default", fmt::format("expected an integer >= 1, got {}", v));
      p.coefficient_defaults[name] = v;
    }
  }
  for (const char* key : {"data-spaces", "data_spaces"}) {
    if (!s.has(key)) continue;
    YAML::Node ds = s.node(key);
    if (!ds.IsSequence()) s.fail(key, "expected a list of data spaces");
    std::set<std::string> names;
    for (const YAML::Node& d : ds) {
      MapReader dr(d, m.file(), "problem data space");
      names.insert(dr.get_string("name"));
    }
    if (names != std::set<std::string>{"Weights", "Inputs", "Outputs"})
      s.fail(key, "expected the CNN-layer data spaces Weights, Inputs and Outputs");
  }
}

double read_density_value(const MapReader& d, const std::string& tensor) {
  YAML::Node n = d.node(tensor);
  double v;
  if (n.IsMap()) {
    // Sparseloop form: {density: d, distribution: fixed-structured | hypergeometric | ...}
    MapReader dm(n, d.file(), fmt::format("density of {}", tensor));
    dm.check_keys({"density", "distribution"});
    v = dm.get_double("density");
    if (!(v > 0.0 && v <= 1.0)) dm.fail("density", fmt::format("expected a density in (0, 1], got {}", v));
    return v;
  }
  v = d.get_double(tensor);
  if (!(v > 0.0 && v <= 1.0)) d.fail(tensor, fmt::format("expected a density in (0, 1], got {}", v));
  return v;
}

// Dimension, coefficient and density keys of a v0.3 `problem` or a v0.4 `instance`.
void read_values(const MapReader& m, Problem& p, std::vector<std::string> extra_keys) {
  std::vector<std::string> keys = std::move(extra_keys);
  const std::vector<std::string> dims = {"C", "R", "S", "N", "P", "Q"};
  keys.insert(keys.end(), dims.begin(), dims.end());
  if (p.filters_dim.empty()) {
    if (m.has("K") && m.has("M")) m.fail("M", "expected one of K and M (both name the number of filters)");
    p.filters_dim = m.has("M") ? "M" : "K";
  }
  keys.push_back(p.filters_dim);
  keys.insert(keys.end(), std::begin(kCoefficients), std::end(kCoefficients));
  keys.push_back("densities");
  m.check_keys(keys);
  // Timeloop takes an absent dimension as 1.
  for (const std::string& d : dims) p.values[d] = m.get_int(d, 1);
  p.values["K"] = m.get_int(p.filters_dim, 1);
  for (const char* c : kCoefficients) p.values[c] = m.get_int(c, p.coefficient_defaults[c]);
  for (const auto& [k, v] : p.values)
    if (v < 1) m.fail(k == "K" ? p.filters_dim : k, fmt::format("expected an integer >= 1, got {}", v));
  if (m.has("densities")) {
    MapReader d(m.node("densities"), m.file(), "problem densities");
    d.check_keys({"Weights", "Inputs", "Outputs"});
    if (d.has("Weights")) p.weight_density = read_density_value(d, "Weights");
    if (d.has("Inputs")) p.input_density = read_density_value(d, "Inputs");
    if (d.has("Outputs")) (void)read_density_value(d, "Outputs");  // validated; coda does not model it
  }
}

}  // namespace

bool is_timeloop_problem(const YAML::Node& root) { return root.IsMap() && root["problem"].IsDefined(); }

NetworkSpec timeloop_problem_from_yaml(const YAML::Node& root, const std::string& file) {
  if (!is_timeloop_problem(root))
    throw InputError(fmt::format("{}: expected a Timeloop problem (a top-level 'problem' key)", file));
  MapReader top(root, file, "document");
  MapReader m(top.node("problem"), file, "problem");
  Problem p;
  std::string form;
  if (m.has("instance")) {
    form = "v0.4";
    m.check_keys({"version", "instance", "shape"});
    if (m.has("version") && m.get_string("version") != "0.4")
      m.fail("version", fmt::format("expected 0.4 (a problem with 'instance'), got '{}'", m.get_string("version")));
    if (m.has("shape")) {
      if (m.node("shape").IsScalar()) read_shape_name(m, "shape", m.get_string("shape"));
      else read_shape_map(m, p);
    }
    read_values(MapReader(m.node("instance"), file, "problem instance"), p, {});
  } else {
    form = "v0.3";
    if (m.has("shape")) {
      if (!m.node("shape").IsScalar())
        m.fail("shape", "expected a shape name (v0.3) or, with a shape map, an 'instance' (v0.4)");
      read_shape_name(m, "shape", m.get_string("shape"));
    }
    read_values(m, p, {"shape", "version"});
  }
  const int64_t R = p.values["R"], S = p.values["S"], P = p.values["P"], Q = p.values["Q"];
  const int64_t C = p.values["C"], K = p.values["K"], N = p.values["N"];
  const int64_t ws = p.values["Wstride"], hs = p.values["Hstride"], wd = p.values["Wdilation"],
                hd = p.values["Hdilation"];
  NetworkSpec spec;
  spec.file = file;
  spec.name = std::filesystem::path(file).stem().string();
  if (spec.name.empty()) spec.name = "problem";
  spec.source = fmt::format("Timeloop problem ({}) {}", form, file);
  spec.batch = N;
  // The input Timeloop's projection touches: W = (P-1)*Wstride + (R-1)*Wdilation + 1 (and H alike);
  // Timeloop problems have no padding (it is part of the input).
  int64_t H = 0, W = 0;
  try {
    H = checked_add(checked_add(checked_mul(Q - 1, hs), checked_mul(S - 1, hd)), 1, "input height");
    W = checked_add(checked_add(checked_mul(P - 1, ws), checked_mul(R - 1, wd)), 1, "input width");
  } catch (const OverflowError& e) {
    throw InputError(fmt::format("{}: problem: {}", where(file, top.node("problem")), e.what()));
  }
  spec.inputs.push_back(workload::GraphInput{"input", {C, H, W}});
  LayerSpec l;
  l.name = spec.name;
  l.origin = where(file, top.node("problem"));
  l.weight_density = p.weight_density;
  l.input_density = p.input_density;
  if (P == 1 && Q == 1 && wd == 1 && hd == 1) {
    // One output pixel and a dense filter covering the input: an FC layer (domain.md §1.1).
    l.type = LayerType::FC;
    l.op_name = "fc";
    l.outputs = K;
  } else {
    l.type = LayerType::Conv;
    l.op_name = "conv";
    l.filters = K;
    l.kernel = {S, R};  // coda: [height, width]; Timeloop: S height, R width
    l.stride = {hs, ws};
    l.dilation = {hd, wd};
  }
  spec.layers.push_back(std::move(l));
  return spec;
}

NetworkSpec parse_timeloop_problem(const std::string& text, const std::string& file) {
  return timeloop_problem_from_yaml(parse_yaml(text, file), file);
}

NetworkSpec read_timeloop_problem(const std::string& path) {
  return parse_timeloop_problem(read_text_file(path), path);
}

}  // namespace coda::io
