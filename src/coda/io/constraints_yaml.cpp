#include "coda/io/constraints_yaml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <cctype>
#include <regex>

#include "coda/common/error.hpp"
#include "coda/io/yaml_reader.hpp"

namespace coda::io {
namespace {

using mapping::Constraints;
using mapping::FactorRule;
using mapping::OrderBlock;
using mapping::Slot;

// Dimension names of coda's convolution/GEMM problems: a constraints file written for a
// convolution may name dimensions a GEMM lacks (R, S, ...); those are ignored when the rule
// allows the factor 1 a missing dimension has.
bool conventional_dim(const std::string& n) {
  static const char* names[] = {"N", "G", "M", "C", "P", "Q", "R", "S"};
  for (const char* x : names)
    if (n == x) return true;
  return false;
}

std::string dims_list(const workload::Problem& p) {
  std::string s;
  for (const auto& d : p.dim_names) s += (s.empty() ? "" : ", ") + d;
  return s;
}

// Index of a dimension; -1 for a conventional dimension the problem lacks; throws otherwise.
int find_dim(const workload::Problem& p, const std::string& name, const std::string& at) {
  int d = p.dim_index(name);
  if (d >= 0) return d;
  if (conventional_dim(name)) return -1;
  throw InputError(fmt::format("{}: unknown dimension '{}' (problem '{}' has {})", at, name, p.name, dims_list(p)));
}

int find_tensor(const workload::Problem& p, const std::string& name, const std::string& at) {
  int t = p.tensor_index(name);
  if (t < 0) {
    std::string names;
    for (const auto& x : p.tensors) names += (names.empty() ? "" : ", ") + x.name;
    throw InputError(fmt::format("{}: unknown tensor '{}' (expected one of {})", at, name, names));
  }
  return t;
}

std::string level_list(const model::Machine& m) {
  std::string s;
  for (int i = 0; i < m.num_levels; ++i) s += (s.empty() ? "" : ", ") + m.levels[size_t(i)].name;
  return s;
}

int find_level(const model::Machine& m, const std::string& name, const std::string& at) {
  for (int i = 0; i < m.num_levels; ++i)
    if (m.levels[size_t(i)].name == name) return i;
  throw InputError(fmt::format("{}: unknown level '{}' (the architecture has {})", at, name, level_list(m)));
}

int64_t parse_count(const std::string& digits, const std::string& at) {
  if (digits.empty() || digits.size() > 18 || !std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    throw InputError(fmt::format("{}: '{}' is not a non-negative integer", at, digits));
  return std::stoll(digits);
}

// A rule written as a scalar: "3", "all", "any", "<=16", ">=2 <=8", "any imperfect".
FactorRule parse_rule_text(const std::string& text, int64_t bound, const std::string& at) {
  FactorRule r;
  std::string s = text;
  std::replace(s.begin(), s.end(), ',', ' ');
  size_t pos = 0;
  bool any_token = false;
  auto bad = [&](const std::string& tok) {
    throw InputError(fmt::format("{}: '{}' in factor rule '{}' is not understood; expected an integer, 'all', 'any', "
                                 "a comparison like '<=16' or '>=2', or 'imperfect'",
                                 at, tok, text));
  };
  while (pos < s.size()) {
    while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos]))) ++pos;
    if (pos >= s.size()) break;
    size_t e = pos;
    while (e < s.size() && !std::isspace(static_cast<unsigned char>(s[e]))) ++e;
    std::string tok = s.substr(pos, e - pos);
    pos = e;
    any_token = true;
    if (tok == "all") {
      r.fixed = bound;
    } else if (tok == "any" || tok == "*") {
    } else if (tok == "imperfect") {
      r.imperfect = true;
    } else if (std::isdigit(static_cast<unsigned char>(tok[0]))) {
      r.fixed = parse_count(tok, at);
      if (r.fixed < 1) throw InputError(fmt::format("{}: factor {} must be >= 1", at, tok));
    } else {
      std::string op;
      size_t k = 0;
      while (k < tok.size() && (tok[k] == '<' || tok[k] == '>' || tok[k] == '=')) op += tok[k++];
      if (op != "<=" && op != ">=" && op != "<" && op != ">") bad(tok);
      int64_t v = parse_count(tok.substr(k), at);
      if (op == "<=") r.max = v;
      if (op == "<") r.max = v - 1;
      if (op == ">=") r.min = std::max<int64_t>(1, v);
      if (op == ">") r.min = v + 1;
      if (r.max == 0 && (op == "<" || op == "<=")) throw InputError(fmt::format("{}: '{}' admits no factor", at, tok));
    }
  }
  if (!any_token) bad(text);
  return r;
}

FactorRule parse_rule(const YAML::Node& n, int64_t bound, const std::string& file, const std::string& what) {
  const std::string at = where(file, n) + ": " + what;
  FactorRule r;
  if (n.IsScalar()) {
    r = parse_rule_text(n.Scalar(), bound, at);
  } else if (n.IsSequence()) {
    for (const auto& e : n) {
      int64_t v = as_int(e, file, what);
      if (v < 1) throw InputError(fmt::format("{}: allowed factors are >= 1", at));
      r.allowed.push_back(v);
    }
    if (r.allowed.empty()) throw InputError(fmt::format("{}: an empty list of allowed factors admits nothing", at));
    std::sort(r.allowed.begin(), r.allowed.end());
    r.allowed.erase(std::unique(r.allowed.begin(), r.allowed.end()), r.allowed.end());
  } else if (n.IsMap()) {
    MapReader mr(n, file, what);
    mr.check_keys({"fixed", "min", "max", "allowed", "imperfect"});
    if (mr.has("fixed")) {
      const YAML::Node f = mr.node("fixed");
      r.fixed = f.IsScalar() && f.Scalar() == "all" ? bound : mr.get_int("fixed");
      if (r.fixed < 1) mr.fail("fixed", "a factor >= 1 or 'all'");
    }
    r.min = mr.get_int("min", 1);
    if (r.min < 1) mr.fail("min", "a factor >= 1");
    r.max = mr.get_int("max", 0);
    if (mr.has("max") && r.max < 1) mr.fail("max", "a factor >= 1");
    if (mr.has("allowed")) {
      r.allowed = mr.get_int_list("allowed");
      for (int64_t v : r.allowed)
        if (v < 1) mr.fail("allowed", "factors >= 1");
      std::sort(r.allowed.begin(), r.allowed.end());
      r.allowed.erase(std::unique(r.allowed.begin(), r.allowed.end()), r.allowed.end());
    }
    r.imperfect = mr.get_bool("imperfect", false);
  } else {
    throw InputError(fmt::format("{}: expected a factor rule (an integer, 'all', 'any', '<=16', a list or a map)", at));
  }
  r.origin = where(file, n);
  return r;
}

// Applies a rule to (level, slot, dim), honouring `imperfect` written in the rule.
void apply_rule(Constraints& c, int level, Slot s, int dim, const FactorRule& r) {
  if (!r.is_free()) c.restrict(level, s, dim, r);
  if (r.imperfect) c.rule(level, s, dim).imperfect = true;
}

// `temporal:` / `spatial_x:` / `spatial_y:` of one level entry.
void parse_slot(Constraints& c, int level, Slot s, const YAML::Node& n, const workload::Problem& p,
                const std::string& file, const std::string& what) {
  const std::string at = where(file, n) + ": " + what;
  std::vector<bool> listed(size_t(p.num_dims()), false);
  auto missing_dim_ok = [&](const FactorRule& r, const std::string& name) {
    if (!r.admits(1))
      throw InputError(fmt::format("{}: dimension '{}' is not in problem '{}' (its factor is 1) but the rule requires {}",
                                   at, name, p.name, r.describe()));
  };
  if (n.IsSequence()) {
    for (const auto& e : n) {
      if (!e.IsScalar()) throw InputError(fmt::format("{}: expected a list of dimension names", at));
      int d = find_dim(p, e.Scalar(), where(file, e) + ": " + what);
      if (d >= 0) listed[size_t(d)] = true;
    }
    FactorRule one;
    one.fixed = 1;
    one.origin = where(file, n);
    for (int d = 0; d < p.num_dims(); ++d)
      if (!listed[size_t(d)]) c.restrict(level, s, d, one);
    return;
  }
  if (!n.IsMap()) throw InputError(fmt::format("{}: expected a map of dimension -> factor rule, or a list of dimensions", at));
  YAML::Node others;
  bool has_others = false;
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    if (key == "*") {
      others = kv.second;
      has_others = true;
      continue;
    }
    const std::string w = fmt::format("{}, dimension {}", what, key);
    int d = find_dim(p, key, where(file, kv.first) + ": " + what);
    if (d < 0) {
      missing_dim_ok(parse_rule(kv.second, 1, file, w), key);
      continue;
    }
    listed[size_t(d)] = true;
    apply_rule(c, level, s, d, parse_rule(kv.second, p.bounds[size_t(d)], file, w));
  }
  if (has_others) {
    for (int d = 0; d < p.num_dims(); ++d)
      if (!listed[size_t(d)])
        apply_rule(c, level, s, d, parse_rule(others, p.bounds[size_t(d)], file, what + ", '*' (other dimensions)"));
  }
}

void parse_order(Constraints& c, int level, const YAML::Node& n, const workload::Problem& p, const std::string& file,
                 const std::string& what) {
  const std::string at = where(file, n) + ": " + what;
  if (!n.IsSequence())
    throw InputError(fmt::format("{}: expected a list, outer to inner, of dimensions, [A, B] groups and '*'", at));
  std::vector<OrderBlock> blocks;
  int wildcard = -1;
  std::vector<bool> seen(size_t(p.num_dims()), false);
  auto add_dim = [&](const YAML::Node& e, OrderBlock& b) {
    if (!e.IsScalar()) throw InputError(fmt::format("{}: expected a dimension name", where(file, e) + ": " + what));
    int d = find_dim(p, e.Scalar(), where(file, e) + ": " + what);
    if (d < 0) return;
    if (seen[size_t(d)])
      throw InputError(fmt::format("{}: dimension {} appears twice in the order", where(file, e) + ": " + what, e.Scalar()));
    seen[size_t(d)] = true;
    b.dims.push_back(d);
  };
  for (const auto& e : n) {
    if (e.IsScalar() && e.Scalar() == "*") {
      if (wildcard >= 0) throw InputError(fmt::format("{}: '*' appears twice in the order", where(file, e) + ": " + what));
      wildcard = int(blocks.size());
      continue;
    }
    OrderBlock b;
    if (e.IsSequence()) {
      for (const auto& x : e) add_dim(x, b);
    } else {
      add_dim(e, b);
    }
    if (!b.dims.empty()) blocks.push_back(b);
  }
  c.set_order(level, blocks, wildcard < 0 ? 0 : wildcard, where(file, n));
}

uint32_t tensor_set(const YAML::Node& n, const workload::Problem& p, const std::string& file, const std::string& what) {
  if (!n.IsSequence()) throw InputError(fmt::format("{}: {}: expected a list of tensor names", where(file, n), what));
  uint32_t mask = 0;
  for (const auto& e : n) {
    if (!e.IsScalar()) throw InputError(fmt::format("{}: {}: expected a tensor name", where(file, e), what));
    mask |= 1u << find_tensor(p, e.Scalar(), where(file, e) + ": " + what);
  }
  return mask;
}

void apply_keeps(Constraints& c, int level, uint32_t keep, uint32_t bypass, int tensors, const std::string& origin) {
  for (int t = 0; t < tensors; ++t) {
    if (keep >> t & 1u) c.force_keep(level, t, true, origin);
    if (bypass >> t & 1u) c.force_keep(level, t, false, origin);
  }
}

double parse_fraction(const MapReader& r, const std::string& key) {
  double v = r.get_double(key);
  if (v < 0 || v > 1) r.fail(key, "a fraction between 0 and 1");
  return v;
}

Constraints parse_coda(const YAML::Node& root, const workload::Problem& p, const model::Machine& m,
                       const std::string& file) {
  MapReader top(root, file, "constraints");
  top.check_keys({"name", "imperfect", "min_utilization", "levels", "note"});
  Constraints c(p, m);
  c.name = top.get_string("name", file);
  if (top.get_bool("imperfect", false)) c.set_imperfect(true);
  if (top.has("min_utilization")) {
    c.min_utilization = parse_fraction(top, "min_utilization");
    c.utilization_origin = where(file, top.node("min_utilization"));
  }
  const YAML::Node levels = top.node("levels");
  if (!levels.IsDefined() || !levels.IsSequence()) top.fail("levels", "a list of per-level constraints");
  const mapping::LevelRoles roles = mapping::level_roles(m);
  for (const auto& item : levels) {
    MapReader r(item, file, "level constraints");
    r.check_keys({"level", "role", "temporal", "order", "spatial_x", "spatial_y", "keep", "bypass", "min_utilization"});
    int level = -1;
    if (r.has("level") == r.has("role")) r.fail("level", "exactly one of 'level: <name>' or 'role: dram | glb | pe'");
    std::string name;
    if (r.has("level")) {
      level = find_level(m, r.get_string("level"), r.location("level"));
    } else {
      const std::string role = r.get_string("role");
      if (role == "dram") level = roles.dram;
      else if (role == "glb") level = roles.glb;
      else if (role == "pe") level = roles.pe;
      else r.fail("role", "dram, glb or pe");
    }
    const std::string ctx = fmt::format("level {}", m.levels[size_t(level)].name);
    if (r.has("temporal")) parse_slot(c, level, Slot::Temporal, r.node("temporal"), p, file, ctx + " temporal");
    if (r.has("spatial_x")) parse_slot(c, level, Slot::SpatialX, r.node("spatial_x"), p, file, ctx + " spatial_x");
    if (r.has("spatial_y")) parse_slot(c, level, Slot::SpatialY, r.node("spatial_y"), p, file, ctx + " spatial_y");
    if (r.has("order")) parse_order(c, level, r.node("order"), p, file, ctx + " order");
    uint32_t keep = r.has("keep") ? tensor_set(r.node("keep"), p, file, ctx + " keep") : 0;
    uint32_t bypass = r.has("bypass") ? tensor_set(r.node("bypass"), p, file, ctx + " bypass") : 0;
    if (keep & bypass) r.fail("bypass", "tensors not also listed under 'keep'");
    apply_keeps(c, level, keep, bypass, p.num_tensors(), where(file, item));
    if (r.has("min_utilization")) {
      auto& lc = c.levels[size_t(level)];
      lc.min_utilization = std::max(lc.min_utilization, parse_fraction(r, "min_utilization"));
      lc.utilization_origin = where(file, r.node("min_utilization"));
    }
  }
  return c;
}

// ---- Timeloop ----

std::string timeloop_dim(const workload::Problem& p, const std::string& d) {
  if (d == "K" && p.dim_index("K") < 0) return "M";  // Timeloop's output channels
  return d;
}

struct TimeloopFactor {
  int dim;  // -1: a dimension the problem lacks
  std::string name;
  FactorRule rule;
};

std::vector<TimeloopFactor> timeloop_factors(const YAML::Node& n, const workload::Problem& p, const std::string& file) {
  std::vector<std::string> texts;
  if (n.IsScalar()) {
    texts.push_back(n.Scalar());
  } else if (n.IsSequence()) {
    for (const auto& e : n) {
      if (!e.IsScalar()) throw InputError(fmt::format("{}: factors: expected strings like 'R=3'", where(file, e)));
      texts.push_back(e.Scalar());
    }
  } else {
    throw InputError(fmt::format("{}: factors: expected a string like 'R=3 S=3 K<=16' or a list of them", where(file, n)));
  }
  static const std::regex re("([A-Za-z_]+)[[:space:]]*(<=|>=|<|>|=*)[[:space:]]*([0-9]+)");
  std::vector<TimeloopFactor> out;
  for (const auto& text : texts) {
    std::string rest = text;
    std::smatch sm;
    std::string leftover;
    while (std::regex_search(rest, sm, re)) {
      leftover += sm.prefix().str();
      const std::string at = where(file, n) + ": factors '" + sm[0].str() + "'";
      const std::string name = timeloop_dim(p, sm[1].str());
      int d = p.dim_index(name);
      if (d < 0 && !conventional_dim(name))
        throw InputError(fmt::format("{}: unknown dimension '{}' (problem '{}' has {})", at, sm[1].str(), p.name, dims_list(p)));
      const int64_t bound = d >= 0 ? p.bounds[size_t(d)] : 1;
      const std::string op = sm[2].str();
      int64_t v = parse_count(sm[3].str(), at);
      FactorRule r;
      if (op == "<=" || op == "<") {
        r.max = op == "<" ? v - 1 : v;
        if (r.max < 1) throw InputError(fmt::format("{}: admits no factor", at));
      } else if (op == ">=" || op == ">") {
        r.min = std::max<int64_t>(1, op == ">" ? v + 1 : v);
      } else {
        // Timeloop: 0 stands for the whole bound; a factor above the bound is clamped to it.
        r.fixed = v == 0 ? bound : std::min(v, bound);
      }
      r.origin = where(file, n);
      out.push_back({d, name, r});
      rest = sm.suffix().str();
    }
    leftover += rest;
    for (char ch : leftover)
      if (!std::isspace(static_cast<unsigned char>(ch)) && ch != ',')
        throw InputError(fmt::format("{}: factors '{}': cannot read '{}'; expected entries like 'R=3', 'K<=16'",
                                     where(file, n), text, leftover));
  }
  return out;
}

// Permutation, innermost first: "RSPQ" (one letter per dimension) or a list of names.
std::vector<std::pair<int, std::string>> timeloop_permutation(const YAML::Node& n, const workload::Problem& p,
                                                              const std::string& file) {
  std::vector<std::string> names;
  if (n.IsScalar()) {
    for (char ch : n.Scalar())
      if (!std::isspace(static_cast<unsigned char>(ch))) names.emplace_back(1, ch);
  } else if (n.IsSequence()) {
    for (const auto& e : n) names.push_back(e.Scalar());
  } else {
    throw InputError(fmt::format("{}: permutation: expected a string like 'RSPQ' or a list", where(file, n)));
  }
  std::vector<std::pair<int, std::string>> out;
  for (const auto& nm : names) {
    const std::string name = timeloop_dim(p, nm);
    int d = p.dim_index(name);
    if (d < 0 && !conventional_dim(name))
      throw InputError(fmt::format("{}: permutation: unknown dimension '{}' (problem '{}' has {})", where(file, n), nm,
                                   p.name, dims_list(p)));
    out.emplace_back(d, name);
  }
  return out;
}

void timeloop_target(Constraints& c, const YAML::Node& item, const workload::Problem& p, const model::Machine& m,
                     const std::string& file) {
  MapReader r(item, file, "Timeloop constraint");
  r.check_keys({"target", "name", "type", "factors", "factors_only", "permutation", "split", "keep", "bypass", "min",
                "constraints", "attributes"});
  if (r.has("constraints")) {
    // v0.4 component form: {target, constraints: [...]} or a nested attributes map.
    const YAML::Node list = r.node("constraints");
    if (!list.IsSequence()) r.fail("constraints", "a list of constraints for this target");
    for (const auto& sub : list) {
      YAML::Node merged = YAML::Clone(sub);
      merged["target"] = r.has("target") ? r.node("target") : r.node("name");
      timeloop_target(c, merged, p, m, file);
    }
    return;
  }
  YAML::Node attrs = r.has("attributes") ? r.node("attributes") : item;
  MapReader a(attrs, file, "Timeloop constraint");
  const std::string target = r.has("target") ? r.get_string("target") : r.get_string("name");
  const int level = find_level(m, target, r.location(r.has("target") ? "target" : "name"));
  const std::string type = r.get_string("type");
  const std::string origin = where(file, item);
  if (type == "utilization" || type == "parallelism") {
    double v = a.get_double("min");
    if (v < 0 || v > 1) a.fail("min", "a fraction between 0 and 1");
    c.min_utilization = std::max(c.min_utilization, v);
    c.utilization_origin = origin;
    return;
  }
  if (type == "bypass" || type == "bypassing" || type == "datatype" || type == "dataspace") {
    uint32_t keep = a.has("keep") ? tensor_set(a.node("keep"), p, file, "keep") : 0;
    uint32_t bypass = a.has("bypass") ? tensor_set(a.node("bypass"), p, file, "bypass") : 0;
    if (keep & bypass) a.fail("bypass", "tensors not also listed under 'keep'");
    apply_keeps(c, level, keep, bypass, p.num_tensors(), origin);
    return;
  }
  if (type != "temporal" && type != "spatial")
    r.fail("type",
           "one of temporal, spatial, bypass, datatype, dataspace, utilization, parallelism (coda does not support "
           "'" + type + "'; it would not be honoured, so it is refused)");
  std::vector<TimeloopFactor> factors;
  if (a.has("factors")) factors = timeloop_factors(a.node("factors"), p, file);
  bool only = false;
  if (a.has("factors_only")) {
    auto more = timeloop_factors(a.node("factors_only"), p, file);
    factors.insert(factors.end(), more.begin(), more.end());
    only = true;
  }
  std::vector<std::pair<int, std::string>> perm;
  if (a.has("permutation")) perm = timeloop_permutation(a.node("permutation"), p, file);
  std::vector<FactorRule> rules(size_t(p.num_dims()));
  std::vector<bool> named(size_t(p.num_dims()), false);
  for (const auto& f : factors) {
    if (f.dim < 0) {
      if (!f.rule.admits(1))
        throw InputError(fmt::format("{}: dimension '{}' is not in problem '{}' (its factor is 1) but the constraint "
                                     "requires {}",
                                     origin, f.name, p.name, f.rule.describe()));
      continue;
    }
    named[size_t(f.dim)] = true;
    FactorRule& x = rules[size_t(f.dim)];
    if (f.rule.fixed > 0) x.fixed = f.rule.fixed;
    x.min = std::max(x.min, f.rule.min);
    if (f.rule.max > 0) x.max = x.max > 0 ? std::min(x.max, f.rule.max) : f.rule.max;
    x.origin = origin;
  }
  if (only)
    for (int d = 0; d < p.num_dims(); ++d)
      if (!named[size_t(d)]) rules[size_t(d)] = FactorRule{1, 1, 0, {}, false, origin};
  if (type == "temporal") {
    for (int d = 0; d < p.num_dims(); ++d)
      if (!rules[size_t(d)].is_free()) c.restrict(level, Slot::Temporal, d, rules[size_t(d)]);
    if (!perm.empty()) {
      // Listed dimensions are the innermost loops in that order; the others are free above them.
      std::vector<OrderBlock> blocks;
      for (auto it = perm.rbegin(); it != perm.rend(); ++it)
        if (it->first >= 0) blocks.push_back(OrderBlock{{it->first}});
      c.set_order(level, blocks, 0, origin);
    }
    return;
  }
  // Spatial: which axis each dimension may use. Timeloop orders the spatial loops as
  // [dimensions fixed to 1][the permutation's other dimensions][free dimensions] and sends the
  // first `split` to X, the rest to Y.
  std::vector<int> axis(size_t(p.num_dims()), 0);  // 0 either, 1 X, 2 Y
  if (a.has("split")) {
    const int64_t split = a.get_int("split");
    if (split < 0) a.fail("split", "an index >= 0");
    std::vector<int> baked;
    for (int d = 0; d < p.num_dims(); ++d)
      if (rules[size_t(d)].fixed == 1) baked.push_back(d);
    for (const auto& [d, name] : perm)
      if (d >= 0 && std::find(baked.begin(), baked.end(), d) == baked.end()) baked.push_back(d);
    for (size_t k = 0; k < baked.size(); ++k) axis[size_t(baked[k])] = int64_t(k) < split ? 1 : 2;
    const bool free_all_y = split <= int64_t(baked.size());
    const bool free_all_x = split >= int64_t(p.num_dims());
    for (int d = 0; d < p.num_dims(); ++d)
      if (std::find(baked.begin(), baked.end(), d) == baked.end()) axis[size_t(d)] = free_all_y ? 2 : free_all_x ? 1 : 0;
  }
  FactorRule one{1, 1, 0, {}, false, origin};
  for (int d = 0; d < p.num_dims(); ++d) {
    const FactorRule& rule = rules[size_t(d)];
    const int ax = axis[size_t(d)];
    if (ax == 0) {
      if (!rule.is_free() && rule.fixed != 1)
        throw InputError(fmt::format("{}: the spatial factor of {} is constrained ({}) but no 'split' says whether it "
                                     "goes on X or Y; add 'split' (coda constrains each axis separately)",
                                     origin, p.dim_names[size_t(d)], rule.describe()));
      if (rule.fixed == 1) {
        c.restrict(level, Slot::SpatialX, d, one);
        c.restrict(level, Slot::SpatialY, d, one);
      }
      continue;
    }
    const Slot on = ax == 1 ? Slot::SpatialX : Slot::SpatialY;
    const Slot off = ax == 1 ? Slot::SpatialY : Slot::SpatialX;
    c.restrict(level, off, d, one);
    if (!rule.is_free()) c.restrict(level, on, d, rule);
  }
}

bool is_timeloop(const YAML::Node& root) {
  if (root.IsSequence()) return root.size() > 0 && root[0].IsMap() && (root[0]["target"] || root[0]["name"]);
  if (!root.IsMap()) return false;
  return root["architecture_constraints"] || root["mapspace_constraints"] || root["targets"] ||
         (root["constraints"] && !root["levels"]);
}

}  // namespace

mapping::Constraints parse_timeloop_constraints(const YAML::Node& targets, const workload::Problem& p,
                                                const model::Machine& m, const std::string& file) {
  Constraints c(p, m);
  c.name = file + " (Timeloop)";
  if (!targets.IsSequence())
    throw InputError(fmt::format("{}: Timeloop constraints: expected a list of targets", where(file, targets)));
  for (const auto& item : targets) timeloop_target(c, item, p, m, file);
  return c;
}

mapping::Constraints parse_constraints_yaml(const YAML::Node& root, const workload::Problem& p, const model::Machine& m,
                                            const std::string& file) {
  if (!is_timeloop(root)) {
    if (!root.IsMap() || !root["levels"])
      throw InputError(fmt::format("{}: a constraints file has a 'levels:' list (coda's format, docs/formats.md) or "
                                   "Timeloop's 'architecture_constraints:' / 'mapspace_constraints:' / 'targets:'",
                                   where(file, root)));
    return parse_coda(root, p, m, file);
  }
  if (root.IsSequence()) return parse_timeloop_constraints(root, p, m, file);
  // Timeloop documents: {architecture_constraints: {targets: [...]}, mapspace_constraints: ...},
  // {constraints: {version, targets: [...]}} or {targets: [...]}; all of them must hold.
  std::optional<Constraints> acc;
  auto add = [&](Constraints x) {
    if (!acc)
      acc = std::move(x);
    else
      acc->merge(x);
  };
  auto targets_of = [&](const YAML::Node& n, const std::string& key) -> YAML::Node {
    if (n.IsSequence()) return n;
    if (n.IsMap() && n["targets"]) return n["targets"];
    throw InputError(fmt::format("{}: {}: expected a list of targets or a map with 'targets:'", where(file, n), key));
  };
  MapReader top(root, file, "Timeloop constraints");
  top.check_keys({"architecture_constraints", "mapspace_constraints", "constraints", "targets", "version"});
  for (const char* key : {"architecture_constraints", "mapspace_constraints", "constraints"})
    if (top.has(key)) add(parse_timeloop_constraints(targets_of(top.node(key), key), p, m, file));
  if (top.has("targets")) add(parse_timeloop_constraints(top.node("targets"), p, m, file));
  if (!acc) throw InputError(fmt::format("{}: no Timeloop constraints found", where(file, root)));
  acc->name = file + " (Timeloop)";
  return *acc;
}

mapping::Constraints read_constraints_file(const std::string& path, const workload::Problem& p,
                                           const model::Machine& m) {
  return parse_constraints_yaml(load_yaml_file(path), p, m, path);
}

}  // namespace coda::io
