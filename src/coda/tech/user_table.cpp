// User technology tables (YAML or CSV): entries that override built-in prices by component name or
// by class/subclass. Formats are documented in docs/tech.md ("User tables").
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "coda/common/error.hpp"
#include "coda/io/yaml_reader.hpp"
#include "coda/tech/library.hpp"
#include "coda/tech/scaling.hpp"

namespace coda::tech {

namespace {

const std::vector<std::string>& entry_keys() {
  static const std::vector<std::string> k = [] {
    std::vector<std::string> v{"name", "class", "subclass", "bits", "node_nm", "per_access", "source"};
    for (const auto& f : cost_fields()) v.push_back(f);
    return v;
  }();
  return k;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Checks an entry once its fields are read; `where` is "file:line" and prefixes every message.
void check_entry(const Override& o, const std::string& where) {
  if (o.name.empty() && o.cls.empty())
    throw InputError(fmt::format("{}: entry needs 'name' (a component name) or 'class'", where));
  if (!o.name.empty() && (!o.cls.empty() || !o.subclass.empty()))
    throw InputError(fmt::format(
        "{}: entry for component '{}': give either 'name' or 'class'/'subclass', not both", where, o.name));
  if (!o.cls.empty()) {
    const auto& classes = component_classes();
    if (std::find(classes.begin(), classes.end(), o.cls) == classes.end()) {
      std::string list;
      for (const auto& c : classes) list += (list.empty() ? "" : ", ") + c;
      throw InputError(fmt::format("{}: unknown class '{}'; expected one of: {}", where, o.cls, list));
    }
  }
  if (o.cls.empty() && !o.subclass.empty())
    throw InputError(fmt::format("{}: 'subclass' needs 'class'", where));
  if (o.values.empty())
    throw InputError(
        fmt::format("{}: entry sets no price; give at least one of read_pj, write_pj, update_pj, op_pj, "
                    "hop_pj, leak_pj_per_cycle, area_um2",
                    where));
  if (o.ref_bits < 0 || o.ref_bits > 1024)
    throw InputError(fmt::format("{}: 'bits' must be 1..1024, got {}", where, o.ref_bits));
  if (o.ref_node_nm != 0 && (o.ref_node_nm < kMinNodeNm || o.ref_node_nm > kMaxNodeNm))
    throw InputError(
        fmt::format("{}: 'node_nm' must be {}..{}, got {}", where, kMinNodeNm, kMaxNodeNm, o.ref_node_nm));
}

double check_value(double v, const std::string& where, const std::string& key) {
  if (!std::isfinite(v) || v < 0)
    throw InputError(fmt::format("{}: '{}' must be a finite number >= 0, got {}", where, key, v));
  return v;
}

void parse_yaml_table(Library& lib, const std::string& text, const std::string& file) {
  const YAML::Node root = io::parse_yaml(text, file);
  const io::MapReader top(root, file, "technology table");
  top.check_keys({"entries"});
  const YAML::Node entries = top.node("entries");
  if (!entries.IsDefined() || !entries.IsSequence())
    top.fail("entries", "expected a list of entries (each with 'name' or 'class' and prices)");
  for (const YAML::Node& e : entries) {
    const std::string where = io::where(file, e);
    const io::MapReader r(e, file, "technology table entry");
    r.check_keys(entry_keys());
    Override o;
    o.name = r.get_string("name", "");
    o.cls = r.get_string("class", "");
    o.subclass = r.get_string("subclass", "");
    const int64_t bits = r.get_int("bits", 0);
    const int64_t node = r.get_int("node_nm", 0);
    if (r.has("bits") && (bits < 1 || bits > 1024))
      r.fail("bits", fmt::format("expected 1..1024, got {}", bits));
    if (r.has("node_nm") && (node < kMinNodeNm || node > kMaxNodeNm))
      r.fail("node_nm", fmt::format("expected {}..{} nm, got {}", kMinNodeNm, kMaxNodeNm, node));
    o.ref_bits = static_cast<int>(bits);
    o.ref_node_nm = static_cast<int>(node);
    o.per_access = r.get_bool("per_access", false);
    for (const auto& f : cost_fields()) {
      if (!r.has(f)) continue;
      const double v = r.get_double(f);
      if (v < 0) r.fail(f, fmt::format("expected a number >= 0, got {}", v));
      o.values[f] = v;
    }
    o.origin = where;
    if (r.has("source")) o.origin += " " + r.get_string("source");
    check_entry(o, where);
    lib.add_override(std::move(o));
  }
}

// Splits one CSV record (RFC 4180 quoting; no embedded line breaks). `where` names the line.
std::vector<std::string> split_csv(const std::string& line, const std::string& where) {
  std::vector<std::string> cells;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"')
          cur += '"', ++i;
        else
          quoted = false;
      } else {
        cur += ch;
      }
    } else if (ch == '"') {
      if (!cur.empty() && cur.find_first_not_of(" \t") != std::string::npos)
        throw InputError(fmt::format("{}: a quote may only start a field", where));
      cur.clear();
      quoted = true;
    } else if (ch == ',') {
      cells.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (quoted) throw InputError(fmt::format("{}: unterminated quoted field", where));
  cells.push_back(cur);
  for (auto& c : cells) {  // trim spaces around fields
    const size_t b = c.find_first_not_of(" \t");
    const size_t e = c.find_last_not_of(" \t");
    c = b == std::string::npos ? "" : c.substr(b, e - b + 1);
  }
  return cells;
}

double csv_number(const std::string& s, const std::string& where, const std::string& col) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
    throw InputError(fmt::format("{}: column '{}': expected a number, got '{}'", where, col, s));
  return v;
}

int64_t csv_int(const std::string& s, const std::string& where, const std::string& col) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno == ERANGE)
    throw InputError(fmt::format("{}: column '{}': expected an integer, got '{}'", where, col, s));
  return v;
}

void parse_csv_table(Library& lib, const std::string& text, const std::string& file) {
  std::vector<std::string> header;
  size_t line_no = 0, pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string where = fmt::format("{}:{}", file, line_no);
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    if (line.find('\0') != std::string::npos)
      throw InputError(fmt::format("{}: NUL byte in CSV text", where));
    std::vector<std::string> cells = split_csv(line, where);
    if (header.empty()) {
      for (const std::string& h : cells) {
        const auto& keys = entry_keys();
        if (std::find(keys.begin(), keys.end(), h) == keys.end()) {
          std::string list;
          for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
          throw InputError(
              fmt::format("{}: unknown column '{}'; expected columns among: {}", where, h, list));
        }
        if (std::count(cells.begin(), cells.end(), h) > 1)
          throw InputError(fmt::format("{}: column '{}' appears twice", where, h));
      }
      if (std::find(cells.begin(), cells.end(), "name") == cells.end() &&
          std::find(cells.begin(), cells.end(), "class") == cells.end())
        throw InputError(fmt::format("{}: the header needs a 'name' or a 'class' column", where));
      header = std::move(cells);
      continue;
    }
    if (cells.size() != header.size())
      throw InputError(fmt::format("{}: expected {} fields (as in the header), got {}", where, header.size(),
                                   cells.size()));
    Override o;
    o.origin = where;
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string& col = header[i];
      const std::string& v = cells[i];
      if (v.empty()) continue;  // an empty cell sets nothing
      if (col == "name")
        o.name = v;
      else if (col == "class")
        o.cls = v;
      else if (col == "subclass")
        o.subclass = v;
      else if (col == "source")
        o.origin += " " + v;
      else if (col == "per_access") {
        if (v == "true" || v == "1" || v == "yes")
          o.per_access = true;
        else if (v == "false" || v == "0" || v == "no")
          o.per_access = false;
        else
          throw InputError(
              fmt::format("{}: column 'per_access': expected true or false, got '{}'", where, v));
      } else if (col == "bits") {
        const int64_t b = csv_int(v, where, col);
        if (b < 1 || b > 1024)
          throw InputError(fmt::format("{}: column 'bits': expected 1..1024, got {}", where, b));
        o.ref_bits = static_cast<int>(b);
      } else if (col == "node_nm") {
        const int64_t n = csv_int(v, where, col);
        if (n < kMinNodeNm || n > kMaxNodeNm)
          throw InputError(fmt::format("{}: column 'node_nm': expected {}..{} nm, got {}", where, kMinNodeNm,
                                       kMaxNodeNm, n));
        o.ref_node_nm = static_cast<int>(n);
      } else {
        o.values[col] = check_value(csv_number(v, where, col), where, col);
      }
    }
    check_entry(o, where);
    lib.add_override(std::move(o));
  }
  if (header.empty()) throw InputError(fmt::format("{}: empty CSV table (no header line)", file));
}

}  // namespace

void Library::load_user_table_text(const std::string& text, const std::string& file, bool csv) {
  // Parse into a copy so that a bad file leaves the library unchanged.
  Library tmp = *this;
  if (csv)
    parse_csv_table(tmp, text, file);
  else
    parse_yaml_table(tmp, text, file);
  *this = std::move(tmp);
}

void Library::load_user_table(const std::string& path) {
  const bool csv = ends_with(path, ".csv") || ends_with(path, ".CSV");
  if (!csv && !ends_with(path, ".yaml") && !ends_with(path, ".yml"))
    throw InputError(fmt::format("{}: a technology table must be .yaml, .yml or .csv", path));
  load_user_table_text(io::read_text_file(path), path, csv);
}

}  // namespace coda::tech
