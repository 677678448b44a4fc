#include "coda/io/network_loader.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "coda/common/error.hpp"
#include "coda/io/energy_tool_text.hpp"
#include "coda/io/network_yaml.hpp"
#include "coda/io/onnx_import.hpp"
#include "coda/io/scalesim_csv.hpp"
#include "coda/io/timeloop_problem.hpp"
#include "coda/io/yaml_reader.hpp"
#include "coda/io/zoo.hpp"

namespace coda::io {
namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace

NetworkFormat detect_network_format(const std::string& path) {
  const std::string ext = lower_extension(path);
  if (ext == ".onnx") return NetworkFormat::Onnx;
  if (ext == ".csv") return NetworkFormat::ScaleSimCsv;
  if (ext == ".txt") return NetworkFormat::EnergyToolText;
  if (ext == ".yaml" || ext == ".yml") {
    // Both coda networks and Timeloop problems are YAML: a top-level `problem` key decides.
    YAML::Node root = load_yaml_file(path);
    return is_timeloop_problem(root) ? NetworkFormat::TimeloopYaml : NetworkFormat::CodaYaml;
  }
  throw InputError(fmt::format("{}: unsupported network file extension '{}'; expected .yaml/.yml (coda network or "
                               "Timeloop problem), .onnx (ONNX), .txt (energy estimation tool layers) or .csv "
                               "(SCALE-Sim topology)",
                               path, ext.empty() ? "(none)" : ext));
}

const char* network_format_name(NetworkFormat f) {
  switch (f) {
    case NetworkFormat::CodaYaml: return "coda network YAML";
    case NetworkFormat::TimeloopYaml: return "Timeloop problem YAML";
    case NetworkFormat::Onnx: return "ONNX";
    case NetworkFormat::EnergyToolText: return "energy estimation tool text";
    case NetworkFormat::ScaleSimCsv: return "SCALE-Sim topology CSV";
  }
  return "?";
}

workload::NetworkSpec read_network_file(const std::string& path) {
  switch (detect_network_format(path)) {
    case NetworkFormat::CodaYaml: return read_network_yaml(path);
    case NetworkFormat::TimeloopYaml: return read_timeloop_problem(path);
    case NetworkFormat::Onnx: return read_onnx(path);
    case NetworkFormat::EnergyToolText: return read_energy_tool_text(path);
    case NetworkFormat::ScaleSimCsv: return read_scalesim_csv(path);
  }
  throw InputError(fmt::format("{}: unknown format", path));
}

workload::NetworkSpec load_network_spec(const std::string& name_or_path) {
  std::error_code ec;
  const bool is_file = std::filesystem::is_regular_file(name_or_path, ec);
  if (!is_file) {
    if (zoo_has(name_or_path)) return zoo_network(name_or_path);
    if (std::filesystem::exists(name_or_path, ec))
      throw InputError(fmt::format("{}: not a regular file", name_or_path));
    if (name_or_path.find('/') != std::string::npos || name_or_path.find('.') != std::string::npos)
      throw InputError(fmt::format("{}: no such file (and not a zoo network name; see 'coda zoo')", name_or_path));
    return zoo_network(name_or_path);  // throws "unknown zoo network" with the list
  }
  return read_network_file(name_or_path);
}

}  // namespace coda::io
