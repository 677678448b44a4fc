#include "coda/workload/statistics.hpp"

#include <cmath>

#include "coda/common/checked.hpp"

namespace coda::workload {

const char* category_name(Category c) {
  switch (c) {
    case Category::FirstConv: return "first-conv";
    case Category::Pointwise: return "pointwise";
    case Category::FxF: return "FxF";
    case Category::Depthwise: return "depthwise";
    case Category::FcGemm: return "fc/gemm";
    case Category::Other: return "other";
  }
  return "?";
}

double NetworkStats::mac_share(Category c) const {
  return total.macs == 0 ? 0.0
                         : static_cast<double>(macs_by_category[static_cast<int>(c)]) /
                               static_cast<double>(total.macs);
}

Category categorize(const Layer& layer, bool first_conv) {
  switch (layer.spec.type) {
    case LayerType::Conv: {
      if (first_conv) return Category::FirstConv;
      const Problem& p = *layer.problem;
      // Depthwise: one input channel per group, more than one group (MobileNet; domain.md §1.1).
      if (p.bound("G") > 1 && p.bound("C") == 1) return Category::Depthwise;
      if (p.bound("R") == 1 && p.bound("S") == 1) return Category::Pointwise;
      return Category::FxF;
    }
    case LayerType::FC:
    case LayerType::Linear:
    case LayerType::MatMul:
      return Category::FcGemm;
    default:
      return Category::Other;
  }
}

namespace {

int64_t round_count(double x) { return static_cast<int64_t>(std::llround(x)); }

void accumulate(LayerStats& t, const LayerStats& l) {
  t.weights = checked_add(t.weights, l.weights);
  t.macs = checked_add(t.macs, l.macs);
  t.ops = checked_add(t.ops, l.ops);
  t.input_activations = checked_add(t.input_activations, l.input_activations);
  t.output_activations = checked_add(t.output_activations, l.output_activations);
  t.nonzero_weights = checked_add(t.nonzero_weights, l.nonzero_weights);
  t.nonzero_macs = checked_add(t.nonzero_macs, l.nonzero_macs);
}

}  // namespace

NetworkStats compute_stats(const Network& net) {
  NetworkStats st;
  st.network = net.spec.name;
  st.batch = net.batch;
  st.total.name = "total";
  bool seen_conv = false;
  for (const Layer& L : net.layers) {
    LayerStats s;
    s.name = L.spec.name;
    s.type = L.spec.type == LayerType::Unknown ? "unknown:" + L.spec.op_name : layer_type_name(L.spec.type);
    s.category = categorize(L, L.spec.type == LayerType::Conv && !seen_conv);
    if (L.spec.type == LayerType::Conv) seen_conv = true;
    s.input_shape = L.input_shapes.empty() ? Shape{} : L.input_shapes[0];
    s.output_shape = L.output_shape;
    for (const Shape& in : L.input_shapes)
      s.input_activations = checked_add(s.input_activations, checked_mul(shape_elements(in), net.batch));
    s.output_activations = checked_mul(shape_elements(L.output_shape), net.batch);
    if (L.problem) {
      const Problem& p = *L.problem;
      int w = p.tensor_index("Weights"), i = p.tensor_index("Inputs");
      s.bits = p.tensors[p.output_index()].bits;
      if (w >= 0) s.weight_density = p.tensors[w].density;
      if (i >= 0) s.input_density = p.tensors[i].density;
      for (int t = 0; t < p.num_tensors(); ++t)
        if (p.tensors[t].is_parameter) s.weights = checked_add(s.weights, p.tensor_box_size(t));
      if (p.op == Op::Mac) {
        s.macs = p.points();
        s.nonzero_macs = round_count(static_cast<double>(s.macs) * s.weight_density * s.input_density);
      } else {
        s.ops = p.points();
      }
      s.nonzero_weights = round_count(static_cast<double>(s.weights) * s.weight_density);
    }
    accumulate(st.total, s);
    const int c = static_cast<int>(s.category);
    st.macs_by_category[c] = checked_add(st.macs_by_category[c], s.macs);
    if (s.macs > 0) ++st.layers_by_category[c];
    if (L.spec.type == LayerType::Conv) {
      ++st.conv_layers;
      st.conv_weights = checked_add(st.conv_weights, s.weights);
      st.conv_macs = checked_add(st.conv_macs, s.macs);
    } else if (s.category == Category::FcGemm) {
      ++st.fc_layers;
      st.fc_weights = checked_add(st.fc_weights, s.weights);
      st.fc_macs = checked_add(st.fc_macs, s.macs);
    }
    st.layers.push_back(std::move(s));
  }
  return st;
}

}  // namespace coda::workload
