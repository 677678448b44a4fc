#pragma once
// SCALE-Sim topology CSV (SCALE-Sim v1 and v2), both forms:
//  conv form: "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels,
//              Num Filter, Strides," (v2 also: "Stride height, Stride width" as two columns)
//  GEMM form: "Layer, M, N, K," where the GEMM is (M x K) . (K x N): M rows of the input (output
//              pixels), N outputs (filters), K reduction (filter window).
// SCALE-Sim's semantics: IFMAP sizes include the padding, the output size is
// ceil((H - R + stride) / stride), a layer whose name contains "DP" is depthwise (one
// single-channel convolution per input channel), and every row ends with a comma. Rows state no
// connectivity, so each becomes an independent layer with its own input. Mapping, approximations
// and rejected input: docs/importers.md.
#include <string>
#include <vector>

#include "coda/workload/network.hpp"

namespace coda::io {

enum class ScaleSimForm { Conv, Gemm };

/// Parses a topology CSV (form chosen by its header). Throws InputError naming file, line, field.
workload::NetworkSpec parse_scalesim_csv(const std::string& text, const std::string& file);
workload::NetworkSpec read_scalesim_csv(const std::string& path);

/// Writes the MAC layers of a built network (one image: SCALE-Sim has no batch) in the given form. Layers without MACs are
/// not written; `notes` (if given) receives one line per approximation or omission. Throws
/// InputError for a layer the format cannot express (dilation, in the conv form).
std::string write_scalesim_csv(const workload::Network& net, ScaleSimForm form,
                               std::vector<std::string>* notes = nullptr);

}  // namespace coda::io
