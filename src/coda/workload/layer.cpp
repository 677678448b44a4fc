#include "coda/workload/layer.hpp"

#include <utility>

namespace coda::workload {
namespace {

constexpr std::pair<LayerType, const char*> kNames[] = {
    {LayerType::Conv, "conv"},
    {LayerType::FC, "fc"},
    {LayerType::Linear, "linear"},
    {LayerType::MatMul, "matmul"},
    {LayerType::MaxPool, "maxpool"},
    {LayerType::AvgPool, "avgpool"},
    {LayerType::GlobalAvgPool, "global_avgpool"},
    {LayerType::GlobalMaxPool, "global_maxpool"},
    {LayerType::Add, "add"},
    {LayerType::Mul, "mul"},
    {LayerType::Concat, "concat"},
    {LayerType::Flatten, "flatten"},
    {LayerType::Reshape, "reshape"},
    {LayerType::Transpose, "transpose"},
    {LayerType::ReLU, "relu"},
    {LayerType::ReLU6, "relu6"},
    {LayerType::LeakyReLU, "leaky_relu"},
    {LayerType::ELU, "elu"},
    {LayerType::Sigmoid, "sigmoid"},
    {LayerType::Tanh, "tanh"},
    {LayerType::GELU, "gelu"},
    {LayerType::SiLU, "silu"},
    {LayerType::HardSwish, "hardswish"},
    {LayerType::BatchNorm, "batchnorm"},
    {LayerType::LRN, "lrn"},
    {LayerType::Softmax, "softmax"},
    {LayerType::LayerNorm, "layernorm"},
    {LayerType::Dropout, "dropout"},
    {LayerType::Identity, "identity"},
    {LayerType::Unknown, "unknown"},
};

}  // namespace

const char* layer_type_name(LayerType t) {
  for (const auto& [type, name] : kNames)
    if (type == t) return name;
  return "?";
}

std::optional<LayerType> parse_layer_type(const std::string& name) {
  for (const auto& [type, n] : kNames)
    if (name == n) return type;
  return std::nullopt;
}

std::vector<std::string> layer_type_names() {
  std::vector<std::string> v;
  for (const auto& [type, name] : kNames) v.emplace_back(name);
  return v;
}

bool is_unary_elementwise(LayerType t) {
  switch (t) {
    case LayerType::ReLU:
    case LayerType::ReLU6:
    case LayerType::LeakyReLU:
    case LayerType::ELU:
    case LayerType::Sigmoid:
    case LayerType::Tanh:
    case LayerType::GELU:
    case LayerType::SiLU:
    case LayerType::HardSwish:
    case LayerType::BatchNorm:
    case LayerType::LRN:
    case LayerType::Softmax:
    case LayerType::LayerNorm:
    case LayerType::Dropout:
    case LayerType::Identity:
    case LayerType::Unknown:
      return true;
    default:
      return false;
  }
}

}  // namespace coda::workload
