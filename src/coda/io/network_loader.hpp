#pragma once
// One entry point for "a network the user named": a zoo name or a file in any supported format,
// chosen by extension (and, for YAML, by content).
#include <string>

#include "coda/workload/network.hpp"

namespace coda::io {

/// Formats a network file can be in.
enum class NetworkFormat { CodaYaml, TimeloopYaml, Onnx, EnergyToolText, ScaleSimCsv };

/// The format of a network file: by extension (.onnx, .txt energy-tool text, .csv SCALE-Sim); a
/// .yaml/.yml file with a top-level `problem` key is a Timeloop problem, otherwise a coda network.
/// InputError for another extension.
NetworkFormat detect_network_format(const std::string& path);
const char* network_format_name(NetworkFormat f);
/// Reads a network file in whatever format detect_network_format() finds.
workload::NetworkSpec read_network_file(const std::string& path);

/// Loads `name_or_path`: an existing file (format by extension; .yaml/.yml files holding a
/// Timeloop `problem` are read as Timeloop problems), otherwise a zoo name.
workload::NetworkSpec load_network_spec(const std::string& name_or_path);

}  // namespace coda::io
