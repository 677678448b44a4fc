#pragma once
// The MAC layers of a built network seen as convolutions: the common ground of the layer-list
// formats (energy-estimation-tool text, SCALE-Sim topology CSV), which describe every CONV/FC layer
// by input, filter and output sizes, strides and padding. Writers format ConvViews; they never
// compute shapes themselves.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "coda/workload/network.hpp"

namespace coda::io {

struct ConvView {
  std::string name;
  workload::LayerType type = workload::LayerType::Conv;
  int64_t H = 1, W = 1, C = 1;  ///< input height, width (unpadded), channels (all groups)
  int64_t R = 1, S = 1;         ///< filter height, width
  int64_t M = 1;                ///< filters (all groups)
  int64_t G = 1;                ///< groups: every filter sees C / G channels
  int64_t E = 1, F = 1;         ///< output height, width
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::array<int64_t, 4> pad{0, 0, 0, 0};  ///< top, bottom, left, right (resolved)
  int input_bits = 16, weight_bits = 16, output_bits = 16;
  double weight_density = 1.0, input_density = 1.0;
  /// A linear or matmul layer written as a 1x1 convolution over H = rows (W = 1); for a matmul the
  /// second operand (an activation) becomes the filters.
  bool from_gemm = false;
  bool weights_are_activations = false;  ///< matmul of two activations
};

/// Every conv, fc, linear and matmul layer of `net` (built at batch 1) in order. Layers without
/// MACs are skipped; `skipped` (if given) receives how many.
std::vector<ConvView> conv_views(const workload::Network& net, int* skipped = nullptr);

}  // namespace coda::io
