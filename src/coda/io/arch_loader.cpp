#include "coda/io/arch_loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "coda/arch/equal_area.hpp"
#include "coda/arch/validate.hpp"
#include "coda/common/error.hpp"
#include "coda/io/embedded.hpp"

namespace coda::io {
namespace {

constexpr std::string_view kPrefix = "arch/";
constexpr std::string_view kSuffix = ".yaml";
// The equal-area variants are generated from this preset (domain.md §4, ISCA 2016 comparison).
constexpr std::string_view kEqualAreaBase = "eyeriss-256";

std::string name_of(const std::string& path) {
  return path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
}

}  // namespace

std::optional<std::string> preset_text(const std::string& name) {
  auto text = embedded_file(std::string(kPrefix) + name + std::string(kSuffix));
  if (!text) return std::nullopt;
  return std::string(*text);
}

namespace {

std::string file_label(const std::string& name) { return "<preset>/" + name + ".yaml"; }

std::vector<std::string> file_presets() {
  std::vector<std::string> out;
  for (const std::string& path : embedded_files_under(kPrefix))
    if (path.size() > kPrefix.size() + kSuffix.size() &&
        path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0)
      out.push_back(name_of(path));
  return out;
}

// "eyeriss-256-os-a" -> "os_a"; "" if `name` is not a generated variant.
std::string generated_dataflow(const std::string& name) {
  const std::string prefix = std::string(kEqualAreaBase) + "-";
  if (name.rfind(prefix, 0) != 0) return "";
  std::string df = name.substr(prefix.size());
  std::replace(df.begin(), df.end(), '-', '_');
  const auto& all = arch::equal_area_dataflows();
  return std::find(all.begin(), all.end(), df) != all.end() ? df : "";
}

std::vector<std::string> all_names() {
  std::vector<std::string> names = file_presets();
  if (!preset_text(std::string(kEqualAreaBase))) return names;
  for (const std::string& df : arch::equal_area_dataflows()) {
    std::string n = df;
    std::replace(n.begin(), n.end(), '_', '-');
    names.push_back(std::string(kEqualAreaBase) + "-" + n);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

bool is_preset(const std::string& name) {
  return preset_text(name).has_value() ||
         (!generated_dataflow(name).empty() && preset_text(std::string(kEqualAreaBase)).has_value());
}

std::vector<PresetInfo> preset_list() {
  std::vector<PresetInfo> out;
  for (const std::string& name : all_names()) {
    PresetInfo info;
    info.name = name;
    if (auto text = preset_text(name)) {
      info.parameters = arch_yaml_parameters(*text, file_label(name));
      info.description = parse_arch_yaml(*text, file_label(name)).description;
    } else {
      info.generated = true;
      info.description = load_preset(name).description;
    }
    out.push_back(std::move(info));
  }
  return out;
}

arch::Architecture load_preset(const std::string& name, const ParameterOverrides& overrides) {
  if (auto text = preset_text(name)) return parse_arch_yaml(*text, file_label(name), overrides);
  const std::string df = generated_dataflow(name);
  if (!df.empty() && preset_text(std::string(kEqualAreaBase))) {
    arch::Architecture base = load_preset(std::string(kEqualAreaBase), overrides);
    arch::validate(base);
    return arch::equal_area_variant(base, df);
  }
  std::string names;
  for (const std::string& n : all_names()) names += (names.empty() ? "" : ", ") + n;
  throw InputError(fmt::format("unknown architecture preset '{}'; presets: {} (or give a path to an architecture YAML file)",
                               name, names));
}

arch::Architecture load_architecture(const std::string& name_or_path, const ParameterOverrides& overrides) {
  std::error_code ec;
  arch::Architecture a;
  if (std::filesystem::is_regular_file(name_or_path, ec)) {
    a = read_arch_yaml(name_or_path, overrides);
  } else if (is_preset(name_or_path)) {
    a = load_preset(name_or_path, overrides);
  } else if (std::filesystem::exists(name_or_path, ec)) {
    throw InputError(fmt::format("{}: not a regular file", name_or_path));
  } else if (name_or_path.find('/') != std::string::npos || name_or_path.find('.') != std::string::npos) {
    throw InputError(fmt::format("{}: no such file (and not a preset; see 'coda arch list')", name_or_path));
  } else {
    a = load_preset(name_or_path, overrides);  // throws "unknown preset" with the list
  }
  arch::validate(a);
  return a;
}

}  // namespace coda::io
