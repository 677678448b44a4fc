#include "coda/io/conv_view.hpp"

#include "coda/common/checked.hpp"

namespace coda::io {

using workload::Layer;
using workload::LayerType;
using workload::Problem;
using workload::Shape;

namespace {

void copy_tensor_properties(const Layer& L, ConvView& v) {
  const Problem& p = *L.problem;
  for (const auto& t : p.tensors) {
    if (t.name == "Weights") {
      v.weight_bits = t.bits;
      v.weight_density = t.density;
    } else if (t.name == "Inputs") {
      v.input_bits = t.bits;
      v.input_density = t.density;
    } else if (t.name == "Outputs") {
      v.output_bits = t.bits;
    }
  }
}

}  // namespace

std::vector<ConvView> conv_views(const workload::Network& net, int* skipped) {
  std::vector<ConvView> out;
  int n_skipped = 0;
  for (const Layer& L : net.layers) {
    const auto& l = L.spec;
    if (!L.problem || L.problem->op != workload::Op::Mac) {
      ++n_skipped;
      continue;
    }
    ConvView v;
    v.name = l.name;
    v.type = l.type;
    const Shape& in = L.input_shapes[0];
    switch (l.type) {
      case LayerType::Conv: {
        v.C = in[0];
        v.H = in[1];
        v.W = in[2];
        v.R = l.kernel[0];
        v.S = l.kernel[1];
        v.M = l.filters;
        v.G = l.groups;
        v.E = L.output_shape[1];
        v.F = L.output_shape[2];
        v.stride_h = l.stride[0];
        v.stride_w = l.stride[1];
        v.dilation_h = l.dilation[0];
        v.dilation_w = l.dilation[1];
        v.pad = workload::resolved_padding(l, v.H, v.W);
        break;
      }
      case LayerType::FC: {
        // FC = a convolution whose filter covers the whole input (domain.md §1.1).
        if (in.size() == 3) {
          v.C = in[0];
          v.H = v.R = in[1];
          v.W = v.S = in[2];
        } else {
          v.C = workload::shape_elements(in);
        }
        v.M = l.outputs;
        break;
      }
      case LayerType::Linear:
      case LayerType::MatMul: {
        // A GEMM rows x reduction -> rows x cols is a 1x1 convolution over a rows x 1 map.
        const auto& p = *L.problem;
        v.H = v.E = checked_mul(p.bound("P"), l.type == LayerType::MatMul ? p.bound("N") / net.batch : 1);
        v.C = p.bound("C");
        v.M = p.bound("M");
        v.from_gemm = true;
        v.weights_are_activations = l.type == LayerType::MatMul;
        break;
      }
      default:
        ++n_skipped;
        continue;
    }
    copy_tensor_properties(L, v);
    out.push_back(std::move(v));
  }
  if (skipped) *skipped = n_skipped;
  return out;
}

}  // namespace coda::io
