// Import and export of Accelergy energy/area reference tables (ERT/ART), so that users of
// Timeloop/Accelergy can reuse their tables in coda and the other way round. Schema (versions 0.3
// and 0.4, as written by Accelergy):
//   ERT: {version, tables: [{name: <path>, actions: [{name, arguments: null|{...}, energy}]}]}
//   ART: {version, tables: [{name: <path>, area}]}
// Energies are pJ per action (one access of the component's full width), areas um^2.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "coda/common/error.hpp"
#include "coda/io/yaml_reader.hpp"
#include "coda/tech/library.hpp"

namespace coda::tech {

namespace {

// "system_top_level.shared_glb[1..1]" -> "shared_glb"; "System.ws.PE[0..15].PEWeightBuffer[0..3]"
// -> "PEWeightBuffer": the last dotted segment once the instance ranges "[a..b]" are removed.
std::string component_name(const std::string& path, const std::string& where) {
  std::string flat;
  int depth = 0;
  for (char ch : path) {
    if (ch == '[')
      ++depth;
    else if (ch == ']') {
      if (--depth < 0) break;
    } else if (depth == 0)
      flat += ch;
  }
  if (depth != 0) throw InputError(fmt::format("{}: unbalanced '[' ']' in table name '{}'", where, path));
  const size_t dot = flat.rfind('.');
  std::string name = dot == std::string::npos ? flat : flat.substr(dot + 1);
  if (name.empty()) throw InputError(fmt::format("{}: table name '{}' has no component name", where, path));
  return name;
}

// The ERT/ART document's table list, with the schema checks common to both.
YAML::Node tables_of(const YAML::Node& root, const std::string& file, const char* key) {
  const io::MapReader top(root, file, fmt::format("Accelergy {} file", key));
  if (!top.has(key))
    top.fail(key, fmt::format("missing top-level key '{}' (is this an Accelergy {}?)", key, key));
  const io::MapReader body(top.node(key), file, key);
  const YAML::Node tables = body.node("tables");
  if (!tables.IsDefined() || !tables.IsSequence()) body.fail("tables", "expected a list of tables");
  return tables;
}

// Which price an Accelergy action sets. Actions not listed (mac_reused, mac_gated, ...) are not
// priced by coda and are skipped.
const char* field_of_action(const std::string& a) {
  if (a == "read") return "read";
  if (a == "write") return "write";
  if (a == "update") return "update";
  if (a == "access") return "access";
  if (a == "leak" || a == "idle") return "leak";
  if (a == "compute" || a == "mac_random" || a == "mac" || a == "multiply" || a == "add") return "op";
  if (a == "transfer" || a == "transfer_random") return "hop";
  return nullptr;
}

}  // namespace

void Library::load_accelergy_ert_text(const std::string& text, const std::string& file) {
  const YAML::Node tables = tables_of(io::parse_yaml(text, file), file, "ERT");
  std::vector<Override> found;
  std::map<std::string, std::string> seen;  // component name -> where
  for (const YAML::Node& t : tables) {
    const std::string where = io::where(file, t);
    const io::MapReader tr(t, file, "ERT table");
    const std::string path = tr.get_string("name");
    const std::string name = component_name(path, where);
    if (auto it = seen.find(name); it != seen.end())
      throw InputError(
          fmt::format("{}: component name '{}' (from '{}') already has a table at {}; coda matches "
                      "components by their last name segment",
                      where, name, path, it->second));
    seen[name] = where;
    const YAML::Node actions = tr.node("actions");
    if (!actions.IsDefined() || !actions.IsSequence()) tr.fail("actions", "expected a list of actions");
    // Several entries of one action differ in their arguments (address/data deltas, ...): coda
    // keeps the largest energy, the random-access case.
    std::map<std::string, double> best;
    for (const YAML::Node& a : actions) {
      const io::MapReader ar(a, file, fmt::format("action of ERT table '{}'", path));
      const std::string an = ar.get_string("name");
      double e = ar.get_double("energy");
      if (e < 0) ar.fail("energy", fmt::format("expected an energy >= 0 pJ, got {}", e));
      const YAML::Node args = ar.node("arguments");
      // (A missing key gives an invalid node whose type may not be asked: test IsDefined first.)
      const bool args_map = args.IsDefined() && args.IsMap();
      if (args.IsDefined() && !args.IsNull() && !args_map)
        ar.fail("arguments", "expected a map of arguments or null");
      const char* f = field_of_action(an);
      if (f == nullptr) continue;
      // Accelergy 0.4 gives leakage per cycle of `global_cycle_seconds`; coda's is per 1 ns cycle.
      if (std::string(f) == "leak" && args_map && args["global_cycle_seconds"].IsDefined()) {
        const double tc =
            io::as_double(args["global_cycle_seconds"], file, "argument 'global_cycle_seconds'");
        if (!(tc > 0)) ar.fail("arguments", fmt::format("global_cycle_seconds must be > 0, got {}", tc));
        e *= 1e-9 / tc;
        if (!std::isfinite(e)) ar.fail("energy", "leakage per 1 ns cycle overflows");
      }
      auto [it, inserted] = best.emplace(f, e);
      if (!inserted) it->second = std::max(it->second, e);
    }
    if (best.empty()) continue;
    Override o;
    o.name = name;
    o.per_access = true;
    o.origin = fmt::format("{} (Accelergy ERT '{}')", where, path);
    auto get = [&](const char* k) { return best.count(k) ? best[k] : -1.0; };
    const double access = get("access");
    const double read = get("read") >= 0 ? get("read") : access;
    const double write = get("write") >= 0 ? get("write") : access;
    if (read >= 0) o.values["read_pj"] = read;
    if (write >= 0) o.values["write_pj"] = write;
    // Accelergy's "update" writes an accumulated value (Timeloop counts the read of the old value
    // as a read); coda's update_pj is the whole read-modify-write.
    if (get("update") >= 0) o.values["update_pj"] = get("update") + std::max(read, 0.0);
    if (get("leak") >= 0) o.values["leak_pj_per_cycle"] = get("leak");
    if (get("op") >= 0) o.values["op_pj"] = get("op");
    if (get("hop") >= 0) o.values["hop_pj"] = get("hop");
    found.push_back(std::move(o));
  }
  for (Override& o : found) add_override(std::move(o));
}

void Library::load_accelergy_ert(const std::string& path) {
  load_accelergy_ert_text(io::read_text_file(path), path);
}

void Library::load_accelergy_art_text(const std::string& text, const std::string& file) {
  const YAML::Node tables = tables_of(io::parse_yaml(text, file), file, "ART");
  std::vector<Override> found;
  std::map<std::string, std::string> seen;
  for (const YAML::Node& t : tables) {
    const std::string where = io::where(file, t);
    const io::MapReader tr(t, file, "ART table");
    const std::string path = tr.get_string("name");
    const std::string name = component_name(path, where);
    if (auto it = seen.find(name); it != seen.end())
      throw InputError(fmt::format("{}: component name '{}' (from '{}') already has a table at {}", where,
                                   name, path, it->second));
    seen[name] = where;
    const double area = tr.get_double("area");
    if (area < 0) tr.fail("area", fmt::format("expected an area >= 0 um^2, got {}", area));
    Override o;
    o.name = name;
    o.values["area_um2"] = area;
    o.origin = fmt::format("{} (Accelergy ART '{}')", where, path);
    found.push_back(std::move(o));
  }
  for (Override& o : found) add_override(std::move(o));
}

void Library::load_accelergy_art(const std::string& path) {
  load_accelergy_art_text(io::read_text_file(path), path);
}

namespace {

void check_names(const std::vector<ComponentDesc>& comps) {
  std::set<std::string> names;
  for (const ComponentDesc& d : comps) {
    if (d.name.empty())
      throw InputError(fmt::format("Accelergy export: a component of class '{}' has no name", d.cls));
    if (!names.insert(d.name).second)
      throw InputError(fmt::format("Accelergy export: component name '{}' appears twice", d.name));
  }
}

void emit_action(YAML::Emitter& y, const char* name, double energy, bool leak) {
  y << YAML::BeginMap << YAML::Key << "name" << YAML::Value << name << YAML::Key << "arguments"
    << YAML::Value;
  if (leak)
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "global_cycle_seconds" << YAML::Value << 1e-9
      << YAML::EndMap;
  else
    y << YAML::Flow << YAML::BeginMap << YAML::EndMap;
  y << YAML::Key << "energy" << YAML::Value << energy << YAML::EndMap;
}

}  // namespace

std::string Library::export_accelergy_ert(const std::vector<ComponentDesc>& comps, int node_nm) const {
  check_names(comps);
  YAML::Emitter y;
  y.SetDoublePrecision(17);  // enough digits to read back the same doubles
  y << YAML::BeginMap << YAML::Key << "ERT" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "version" << YAML::Value << YAML::SingleQuoted << "0.4";
  y << YAML::Key << "tables" << YAML::Value << YAML::BeginSeq;
  for (const ComponentDesc& d : comps) {
    const ComponentCost c = price(d, node_nm);
    const double b = static_cast<double>(d.block_words);
    y << YAML::BeginMap << YAML::Key << "name" << YAML::Value << d.name;
    y << YAML::Key << "actions" << YAML::Value << YAML::BeginSeq;
    if (d.cls == "mac" || d.cls == "adder" || d.cls == "multiplier") {
      emit_action(y, "compute", c.op_pj, false);
    } else if (d.cls == "wire") {
      emit_action(y, "transfer", c.hop_pj, false);
    } else {
      emit_action(y, "read", c.read_pj * b, false);
      emit_action(y, "write", c.write_pj * b, false);
      emit_action(y, "update", std::max(0.0, c.update_pj - c.read_pj) * b, false);
    }
    emit_action(y, "leak", c.leak_pj_per_cycle, true);
    y << YAML::EndSeq << YAML::EndMap;
  }
  y << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

std::string Library::export_accelergy_art(const std::vector<ComponentDesc>& comps, int node_nm) const {
  check_names(comps);
  YAML::Emitter y;
  y.SetDoublePrecision(17);
  y << YAML::BeginMap << YAML::Key << "ART" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "version" << YAML::Value << YAML::SingleQuoted << "0.4";
  y << YAML::Key << "tables" << YAML::Value << YAML::BeginSeq;
  for (const ComponentDesc& d : comps)
    y << YAML::BeginMap << YAML::Key << "name" << YAML::Value << d.name << YAML::Key << "area" << YAML::Value
      << price(d, node_nm).area_um2 << YAML::EndMap;
  y << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

}  // namespace coda::tech
