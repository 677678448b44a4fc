#pragma once
// coda's own network format (documented key by key in docs/formats.md, "Network YAML").
#include <string>

#include "coda/workload/network.hpp"

namespace coda::io {

/// Parses a network YAML document; `file` is used in messages. Throws InputError.
workload::NetworkSpec parse_network_yaml(const std::string& text, const std::string& file);
/// Reads a network YAML file.
workload::NetworkSpec read_network_yaml(const std::string& path);
/// Writes a NetworkSpec in the same format (a reader/writer round trip keeps every field).
std::string write_network_yaml(const workload::NetworkSpec& spec);

}  // namespace coda::io
