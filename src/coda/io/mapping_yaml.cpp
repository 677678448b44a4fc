#include "coda/io/mapping_yaml.hpp"

#include <fmt/format.h>

#include <cctype>
#include <sstream>

#include "coda/common/error.hpp"
#include "coda/io/yaml_reader.hpp"

namespace coda::io {
namespace {

std::string dims_list(const workload::Problem& p) {
  std::string s;
  for (const auto& d : p.dim_names) s += (s.empty() ? "" : ", ") + d;
  return s;
}

int dim_of(const workload::Problem& p, const std::string& name, const std::string& at) {
  int d = p.dim_index(name);
  if (d < 0)
    throw InputError(
        fmt::format("{}: unknown dimension '{}' (problem '{}' has {})", at, name, p.name, dims_list(p)));
  return d;
}

int tensor_of(const workload::Problem& p, const std::string& name, const std::string& at) {
  int t = p.tensor_index(name);
  if (t < 0) {
    std::string names;
    for (const auto& x : p.tensors) names += (names.empty() ? "" : ", ") + x.name;
    throw InputError(fmt::format("{}: unknown tensor '{}' (expected one of {})", at, name, names));
  }
  return t;
}

// "M16" / "M16X" / "C4Y": dimension name (letters, possibly longer than one), factor, optional axis.
mapping::Loop parse_compact(const std::string& s, bool spatial, const workload::Problem& p,
                            const std::string& at) {
  size_t k = 0;
  while (k < s.size() && !std::isdigit(static_cast<unsigned char>(s[k]))) ++k;
  size_t e = k;
  while (e < s.size() && std::isdigit(static_cast<unsigned char>(s[e]))) ++e;
  std::string name = s.substr(0, k), digits = s.substr(k, e - k), rest = s.substr(e);
  mapping::Loop l;
  if (name.empty() || digits.empty() || digits.size() > 18 ||
      (spatial ? (rest != "X" && rest != "Y" && !rest.empty()) : !rest.empty()))
    throw InputError(fmt::format("{}: '{}' is not a loop; expected a dimension and a factor like 'M16'{}", at,
                                 s, spatial ? " with an optional axis X or Y ('M16X', 'C4Y')" : ""));
  l.dim = dim_of(p, name, at);
  l.factor = std::stoll(digits);
  if (l.factor < 1) throw InputError(fmt::format("{}: loop '{}' has factor 0; factors are >= 1", at, s));
  l.axis = rest == "Y" ? mapping::Axis::Y : mapping::Axis::X;
  return l;
}

std::vector<mapping::Loop> parse_loops(const YAML::Node& n, bool spatial, const workload::Problem& p,
                                       const std::string& file, const std::string& what) {
  std::vector<mapping::Loop> loops;
  if (!n) return loops;
  if (!n.IsSequence())
    throw InputError(fmt::format("{}: {} must be a list of loops like [M4, C2]", where(file, n), what));
  for (const auto& item : n) {
    std::string at = fmt::format("{}: {}", where(file, item), what);
    if (item.IsScalar()) {
      loops.push_back(parse_compact(item.as<std::string>(), spatial, p, at));
      continue;
    }
    if (!item.IsMap()) throw InputError(at + ": a loop is 'M4' or {dim: M, factor: 4}");
    MapReader r(item, file, what);
    if (spatial)
      r.check_keys({"dim", "factor", "axis"});
    else
      r.check_keys({"dim", "factor"});
    mapping::Loop l;
    l.dim = dim_of(p, r.get_string("dim"), r.location("dim"));
    l.factor = r.get_int("factor");
    if (l.factor < 1) r.fail("factor", "a factor >= 1");
    if (spatial) {
      std::string axis = r.get_string("axis", "X");
      if (axis != "X" && axis != "Y") r.fail("axis", "X or Y");
      l.axis = axis == "Y" ? mapping::Axis::Y : mapping::Axis::X;
    }
    loops.push_back(l);
  }
  return loops;
}

uint32_t parse_tensor_set(const YAML::Node& n, const workload::Problem& p, const std::string& file,
                          const std::string& what) {
  if (!n.IsSequence())
    throw InputError(fmt::format("{}: {} must be a list of tensor names", where(file, n), what));
  uint32_t mask = 0;
  for (const auto& item : n) {
    if (!item.IsScalar())
      throw InputError(fmt::format("{}: {}: expected a tensor name", where(file, item), what));
    mask |= 1u << tensor_of(p, item.as<std::string>(), where(file, item) + ": " + what);
  }
  return mask;
}

bool looks_like_timeloop(const YAML::Node& seq) {
  if (!seq.IsSequence() || seq.size() == 0) return false;
  return seq[0].IsMap() && seq[0]["target"] && seq[0]["type"];
}

}  // namespace

namespace {
mapping::Mapping parse_mapping_checked(const YAML::Node& root, const workload::Problem& p,
                                       const std::vector<std::string>& level_names, const std::string& file) {
  YAML::Node seq = root;
  if (root.IsMap()) {
    MapReader top(root, file, "mapping file");
    top.check_keys({"mapping", "problem", "architecture", "note"});
    seq = top.node("mapping");
    if (!seq) top.fail("mapping", "a list of levels");
  }
  if (looks_like_timeloop(seq)) return parse_timeloop_mapping(seq, p, level_names, file);
  if (!seq.IsSequence())
    throw InputError(
        fmt::format("{}: 'mapping' must be a list with one entry per storage level", where(file, seq)));
  const int L = static_cast<int>(level_names.size());
  mapping::Mapping m;
  m.levels.resize(size_t(L));
  std::vector<bool> seen(size_t(L), false);
  int position = 0;
  for (const auto& item : seq) {
    if (!item.IsMap())
      throw InputError(fmt::format("{}: each mapping entry is a map with a 'level' key", where(file, item)));
    MapReader r(item, file, "mapping entry");
    r.check_keys({"level", "temporal", "spatial", "keep", "bypass"});
    int level = position;
    if (r.has("level")) {
      std::string name = r.get_string("level");
      level = -1;
      for (int i = 0; i < L; ++i)
        if (level_names[size_t(i)] == name) level = i;
      if (level < 0) {
        std::string names;
        for (const auto& x : level_names) names += (names.empty() ? "" : ", ") + x;
        r.fail("level", fmt::format("a storage level of the architecture ({})", names));
      }
    }
    if (level >= L)
      throw InputError(
          fmt::format("{}: more mapping entries than the {} storage levels", where(file, item), L));
    if (seen[size_t(level)]) r.fail("level", fmt::format("level '{}' only once", level_names[size_t(level)]));
    seen[size_t(level)] = true;
    auto& lv = m.levels[size_t(level)];
    std::string ctx = fmt::format("level '{}'", level_names[size_t(level)]);
    lv.temporal = parse_loops(r.node("temporal"), false, p, file, ctx + " temporal");
    lv.spatial = parse_loops(r.node("spatial"), true, p, file, ctx + " spatial");
    if (r.has("keep") && r.has("bypass")) r.fail("bypass", "either 'keep' or 'bypass', not both");
    if (r.has("keep")) lv.keep = parse_tensor_set(r.node("keep"), p, file, ctx + " keep");
    if (r.has("bypass")) lv.keep = ~parse_tensor_set(r.node("bypass"), p, file, ctx + " bypass");
    position = level + 1;
  }
  uint32_t all = p.num_tensors() >= 32 ? ~0u : (1u << p.num_tensors()) - 1;
  for (auto& lv : m.levels) lv.keep &= all;
  return m;
}

}  // namespace

mapping::Mapping parse_mapping_yaml(const YAML::Node& root, const workload::Problem& p,
                                    const std::vector<std::string>& level_names, const std::string& file) {
  // Every shape error is reported by the checks above; a yaml-cpp conversion error that slips
  // through (a map where a scalar is expected, ...) still becomes a message naming the file.
  try {
    return parse_mapping_checked(root, p, level_names, file);
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}:{}: malformed mapping: {}", file, e.mark.line + 1, e.msg));
  }
}

mapping::Mapping read_mapping_file(const std::string& path, const workload::Problem& p,
                                   const std::vector<std::string>& level_names) {
  return parse_mapping_yaml(load_yaml_file(path), p, level_names, path);
}

std::string write_mapping_yaml(const mapping::Mapping& m, const workload::Problem& p,
                               const std::vector<std::string>& level_names) {
  auto loop = [&p](const mapping::Loop& l, bool spatial) {
    return fmt::format("{}{}{}", p.dim_names[size_t(l.dim)], l.factor,
                       spatial ? (l.axis == mapping::Axis::X ? "X" : "Y") : "");
  };
  std::string out = fmt::format("# coda mapping for problem '{}'\nmapping:\n", p.name);
  for (size_t i = 0; i < m.levels.size(); ++i) {
    const auto& lv = m.levels[i];
    out += fmt::format("  - level: {}\n", i < level_names.size() ? level_names[i] : fmt::format("L{}", i));
    std::string t, s, keep;
    for (const auto& l : lv.temporal) t += (t.empty() ? "" : ", ") + loop(l, false);
    for (const auto& l : lv.spatial) s += (s.empty() ? "" : ", ") + loop(l, true);
    for (int k = 0; k < p.num_tensors(); ++k)
      if (lv.keeps(k)) keep += (keep.empty() ? "" : ", ") + p.tensors[size_t(k)].name;
    out += fmt::format("    temporal: [{}]\n", t);
    if (!s.empty()) out += fmt::format("    spatial: [{}]\n", s);
    out += fmt::format("    keep: [{}]\n", keep);
  }
  return out;
}

mapping::Mapping parse_timeloop_mapping(const YAML::Node& seq, const workload::Problem& p,
                                        const std::vector<std::string>& level_names,
                                        const std::string& file) {
  const int L = static_cast<int>(level_names.size());
  mapping::Mapping m;
  m.levels.resize(size_t(L));
  auto dim_name = [&p](std::string d) {
    if (d == "K" && p.dim_index("K") < 0) d = "M";  // Timeloop's output channels
    return d;
  };
  for (const auto& item : seq) {
    if (!item.IsMap())
      throw InputError(fmt::format("{}: each Timeloop mapping directive is a map", where(file, item)));
    MapReader r(item, file, "Timeloop mapping directive");
    r.check_keys({"target", "type", "factors", "permutation", "split", "keep", "bypass"});
    std::string target = r.get_string("target");
    int level = -1;
    for (int i = 0; i < L; ++i)
      if (level_names[size_t(i)] == target) level = i;
    if (level < 0) r.fail("target", "a storage level of the architecture");
    std::string type = r.get_string("type");
    auto& lv = m.levels[size_t(level)];
    if (type == "bypass" || type == "datatype") {
      if (r.has("keep")) lv.keep |= parse_tensor_set(r.node("keep"), p, file, "keep");
      if (r.has("bypass")) lv.keep &= ~parse_tensor_set(r.node("bypass"), p, file, "bypass");
      continue;
    }
    if (type != "temporal" && type != "spatial") r.fail("type", "temporal, spatial, bypass or datatype");
    // factors: "R=3 S=3 P=13 ..." (space separated).
    std::vector<std::pair<int, int64_t>> factors;
    std::istringstream fs(r.get_string("factors", ""));
    std::string tok;
    while (fs >> tok) {
      auto eq = tok.find('=');
      if (eq == std::string::npos) r.fail("factors", "entries like 'R=3'");
      int d = dim_of(p, dim_name(tok.substr(0, eq)), r.location("factors"));
      int64_t f = 0;
      try {
        f = std::stoll(tok.substr(eq + 1));
      } catch (const std::exception&) {
        r.fail("factors", "an integer factor after '='");
      }
      if (f < 1) r.fail("factors", "factors >= 1");
      factors.emplace_back(d, f);
    }
    // permutation: innermost first; dimensions not named go outermost, in problem order.
    std::string perm = r.get_string("permutation", "");
    std::vector<int> order;  // innermost first
    for (char ch : perm) {
      if (std::isspace(static_cast<unsigned char>(ch))) continue;
      order.push_back(dim_of(p, dim_name(std::string(1, ch)), r.location("permutation")));
    }
    int64_t split = r.get_int("split", int64_t(order.size()));
    std::vector<mapping::Loop> loops;  // innermost first
    auto factor_of = [&factors](int d) {
      int64_t f = 1;
      for (auto [dd, ff] : factors)
        if (dd == d) f = ff;
      return f;
    };
    for (size_t k = 0; k < order.size(); ++k) {
      mapping::Loop l{order[k], factor_of(order[k]),
                      int64_t(k) < split ? mapping::Axis::X : mapping::Axis::Y};
      loops.push_back(l);
    }
    for (auto [d, f] : factors) {
      bool listed = false;
      for (int o : order) listed |= o == d;
      if (!listed) loops.push_back({d, f, mapping::Axis::X});
    }
    std::vector<mapping::Loop> outer_first(loops.rbegin(), loops.rend());
    std::vector<mapping::Loop> kept;
    for (const auto& l : outer_first)
      if (l.factor > 1) kept.push_back(l);
    (type == "temporal" ? lv.temporal : lv.spatial) = kept;
  }
  uint32_t all = p.num_tensors() >= 32 ? ~0u : (1u << p.num_tensors()) - 1;
  for (auto& lv : m.levels) lv.keep &= all;
  // Timeloop lets the innermost factor of each dimension default to what remains; coda requires
  // it explicitly, and build_nest reports a dimension that is not covered.
  return m;
}

}  // namespace coda::io
