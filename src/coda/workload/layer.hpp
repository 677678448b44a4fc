#pragma once
// A layer as the user wrote it (LayerSpec): its type and hyper-parameters, before any shape is
// known. Shape inference (network.hpp) turns a graph of LayerSpecs into a Network of Layers
// with shapes and Problems.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace coda::workload {

/// Activation shapes exclude the batch: [C, H, W] for images, [T, D] for token sequences,
/// [heads, T, d] for per-head attention tensors, [K] after flatten / fc.
using Shape = std::vector<int64_t>;

enum class LayerType {
  Conv,           ///< 2-D convolution (groups, dilation, padding, stride)
  FC,             ///< fully connected: flattens its input, then a dense layer
  Linear,         ///< dense layer on the last axis; leading axes are rows (tokens)
  MatMul,         ///< product of two activations (attention scores and context)
  MaxPool,
  AvgPool,
  GlobalAvgPool,
  GlobalMaxPool,
  Add,            ///< element-wise sum (residual shortcut)
  Mul,            ///< element-wise product (gating, squeeze-excite scaling)
  Concat,
  Flatten,
  Reshape,
  Transpose,
  ReLU,
  ReLU6,
  LeakyReLU,
  ELU,
  Sigmoid,
  Tanh,
  GELU,
  SiLU,
  HardSwish,
  BatchNorm,
  LRN,
  Softmax,
  LayerNorm,
  Dropout,
  Identity,
  Unknown,        ///< an operator coda does not model; kept as a named non-MAC node
};

/// The YAML spelling of a type ("conv", "global_avgpool", ...).
const char* layer_type_name(LayerType t);
/// Parses a YAML type name; std::nullopt if unknown.
std::optional<LayerType> parse_layer_type(const std::string& name);
/// All type names, for error messages and documentation.
std::vector<std::string> layer_type_names();
/// True for the unary, shape-preserving operators (activations, normalisations, dropout).
bool is_unary_elementwise(LayerType t);

enum class PadMode { Explicit, SameUpper, SameLower, Valid };

struct LayerSpec {
  std::string name;
  LayerType type = LayerType::Identity;
  std::string op_name;              ///< original operator name (ONNX op type for Unknown)
  std::vector<std::string> inputs;  ///< producer layer or graph-input names; empty = previous
  std::string origin;               ///< "file:line" where it was defined, for messages

  // conv / pooling
  int64_t filters = 0;                    ///< conv: output channels M (all groups)
  std::array<int64_t, 2> kernel{1, 1};    ///< R, S
  std::array<int64_t, 2> stride{1, 1};    ///< vertical, horizontal
  std::array<int64_t, 2> dilation{1, 1};
  std::array<int64_t, 4> pad{0, 0, 0, 0};  ///< top, bottom, left, right
  PadMode pad_mode = PadMode::Explicit;
  int64_t groups = 1;
  bool ceil_mode = false;  ///< pooling: round the output size up (Caffe, GoogLeNet)

  // fc / linear
  int64_t outputs = 0;

  // matmul
  bool transpose_b = false;

  // reshape / transpose / concat / flatten / softmax
  std::vector<int64_t> shape;
  std::vector<int64_t> perm;
  int64_t axis = 0;

  // precision and sparsity (per tensor of the layer's Problem; <= 0 / unset = network default)
  int bits = 0;
  /// Per-tensor bit widths (weights, input activations, output activations); each overrides `bits`
  /// for that tensor (energy-tool text files give one width per tensor).
  std::optional<int> weight_bits, input_bits, output_bits;
  std::optional<double> weight_density;
  std::optional<double> input_density;
};

}  // namespace coda::workload
