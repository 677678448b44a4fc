#include "coda/io/arch_yaml.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <climits>
#include <cmath>
#include <map>

#include "coda/common/checked.hpp"
#include "coda/common/error.hpp"
#include "coda/io/int_expression.hpp"
#include "coda/io/yaml_reader.hpp"

namespace coda::io {

using arch::Architecture;
using arch::Compute;
using arch::Network;
using arch::Partition;
using arch::StorageLevel;

namespace {

// ---------------------------------------------------------------------------------------------
// Parameters and ${...} substitution

bool is_parameter_name(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

bool looks_like_integer(const std::string& s) {
  size_t i = (s.size() > 1 && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i >= s.size()) return false;
  for (; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

struct ParamValue {
  bool is_integer = true;
  int64_t number = 0;
  std::string text;
};

using ParamTable = std::map<std::string, ParamValue, std::less<>>;

std::vector<ArchParameter> declared_parameters(const YAML::Node& root, const std::string& file) {
  std::vector<ArchParameter> out;
  if (!root.IsMap()) return out;
  YAML::Node p = root["parameters"];
  if (!p.IsDefined() || p.IsNull()) return out;
  if (!p.IsMap()) throw InputError(fmt::format("{}: key 'parameters': expected a map of NAME: default", where(file, p)));
  for (const auto& kv : p) {
    const std::string name = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (!is_parameter_name(name))
      throw InputError(fmt::format("{}: key 'parameters': '{}' is not a valid parameter name (letters, digits, _)",
                                   where(file, kv.first), name));
    if (!kv.second.IsScalar() || kv.second.Scalar().empty())
      throw InputError(fmt::format("{}: parameter '{}': expected an integer or a name as default", where(file, kv.second), name));
    const std::string v = kv.second.Scalar();
    if (v.find("${") != std::string::npos)
      throw InputError(fmt::format("{}: parameter '{}': a default cannot use other parameters", where(file, kv.second), name));
    out.push_back(ArchParameter{name, v, looks_like_integer(v)});
  }
  return out;
}

ParamTable resolve_parameters(const std::vector<ArchParameter>& declared, const ParameterOverrides& overrides,
                              const std::string& file) {
  ParamTable table;
  auto set = [&](const std::string& name, const std::string& value, bool integer, const std::string& origin) {
    ParamValue v;
    v.is_integer = integer;
    v.text = value;
    if (integer) {
      errno = 0;
      char* end = nullptr;
      const long long n = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || errno == ERANGE)
        throw InputError(fmt::format("{}: parameter '{}' is an integer, got '{}'", origin, name, value));
      v.number = n;
    } else if (value.empty() || value.find("${") != std::string::npos) {
      throw InputError(fmt::format("{}: parameter '{}': invalid value '{}'", origin, name, value));
    }
    table[name] = v;
  };
  for (const ArchParameter& p : declared) set(p.name, p.default_value, p.is_integer, file);
  for (const auto& [name, value] : overrides) {
    auto it = table.find(name);
    if (it == table.end()) {
      std::string names;
      for (const ArchParameter& p : declared) names += (names.empty() ? "" : ", ") + p.name;
      throw InputError(fmt::format("{}: --set {}: the architecture has no parameter '{}'{}", file, name, name,
                                   names.empty() ? std::string(" (it declares none)") : "; it declares: " + names));
    }
    set(name, value, it->second.is_integer, fmt::format("--set {}={}", name, value));
  }
  return table;
}

// Replaces every ${...} in `s`. A name parameter substitutes its text; anything else is an integer
// expression. `what` locates the scalar for messages.
std::string substitute(const std::string& s, const ParamTable& params, const std::string& what) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    const size_t open = s.find("${", pos);
    if (open == std::string::npos) break;
    const size_t close = s.find('}', open + 2);
    if (close == std::string::npos) throw InputError(fmt::format("{}: unterminated '${{' in '{}'", what, s));
    out += s.substr(pos, open - pos);
    std::string expr = s.substr(open + 2, close - open - 2);
    size_t b = expr.find_first_not_of(" \t"), e = expr.find_last_not_of(" \t");
    const std::string trimmed = b == std::string::npos ? "" : expr.substr(b, e - b + 1);
    auto it = params.find(trimmed);
    if (it != params.end() && !it->second.is_integer) {
      out += it->second.text;
    } else {
      try {
        out += std::to_string(evaluate_int_expression(expr, [&](std::string_view name) -> std::optional<int64_t> {
          auto p = params.find(name);
          if (p == params.end()) return std::nullopt;
          if (!p->second.is_integer)
            throw InputError(fmt::format("parameter '{}' is a name ('{}'), not an integer", name, p->second.text));
          return p->second.number;
        }));
      } catch (const InputError& err) {
        throw InputError(fmt::format("{}: {}", what, err.what()));
      }
    }
    pos = close + 1;
  }
  if (pos == 0) return s;
  out += s.substr(pos);
  return out;
}

// Aliases make a YAML document a DAG whose expansion can be exponential in its size ("billion
// laughs"); the walk gives up past this many visited nodes instead of hanging.
constexpr int64_t kMaxVisitedNodes = 1'000'000;

void substitute_tree(YAML::Node node, const ParamTable& params, const std::string& file, const std::string& path,
                     int64_t& visited) {
  if (++visited > kMaxVisitedNodes)
    throw InputError(fmt::format("{}: the document expands (through aliases) to more than {} nodes", file,
                                 kMaxVisitedNodes));
  if (node.IsScalar()) {
    const std::string s = node.Scalar();
    if (s.find("${") != std::string::npos)
      node = substitute(s, params, fmt::format("{}: key '{}'", where(file, node), path));
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i)
      substitute_tree(node[i], params, file, fmt::format("{}[{}]", path, i), visited);
  } else if (node.IsMap()) {
    for (auto kv : node) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
      if (path.empty() && key == "parameters") continue;
      substitute_tree(kv.second, params, file, path.empty() ? key : path + "." + key, visited);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Readers of the pieces

// True if `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
// Text that is not would not survive a write/read round trip: the YAML emitter replaces bad bytes.
bool valid_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int extra = 0;
    uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) extra = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) extra = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) extra = 3, cp = c & 0x07;
    else return false;
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

std::string checked_text(const MapReader& m, const std::string& key, const std::string& value) {
  if (!valid_utf8(value)) m.fail(key, "expected UTF-8 text");
  return value;
}

std::string get_text(const MapReader& m, const std::string& key) { return checked_text(m, key, m.get_string(key)); }

std::string get_text(const MapReader& m, const std::string& key, const std::string& fallback) {
  return checked_text(m, key, m.get_string(key, fallback));
}

int get_small_int(const MapReader& m, const std::string& key, int fallback) {
  if (!m.has(key)) return fallback;
  const int64_t v = m.get_int(key);
  if (v < INT_MIN || v > INT_MAX) m.fail(key, fmt::format("value {} is out of range", v));
  return static_cast<int>(v);
}

std::optional<double> get_optional_double(const MapReader& m, const std::string& key) {
  if (!m.has(key)) return std::nullopt;
  return m.get_double(key);
}

std::vector<std::string> get_string_list(const MapReader& m, const std::string& key) {
  std::vector<std::string> out;
  if (!m.has(key)) return out;
  YAML::Node n = m.node(key);
  if (n.IsScalar()) {
    out.push_back(checked_text(m, key, n.Scalar()));
  } else if (n.IsSequence()) {
    for (const YAML::Node& e : n) {
      if (!e.IsScalar() || e.Scalar().empty()) m.fail(key, "expected a list of names");
      out.push_back(checked_text(m, key, e.Scalar()));
    }
  } else {
    m.fail(key, "expected a name or a list of names");
  }
  return out;
}

// mesh: [x, y] | x ; instances: n  ->  (x, y)
std::pair<int64_t, int64_t> read_mesh(const MapReader& m) {
  if (m.has("mesh") && m.has("instances")) m.fail("instances", "give either 'mesh' or 'instances', not both");
  if (m.has("instances")) {
    const int64_t n = m.get_int("instances");
    if (n < 1) m.fail("instances", fmt::format("expected at least 1 instance, got {}", n));
    return {n, 1};
  }
  if (!m.has("mesh")) return {1, 1};
  const std::vector<int64_t> v = m.get_int_list("mesh");
  if (v.size() != 1 && v.size() != 2)
    m.fail("mesh", fmt::format("expected [columns, rows] or one integer, got {} values", v.size()));
  const int64_t x = v[0], y = v.size() == 2 ? v[1] : 1;
  if (x < 1 || y < 1) m.fail("mesh", fmt::format("expected a fanout of at least 1 x 1, got {} x {}", x, y));
  return {x, y};
}

// capacity_words | capacity_bytes -> words of `word_bits`; nullopt if neither is given.
std::optional<int64_t> read_capacity(const MapReader& m, int word_bits) {
  if (m.has("capacity_words") && m.has("capacity_bytes"))
    m.fail("capacity_bytes", "give either 'capacity_words' or 'capacity_bytes', not both");
  if (m.has("capacity_words")) {
    const int64_t w = m.get_int("capacity_words");
    if (w < 0) m.fail("capacity_words", fmt::format("expected a capacity >= 0, got {}", w));
    return w;
  }
  if (!m.has("capacity_bytes")) return std::nullopt;
  const int64_t b = m.get_int("capacity_bytes");
  if (b < 0) m.fail("capacity_bytes", fmt::format("expected a capacity >= 0, got {}", b));
  if (word_bits < 1) m.fail("word_bits", "expected word_bits >= 1");
  int64_t bits = 0;
  if (__builtin_mul_overflow(b, int64_t{8}, &bits)) m.fail("capacity_bytes", "capacity too large");
  if (bits % word_bits != 0)
    m.fail("capacity_bytes", fmt::format("{} bytes is not a whole number of {}-bit words", b, word_bits));
  return bits / word_bits;
}

Network read_network(const YAML::Node& node, const std::string& file, const std::string& context) {
  MapReader m(node, file, context);
  m.check_keys({"tensors", "topology", "multicast", "spatial_reduction", "bandwidth", "hop_energy_pj", "hop_mm"});
  Network n;
  n.tensors = get_string_list(m, "tensors");
  if (m.has("topology")) {
    const std::string t = get_text(m, "topology");
    auto topo = arch::parse_topology(t);
    if (!topo) m.fail("topology", fmt::format("unknown topology '{}'; expected bus, mesh or systolic", t));
    n.topology = *topo;
  }
  n.multicast = m.get_bool("multicast", n.multicast);
  n.spatial_reduction = m.get_bool("spatial_reduction", n.spatial_reduction);
  n.bandwidth_words = m.get_double("bandwidth", 0.0);
  n.hop_energy_pj = get_optional_double(m, "hop_energy_pj");
  n.hop_mm = m.get_double("hop_mm", 0.0);
  return n;
}

Partition read_partition(const YAML::Node& node, const std::string& file, const std::string& context, int level_bits) {
  MapReader m(node, file, context);
  m.check_keys({"name", "tensors", "capacity_words", "capacity_bytes", "class", "word_bits"});
  Partition p;
  p.name = get_text(m, "name");
  p.tensors = get_string_list(m, "tensors");
  if (p.tensors.empty()) m.fail("tensors", "missing required key (the tensors this partition holds)");
  p.cls = get_text(m, "class", "");
  p.word_bits = get_small_int(m, "word_bits", 0);
  if (p.word_bits < 0 || p.word_bits > 1024)
    m.fail("word_bits", fmt::format("expected a word width in [1, 1024] bits, got {}", p.word_bits));
  auto cap = read_capacity(m, p.word_bits > 0 ? p.word_bits : level_bits);
  if (!cap) m.fail("capacity_words", "missing capacity (capacity_words or capacity_bytes)");
  p.capacity_words = *cap;
  return p;
}

StorageLevel read_level(const YAML::Node& node, const std::string& file, size_t index, double clock_hz) {
  MapReader m(node, file, fmt::format("level #{}", index + 1));
  const std::string name = get_text(m, "name");
  m = MapReader(node, file, fmt::format("level '{}'", name));
  m.check_keys({"name", "class", "subclass", "mesh", "instances", "capacity_words", "capacity_bytes", "partitions",
                "word_bits", "block_words", "read_bandwidth", "write_bandwidth", "shared_bandwidth", "bandwidth_gb_s",
                "multiple_buffering", "keeps", "latency_cycles", "network", "read_energy_pj", "write_energy_pj",
                "area_um2"});
  StorageLevel l;
  l.name = name;
  l.origin.where = where(file, node);
  l.cls = get_text(m, "class");
  l.subclass = get_text(m, "subclass", "");
  std::tie(l.mesh_x, l.mesh_y) = read_mesh(m);
  l.word_bits = get_small_int(m, "word_bits", l.word_bits);
  if (l.word_bits < 1 || l.word_bits > 1024)
    m.fail("word_bits", fmt::format("expected a word width in [1, 1024] bits, got {}", l.word_bits));
  l.block_words = m.get_int("block_words", l.block_words);
  l.read_bandwidth = m.get_double("read_bandwidth", 0.0);
  l.write_bandwidth = m.get_double("write_bandwidth", 0.0);
  l.shared_bandwidth = m.get_double("shared_bandwidth", 0.0);
  if (m.has("bandwidth_gb_s")) {
    if (m.has("shared_bandwidth")) m.fail("bandwidth_gb_s", "give either 'bandwidth_gb_s' or 'shared_bandwidth'");
    const double gbs = m.get_double("bandwidth_gb_s");
    if (!(gbs > 0)) m.fail("bandwidth_gb_s", fmt::format("expected a bandwidth > 0 GB/s, got {}", gbs));
    // GB/s = 1e9 bytes per second; one cycle moves bytes_per_second / clock bytes.
    l.shared_bandwidth = gbs * 1e9 / clock_hz / (static_cast<double>(l.word_bits) / 8.0);
  }
  l.multiple_buffering = get_small_int(m, "multiple_buffering", 1);
  l.keeps = get_string_list(m, "keeps");
  l.latency_cycles = m.get_int("latency_cycles", 0);
  l.read_energy_pj = get_optional_double(m, "read_energy_pj");
  l.write_energy_pj = get_optional_double(m, "write_energy_pj");
  l.area_um2 = get_optional_double(m, "area_um2");
  if (m.has("partitions")) {
    YAML::Node ps = m.node("partitions");
    if (!ps.IsSequence() || ps.size() == 0) m.fail("partitions", "expected a non-empty list of partitions");
    for (size_t k = 0; k < ps.size(); ++k)
      l.partitions.push_back(read_partition(ps[k], file, fmt::format("level '{}', partition #{}", name, k + 1), l.word_bits));
  }
  auto cap = read_capacity(m, l.word_bits);
  if (cap) {
    l.capacity_words = *cap;
  } else if (!l.partitions.empty()) {
    // The level capacity of a partitioned level is the sum of the partitions when they share the
    // level's word width (and is left 0 otherwise; see arch::StorageLevel).
    bool same = true;
    int64_t sum = 0;
    for (const Partition& p : l.partitions) {
      same = same && (p.word_bits == 0 || p.word_bits == l.word_bits);
      if (__builtin_add_overflow(sum, p.capacity_words, &sum)) m.fail("partitions", "capacities overflow 64 bits");
    }
    l.capacity_words = same ? sum : 0;
  }
  if (m.has("network")) {
    YAML::Node ns = m.node("network");
    if (ns.IsMap()) {
      l.networks.push_back(read_network(ns, file, fmt::format("level '{}', network", name)));
    } else if (ns.IsSequence()) {
      for (size_t k = 0; k < ns.size(); ++k)
        l.networks.push_back(read_network(ns[k], file, fmt::format("level '{}', network #{}", name, k + 1)));
    } else {
      m.fail("network", "expected a network map or a list of them");
    }
  }
  return l;
}

Compute read_compute(const YAML::Node& node, const std::string& file) {
  MapReader m(node, file, "compute");
  m.check_keys({"name", "mesh", "instances", "operand_bits", "floating_point", "pipeline_depth", "mac_energy_pj"});
  Compute c;
  c.origin.where = where(file, node);
  c.name = get_text(m, "name", c.name);
  std::tie(c.mesh_x, c.mesh_y) = read_mesh(m);
  c.operand_bits = get_small_int(m, "operand_bits", c.operand_bits);
  c.floating_point = m.get_bool("floating_point", false);
  c.pipeline_depth = get_small_int(m, "pipeline_depth", 1);
  c.mac_energy_pj = get_optional_double(m, "mac_energy_pj");
  return c;
}

arch::Sparsity read_sparsity(const YAML::Node& node, const std::string& file) {
  MapReader m(node, file, "sparsity");
  m.check_keys({"gating", "skipping", "compressed_tensors", "compression"});
  arch::Sparsity s;
  s.gating = m.get_bool("gating", false);
  s.skipping = m.get_bool("skipping", false);
  s.compressed_tensors = get_string_list(m, "compressed_tensors");
  s.compression = get_text(m, "compression", s.compression);
  return s;
}

arch::Technology read_technology(const YAML::Node& node, const std::string& file) {
  MapReader m(node, file, "technology");
  m.check_keys({"model", "node_nm"});
  arch::Technology t;
  t.model = get_text(m, "model", t.model);
  // Each built-in model is characterised at one node; that node is the default.
  const int model_node = t.model == "eyeriss65" ? 65 : 45;
  t.node_nm = get_small_int(m, "node_nm", model_node);
  return t;
}

}  // namespace

std::vector<ArchParameter> arch_yaml_parameters(const std::string& text, const std::string& file) {
  return declared_parameters(parse_yaml(text, file), file);
}

Architecture parse_arch_yaml(const std::string& text, const std::string& file, const ParameterOverrides& overrides) {
  YAML::Node root;
  try {
    root = parse_yaml(text, file);
  } catch (const InputError& e) {
    // `${...}` is fine in block values, but inside [ ] or { } its braces end the collection.
    if (text.find("${") == std::string::npos) throw;
    throw InputError(std::string(e.what()) + " (inside [ ] or { }, quote parameter expressions: \"${N}\")");
  }
  const ParamTable params = resolve_parameters(declared_parameters(root, file), overrides, file);
  int64_t visited = 0;
  substitute_tree(root, params, file, "", visited);

  MapReader m(root, file, "architecture");
  m.check_keys({"name", "description", "reference", "dataflow", "dataflow_switch", "clock_mhz", "clock_hz",
                "technology", "parameters", "tensors", "levels", "compute", "sparsity"});
  Architecture a;
  a.origin.where = file;
  a.name = get_text(m, "name");
  a.description = get_text(m, "description", "");
  a.reference = get_text(m, "reference", "");
  a.dataflow = get_text(m, "dataflow", "");
  if (m.has("dataflow_switch")) {
    MapReader sw(m.node("dataflow_switch"), file, "dataflow_switch");
    sw.check_keys({"cycles", "energy_pj"});
    a.dataflow_switch_cycles = sw.get_double("cycles", 0);
    a.dataflow_switch_energy_pj = sw.get_double("energy_pj", 0);
    if (!(a.dataflow_switch_cycles >= 0)) sw.fail("cycles", "expected a number of cycles >= 0");
    if (!(a.dataflow_switch_energy_pj >= 0)) sw.fail("energy_pj", "expected an energy in pJ >= 0");
  }
  if (m.has("clock_mhz") && m.has("clock_hz")) m.fail("clock_hz", "give either 'clock_mhz' or 'clock_hz', not both");
  if (m.has("clock_mhz")) a.clock_hz = m.get_double("clock_mhz") * 1e6;
  else if (m.has("clock_hz")) a.clock_hz = m.get_double("clock_hz");
  else m.fail("clock_mhz", "missing required key (the clock frequency in MHz)");
  if (!(a.clock_hz > 0)) m.fail(m.has("clock_mhz") ? "clock_mhz" : "clock_hz", "expected a clock frequency > 0");
  if (m.has("technology")) a.tech = read_technology(m.node("technology"), file);
  if (m.has("tensors")) a.tensors = get_string_list(m, "tensors");
  if (!m.has("levels")) m.fail("levels", "missing required key (the storage levels, outermost first)");
  YAML::Node levels = m.node("levels");
  if (!levels.IsSequence() || levels.size() == 0) m.fail("levels", "expected a non-empty list of storage levels");
  for (size_t i = 0; i < levels.size(); ++i) a.levels.push_back(read_level(levels[i], file, i, a.clock_hz));
  if (!m.has("compute")) m.fail("compute", "missing required key (the MAC units)");
  a.compute = read_compute(m.node("compute"), file);
  if (m.has("sparsity")) a.sparsity = read_sparsity(m.node("sparsity"), file);
  return a;
}

Architecture read_arch_yaml(const std::string& path, const ParameterOverrides& overrides) {
  return parse_arch_yaml(read_text_file(path), path, overrides);
}

std::pair<std::string, std::string> parse_parameter_override(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw InputError(fmt::format("--set '{}': expected NAME=VALUE", text));
  std::string name = text.substr(0, eq);
  if (!is_parameter_name(name))
    throw InputError(fmt::format("--set '{}': '{}' is not a valid parameter name", text, name));
  return {name, text.substr(eq + 1)};
}

// ---------------------------------------------------------------------------------------------
// Writer

namespace {

// Shortest text that reads back as the same double.
std::string num(double v) { return fmt::format("{}", v); }

void emit_list(YAML::Emitter& e, const char* key, const std::vector<std::string>& v) {
  e << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const std::string& s : v) e << s;
  e << YAML::EndSeq;
}

void emit_mesh(YAML::Emitter& e, int64_t x, int64_t y) {
  if (x == 1 && y == 1) return;
  e << YAML::Key << "mesh" << YAML::Value << YAML::Flow << YAML::BeginSeq << x << y << YAML::EndSeq;
}

void emit_optional(YAML::Emitter& e, const char* key, const std::optional<double>& v) {
  if (v) e << YAML::Key << key << YAML::Value << num(*v);
}

void emit_nonzero(YAML::Emitter& e, const char* key, double v) {
  if (v != 0) e << YAML::Key << key << YAML::Value << num(v);
}

void emit_network(YAML::Emitter& e, const Network& n) {
  e << YAML::Flow << YAML::BeginMap;
  if (!n.tensors.empty()) emit_list(e, "tensors", n.tensors);
  e << YAML::Key << "topology" << YAML::Value << std::string(arch::topology_name(n.topology));
  e << YAML::Key << "multicast" << YAML::Value << n.multicast;
  e << YAML::Key << "spatial_reduction" << YAML::Value << n.spatial_reduction;
  emit_nonzero(e, "bandwidth", n.bandwidth_words);
  emit_optional(e, "hop_energy_pj", n.hop_energy_pj);
  emit_nonzero(e, "hop_mm", n.hop_mm);
  e << YAML::EndMap;
}

void emit_level(YAML::Emitter& e, const StorageLevel& l) {
  e << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << l.name;
  e << YAML::Key << "class" << YAML::Value << l.cls;
  if (!l.subclass.empty()) e << YAML::Key << "subclass" << YAML::Value << l.subclass;
  emit_mesh(e, l.mesh_x, l.mesh_y);
  e << YAML::Key << "word_bits" << YAML::Value << l.word_bits;
  if (l.partitions.empty()) {
    if (l.capacity_words != 0) e << YAML::Key << "capacity_words" << YAML::Value << l.capacity_words;
  } else {
    // Written explicitly so that a level whose capacity disagrees with its partitions stays so.
    if (l.capacity_words != 0) e << YAML::Key << "capacity_words" << YAML::Value << l.capacity_words;
    e << YAML::Key << "partitions" << YAML::Value << YAML::BeginSeq;
    for (const Partition& p : l.partitions) {
      e << YAML::Flow << YAML::BeginMap;
      e << YAML::Key << "name" << YAML::Value << p.name;
      emit_list(e, "tensors", p.tensors);
      e << YAML::Key << "capacity_words" << YAML::Value << p.capacity_words;
      if (!p.cls.empty()) e << YAML::Key << "class" << YAML::Value << p.cls;
      if (p.word_bits != 0) e << YAML::Key << "word_bits" << YAML::Value << p.word_bits;
      e << YAML::EndMap;
    }
    e << YAML::EndSeq;
  }
  if (l.block_words != 1) e << YAML::Key << "block_words" << YAML::Value << l.block_words;
  emit_nonzero(e, "read_bandwidth", l.read_bandwidth);
  emit_nonzero(e, "write_bandwidth", l.write_bandwidth);
  emit_nonzero(e, "shared_bandwidth", l.shared_bandwidth);
  if (l.multiple_buffering != 1) e << YAML::Key << "multiple_buffering" << YAML::Value << l.multiple_buffering;
  if (!l.keeps.empty()) emit_list(e, "keeps", l.keeps);
  if (l.latency_cycles != 0) e << YAML::Key << "latency_cycles" << YAML::Value << l.latency_cycles;
  emit_optional(e, "read_energy_pj", l.read_energy_pj);
  emit_optional(e, "write_energy_pj", l.write_energy_pj);
  emit_optional(e, "area_um2", l.area_um2);
  if (!l.networks.empty()) {
    e << YAML::Key << "network" << YAML::Value << YAML::BeginSeq;
    for (const Network& n : l.networks) emit_network(e, n);
    e << YAML::EndSeq;
  }
  e << YAML::EndMap;
}

}  // namespace

std::string write_arch_yaml(const Architecture& a) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << a.name;
  if (!a.description.empty()) e << YAML::Key << "description" << YAML::Value << a.description;
  if (!a.reference.empty()) e << YAML::Key << "reference" << YAML::Value << a.reference;
  if (!a.dataflow.empty()) e << YAML::Key << "dataflow" << YAML::Value << a.dataflow;
  if (a.dataflow_switch_cycles > 0 || a.dataflow_switch_energy_pj > 0) {
    e << YAML::Key << "dataflow_switch" << YAML::Value << YAML::Flow << YAML::BeginMap;
    e << YAML::Key << "cycles" << YAML::Value << num(a.dataflow_switch_cycles);
    e << YAML::Key << "energy_pj" << YAML::Value << num(a.dataflow_switch_energy_pj);
    e << YAML::EndMap;
  }
  // MHz reads better; fall back to Hz when the MHz value would not read back exactly.
  const double mhz = a.clock_hz / 1e6;
  if (mhz * 1e6 == a.clock_hz) e << YAML::Key << "clock_mhz" << YAML::Value << num(mhz);
  else e << YAML::Key << "clock_hz" << YAML::Value << num(a.clock_hz);
  e << YAML::Key << "technology" << YAML::Value << YAML::Flow << YAML::BeginMap;
  e << YAML::Key << "model" << YAML::Value << a.tech.model;
  e << YAML::Key << "node_nm" << YAML::Value << a.tech.node_nm;
  e << YAML::EndMap;
  if (a.tensors != arch::default_tensor_names()) emit_list(e, "tensors", a.tensors);
  e << YAML::Key << "levels" << YAML::Value << YAML::BeginSeq;
  for (const StorageLevel& l : a.levels) emit_level(e, l);
  e << YAML::EndSeq;
  e << YAML::Key << "compute" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << a.compute.name;
  emit_mesh(e, a.compute.mesh_x, a.compute.mesh_y);
  e << YAML::Key << "operand_bits" << YAML::Value << a.compute.operand_bits;
  if (a.compute.floating_point) e << YAML::Key << "floating_point" << YAML::Value << true;
  if (a.compute.pipeline_depth != 1) e << YAML::Key << "pipeline_depth" << YAML::Value << a.compute.pipeline_depth;
  emit_optional(e, "mac_energy_pj", a.compute.mac_energy_pj);
  e << YAML::EndMap;
  const arch::Sparsity& s = a.sparsity;
  if (s != arch::Sparsity{}) {
    e << YAML::Key << "sparsity" << YAML::Value << YAML::BeginMap;
    if (s.gating) e << YAML::Key << "gating" << YAML::Value << true;
    if (s.skipping) e << YAML::Key << "skipping" << YAML::Value << true;
    if (!s.compressed_tensors.empty()) emit_list(e, "compressed_tensors", s.compressed_tensors);
    if (s.compression != arch::Sparsity{}.compression) e << YAML::Key << "compression" << YAML::Value << s.compression;
    e << YAML::EndMap;
  }
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace coda::io
