#pragma once
// A Network is a DAG of layers in topological order with every shape inferred from the graph
// inputs, and a Problem for every layer that computes (conv, fc, matmul, pooling, element-wise).
// NetworkSpec is what a reader produces (zoo YAML, ONNX, energy-tool text, SCALE-Sim CSV,
// Timeloop YAML); build_network() is the only place shapes are computed.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "coda/workload/layer.hpp"
#include "coda/workload/problem.hpp"

namespace coda::workload {

struct GraphInput {
  std::string name;
  Shape shape;  ///< without the batch
};

struct NetworkSpec {
  std::string name;         ///< short name ("alexnet")
  std::string title;        ///< human-readable description
  std::string source;       ///< where the layer list comes from (paper, reference file)
  std::string file;         ///< file it was read from, for messages ("<zoo>/alexnet.yaml")
  std::vector<GraphInput> inputs;
  std::vector<LayerSpec> layers;
  /// Batch the file states (Timeloop N, energy-tool number of maps, network YAML `batch`): the
  /// default of `coda stats --batch`. Shapes still exclude it; build_network() takes the batch.
  int64_t batch = 1;
  int default_bits = 16;
  double default_weight_density = 1.0;
  double default_input_density = 1.0;
};

struct Layer {
  LayerSpec spec;
  std::vector<int> producers;  ///< index of each input's producer layer; -1 - k for graph input k
  std::vector<Shape> input_shapes;
  Shape output_shape;
  std::optional<Problem> problem;  ///< absent for pure data-layout layers (reshape, concat, ...)
};

struct Network {
  NetworkSpec spec;
  int64_t batch = 1;
  std::vector<Layer> layers;
  std::vector<std::string> warnings;  ///< e.g. unknown operators kept as non-MAC nodes

  /// Index of a layer by name, or -1.
  int find(const std::string& name) const;
};

/// Infers every shape, builds every Problem (with N = batch), and checks the graph: unknown or
/// forward references, cycles, channel/group mismatches, filters larger than the padded input,
/// non-positive sizes. Throws InputError naming the layer, its origin and what was expected.
Network build_network(const NetworkSpec& spec, int64_t batch = 1);

/// The explicit padding {top, bottom, left, right} that a conv or pooling layer applies to an H x W
/// input once SAME / VALID modes are resolved (the rule build_network uses).
std::array<int64_t, 4> resolved_padding(const LayerSpec& l, int64_t H, int64_t W);

/// Number of elements of a shape (checked product; an empty shape is a scalar, 1 element).
int64_t shape_elements(const Shape& s);
/// "3x227x227".
std::string shape_string(const Shape& s);

}  // namespace coda::workload
