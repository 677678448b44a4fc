#pragma once
// Strict YAML reading for every coda format: each error names the file, the line and the key, and
// what was expected; unknown keys are errors (a misspelled key must never be silently ignored).
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace coda::io {

/// Parses YAML text; `file` is used in messages. Throws InputError with file:line:column.
YAML::Node parse_yaml(const std::string& text, const std::string& file);
/// Reads a file (InputError if it cannot be read) and parses it.
YAML::Node load_yaml_file(const std::string& path);
/// Reads a whole file into a string; InputError naming the path if it cannot.
std::string read_text_file(const std::string& path);

/// "file:line" of a node (1-based line), or "file" if the node has no position.
std::string where(const std::string& file, const YAML::Node& node);

/// A YAML mapping being read: typed getters that report file, line, key and expectation.
class MapReader {
 public:
  /// `context` names what the map is ("layer 'conv1'", "architecture"), for messages.
  MapReader(const YAML::Node& node, std::string file, std::string context);

  bool has(const std::string& key) const;
  YAML::Node node(const std::string& key) const;  ///< undefined node if absent
  const YAML::Node& self() const { return node_; }
  const std::string& file() const { return file_; }
  std::string location(const std::string& key) const;  ///< "file:line: <context>, key 'k'"

  std::string get_string(const std::string& key) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  int64_t get_int(const std::string& key) const;
  int64_t get_int(const std::string& key, int64_t fallback) const;
  double get_double(const std::string& key) const;
  double get_double(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  std::vector<int64_t> get_int_list(const std::string& key) const;  ///< scalar or sequence

  /// Throws if the map has a key not in `allowed`; the message lists the allowed keys.
  void check_keys(std::initializer_list<const char*> allowed) const;
  void check_keys(const std::vector<std::string>& allowed) const;

  [[noreturn]] void fail(const std::string& key, const std::string& expected) const;

 private:
  YAML::Node node_;
  std::string file_;
  std::string context_;
};

/// Converts a scalar node; throws InputError naming file/line/what on failure.
int64_t as_int(const YAML::Node& n, const std::string& file, const std::string& what);
double as_double(const YAML::Node& n, const std::string& file, const std::string& what);

}  // namespace coda::io
