#include "coda/io/yaml_reader.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "coda/common/error.hpp"

namespace coda::io {

YAML::Node parse_yaml(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}:{}:{}: malformed YAML: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open file", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError(fmt::format("{}: cannot read file", path));
  return ss.str();
}

YAML::Node load_yaml_file(const std::string& path) { return parse_yaml(read_text_file(path), path); }

std::string where(const std::string& file, const YAML::Node& node) {
  if (!node.IsDefined() || node.Mark().is_null()) return file;
  return fmt::format("{}:{}", file, node.Mark().line + 1);
}

namespace {

std::string scalar_text(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : std::string("<not a scalar>"); }

}  // namespace

int64_t as_int(const YAML::Node& n, const std::string& file, const std::string& what) {
  if (!n.IsScalar())
    throw InputError(fmt::format("{}: {}: expected an integer, got a {}", where(file, n), what,
                                 n.IsSequence() ? "list" : n.IsMap() ? "map" : "null"));
  const std::string s = n.Scalar();
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno == ERANGE)
    throw InputError(fmt::format("{}: {}: expected an integer, got '{}'", where(file, n), what, s));
  return v;
}

double as_double(const YAML::Node& n, const std::string& file, const std::string& what) {
  if (!n.IsScalar())
    throw InputError(fmt::format("{}: {}: expected a number, got a {}", where(file, n), what,
                                 n.IsSequence() ? "list" : n.IsMap() ? "map" : "null"));
  const std::string s = n.Scalar();
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
    throw InputError(fmt::format("{}: {}: expected a number, got '{}'", where(file, n), what, s));
  return v;
}

MapReader::MapReader(const YAML::Node& node, std::string file, std::string context)
    : node_(node), file_(std::move(file)), context_(std::move(context)) {
  if (!node_.IsMap())
    throw InputError(fmt::format("{}: {}: expected a map of keys, got a {}", where(file_, node_), context_,
                                 node_.IsSequence() ? "list" : node_.IsScalar() ? "scalar" : "null"));
}

bool MapReader::has(const std::string& key) const { return node_[key].IsDefined() && !node_[key].IsNull(); }

YAML::Node MapReader::node(const std::string& key) const { return node_[key]; }

std::string MapReader::location(const std::string& key) const {
  YAML::Node n = node_[key];
  return fmt::format("{}: {}, key '{}'", where(file_, n.IsDefined() ? n : node_), context_, key);
}

void MapReader::fail(const std::string& key, const std::string& expected) const {
  throw InputError(fmt::format("{}: {}", location(key), expected));
}

std::string MapReader::get_string(const std::string& key) const {
  if (!has(key)) fail(key, "missing required key");
  if (!node_[key].IsScalar()) fail(key, "expected a string");
  return node_[key].Scalar();
}

std::string MapReader::get_string(const std::string& key, const std::string& fallback) const {
  return has(key) ? get_string(key) : fallback;
}

int64_t MapReader::get_int(const std::string& key) const {
  if (!has(key)) fail(key, "missing required key");
  return as_int(node_[key], file_, fmt::format("{}, key '{}'", context_, key));
}

int64_t MapReader::get_int(const std::string& key, int64_t fallback) const {
  return has(key) ? get_int(key) : fallback;
}

double MapReader::get_double(const std::string& key) const {
  if (!has(key)) fail(key, "missing required key");
  return as_double(node_[key], file_, fmt::format("{}, key '{}'", context_, key));
}

double MapReader::get_double(const std::string& key, double fallback) const {
  return has(key) ? get_double(key) : fallback;
}

bool MapReader::get_bool(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  const std::string s = scalar_text(node_[key]);
  if (s == "true" || s == "True" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "False" || s == "no" || s == "off") return false;
  fail(key, fmt::format("expected true or false, got '{}'", s));
}

std::vector<int64_t> MapReader::get_int_list(const std::string& key) const {
  if (!has(key)) fail(key, "missing required key");
  YAML::Node n = node_[key];
  std::vector<int64_t> v;
  const std::string what = fmt::format("{}, key '{}'", context_, key);
  if (n.IsSequence()) {
    for (const YAML::Node& e : n) v.push_back(as_int(e, file_, what));
  } else {
    v.push_back(as_int(n, file_, what));
  }
  return v;
}

void MapReader::check_keys(std::initializer_list<const char*> allowed) const {
  std::vector<std::string> v(allowed.begin(), allowed.end());
  check_keys(v);
}

void MapReader::check_keys(const std::vector<std::string>& allowed) const {
  for (const auto& kv : node_) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "<non-scalar key>";
    bool ok = false;
    for (const std::string& a : allowed) ok = ok || a == key;
    if (!ok) {
      std::string list;
      for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw InputError(fmt::format("{}: {}: unknown key '{}'; expected one of: {}", where(file_, kv.first),
                                   context_, key, list));
    }
  }
}

}  // namespace coda::io
