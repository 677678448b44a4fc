#pragma once
// The layer file of the MIT energy estimation tool (domain.md §6): one line per CONV/FC layer, 25
// comma-separated integers:
//    1  layer index (1-based, equal to the layer's position in the file)
//  2-7  input fmap:  height, width, channels, number of maps (batch), number of zero entries, bits
// 8-13  filters:     height, width, channels, number of filters, number of zero entries, bits
// 14-19 output fmap: height, width, channels, number of maps (batch), number of zero entries, bits
// 20-21 stride y, x
// 22-25 padding top, bottom, left, right
// Full description, mapping and rejected inputs: docs/importers.md.
#include <string>
#include <vector>

#include "coda/workload/network.hpp"

namespace coda::io {

/// Parses a layer file; `file` is used in messages and names the network (its stem). Each line
/// becomes an independent layer (the format states no connectivity) with its own graph input
/// "<layer>_in"; the number of maps (equal on every line) becomes NetworkSpec::batch. Throws
/// InputError naming the file, line and field.
workload::NetworkSpec parse_energy_tool_text(const std::string& text, const std::string& file);
workload::NetworkSpec read_energy_tool_text(const std::string& path);

/// Writes the CONV/FC layers (and linear / matmul layers as 1x1 convolutions over their rows) of a
/// built network; its batch is the number of maps. Layers without MACs are not written; `notes` (if given) receives one
/// line per approximation or omission. Throws InputError for a layer the format cannot express
/// (dilation).
std::string write_energy_tool_text(const workload::Network& net, std::vector<std::string>* notes = nullptr);

}  // namespace coda::io
