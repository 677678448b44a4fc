#pragma once
// ONNX models through Debian's libonnx: the graph is checked node by node with the ONNX checker,
// shapes come from ONNX shape inference (run node by node, after coda's own guards against the
// inputs that crash libonnx), and every node becomes coda LayerSpecs. Supported operators, what is
// approximated and what is rejected: docs/importers.md.
#include <cstddef>
#include <string>

#include "coda/workload/network.hpp"

namespace coda::io {

/// Converts a serialized ONNX ModelProto. `file` names the model in messages. Throws InputError
/// naming the file and the node (name and operator) for any malformed or unsupported input; an
/// operator coda does not model becomes an `unknown` layer (build_network() warns about it).
workload::NetworkSpec parse_onnx(const void* data, size_t size, const std::string& file);
/// Reads and converts an .onnx file.
workload::NetworkSpec read_onnx(const std::string& path);

}  // namespace coda::io
