#pragma once
// Per-layer and per-network statistics (issue 2): weights, MACs, activations, non-zero weights
// and non-zero MACs under the tensor densities, and the layer categories of Kwon et al. (DAC 2018)
// used in the co-design studies.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "coda/workload/network.hpp"

namespace coda::workload {

enum class Category { FirstConv, Pointwise, FxF, Depthwise, FcGemm, Other };
constexpr int kNumCategories = 6;
const char* category_name(Category c);

struct LayerStats {
  std::string name;
  std::string type;
  Category category = Category::Other;
  Shape input_shape;   ///< first input, without batch
  Shape output_shape;  ///< without batch
  int bits = 16;
  double weight_density = 1.0;
  double input_density = 1.0;
  int64_t weights = 0;             ///< parameters of the layer (biases excluded, as published)
  int64_t macs = 0;                ///< multiply-accumulates (batch included)
  int64_t ops = 0;                 ///< non-MAC operations: compares, adds, element-wise (batch included)
  int64_t input_activations = 0;   ///< elements of all activation inputs (batch included)
  int64_t output_activations = 0;  ///< elements of the output (batch included)
  int64_t nonzero_weights = 0;     ///< round(weights * weight density)
  int64_t nonzero_macs = 0;        ///< round(MACs * weight density * input density)
};

struct NetworkStats {
  std::string network;
  int64_t batch = 1;
  std::vector<LayerStats> layers;
  LayerStats total;  ///< sums; name "total"
  int conv_layers = 0, fc_layers = 0;
  int64_t conv_weights = 0, conv_macs = 0, fc_weights = 0, fc_macs = 0;
  std::array<int64_t, kNumCategories> macs_by_category{};
  std::array<int, kNumCategories> layers_by_category{};
  /// Share of all MACs in a category, in [0, 1].
  double mac_share(Category c) const;
};

/// Category of one layer. `first_conv` is true for the network's first convolution.
Category categorize(const Layer& layer, bool first_conv);

NetworkStats compute_stats(const Network& net);

}  // namespace coda::workload
