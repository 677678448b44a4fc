#include "coda/workload/network.hpp"

#include <fmt/format.h>

#include <map>

#include "coda/common/checked.hpp"
#include "coda/common/error.hpp"
#include "coda/workload/builders.hpp"

namespace coda::workload {

int64_t shape_elements(const Shape& s) {
  int64_t e = 1;
  for (int64_t d : s) e = checked_mul(e, d, "tensor size");
  return e;
}

std::string shape_string(const Shape& s) {
  if (s.empty()) return "scalar";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out;
}

int Network::find(const std::string& name) const {
  for (int i = 0; i < static_cast<int>(layers.size()); ++i)
    if (layers[i].spec.name == name) return i;
  return -1;
}

namespace {

[[noreturn]] void fail(const LayerSpec& l, const std::string& msg) {
  std::string where = l.origin.empty() ? "" : l.origin + ": ";
  throw InputError(fmt::format("{}layer '{}' ({}): {}", where, l.name, layer_type_name(l.type), msg));
}

void require_rank(const LayerSpec& l, const Shape& s, size_t rank, const char* what) {
  if (s.size() != rank)
    fail(l, fmt::format("expected a rank-{} input ({}), got shape {}", rank, what, shape_string(s)));
}

// Output size of a sliding window along one axis. Padding has already been resolved.
// floor mode: (in + pads - dil*(k-1) - 1) / stride + 1 (PyTorch, ONNX, TensorFlow).
// ceil mode (Caffe pooling): ceil(...) + 1, then drop the last window if it would start inside
// the end padding only (the rule Caffe and PyTorch apply so that every window overlaps the input).
int64_t window_out(const LayerSpec& l, int64_t in, int64_t pad_begin, int64_t pad_end, int64_t k,
                   int64_t stride, int64_t dil, bool ceil_mode, const char* axis) {
  if (in < 1) fail(l, fmt::format("input {} is {}, expected >= 1", axis, in));
  if (k < 1 || stride < 1 || dil < 1)
    fail(l, fmt::format("kernel, stride and dilation along {} must be >= 1", axis));
  int64_t padded = in + pad_begin + pad_end;
  int64_t span = dil * (k - 1) + 1;
  if (span > padded)
    fail(l, fmt::format("filter {} of {} (dilated span {}) is larger than the padded input {} ({} + {} + {})",
                        axis, k, span, padded, in, pad_begin, pad_end));
  int64_t num = padded - span;
  int64_t out = ceil_mode ? ceil_div(num, stride) + 1 : num / stride + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return out;
}

// Resolves SAME / VALID padding into explicit pads for one axis (ONNX auto_pad semantics).
void resolve_pad(PadMode mode, int64_t in, int64_t k, int64_t stride, int64_t dil, int64_t& begin,
                 int64_t& end) {
  if (mode == PadMode::Explicit) return;
  if (mode == PadMode::Valid) {
    begin = end = 0;
    return;
  }
  int64_t out = ceil_div(in, stride);
  int64_t total = std::max<int64_t>((out - 1) * stride + dil * (k - 1) + 1 - in, 0);
  int64_t small = total / 2, large = total - small;
  if (mode == PadMode::SameUpper) {
    begin = small;
    end = large;
  } else {
    begin = large;
    end = small;
  }
}

int bits_of(const LayerSpec& l, const NetworkSpec& n) { return l.bits > 0 ? l.bits : n.default_bits; }

void apply_densities(Problem& p, const LayerSpec& l, const NetworkSpec& n) {
  double wd = l.weight_density.value_or(n.default_weight_density);
  double id = l.input_density.value_or(n.default_input_density);
  for (Tensor& t : p.tensors) {
    if (t.name == "Weights") t.density = wd;
    if (t.name == "Inputs") t.density = id;
  }
  try {
    p.validate();
  } catch (const InputError& e) {
    fail(l, e.what());
  }
}

// Per-tensor bit widths override the layer's width (tensor names of builders.cpp).
void apply_tensor_bits(Problem& p, const LayerSpec& l) {
  if (!l.weight_bits && !l.input_bits && !l.output_bits) return;
  for (Tensor& t : p.tensors) {
    if (t.name == "Weights" && l.weight_bits) t.bits = *l.weight_bits;
    if (t.name.rfind("Inputs", 0) == 0 && l.input_bits) t.bits = *l.input_bits;
    if (t.name == "Outputs" && l.output_bits) t.bits = *l.output_bits;
  }
  try {
    p.validate();
  } catch (const InputError& e) {
    fail(l, e.what());
  }
}

// Numpy-style broadcast of two shapes (element-wise layers).
Shape broadcast(const LayerSpec& l, const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()), 1);
  for (size_t i = 0; i < out.size(); ++i) {
    int64_t da = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    int64_t db = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    if (da != db && da != 1 && db != 1)
      fail(l, fmt::format("input shapes {} and {} cannot be broadcast together", shape_string(a),
                          shape_string(b)));
    out[i] = std::max(da, db);
  }
  return out;
}

void infer_layer(Layer& L, const NetworkSpec& net, int64_t batch) {
  const LayerSpec& l = L.spec;
  const std::vector<Shape>& in = L.input_shapes;
  const int bits = bits_of(l, net);
  auto need_inputs = [&](size_t lo, size_t hi) {
    if (in.size() < lo || in.size() > hi)
      fail(l, lo == hi ? fmt::format("expected {} input(s), got {}", lo, in.size())
                       : fmt::format("expected {} to {} inputs, got {}", lo, hi, in.size()));
  };
  switch (l.type) {
    case LayerType::Conv: {
      need_inputs(1, 1);
      require_rank(l, in[0], 3, "C x H x W");
      const int64_t C = in[0][0], H = in[0][1], W = in[0][2];
      if (l.filters < 1) fail(l, fmt::format("filters is {}, expected >= 1", l.filters));
      if (l.groups < 1) fail(l, fmt::format("groups is {}, expected >= 1", l.groups));
      if (C % l.groups != 0)
        fail(l, fmt::format("input channels {} are not divisible by groups {}", C, l.groups));
      if (l.filters % l.groups != 0)
        fail(l, fmt::format("filters {} are not divisible by groups {}", l.filters, l.groups));
      int64_t pad[4] = {l.pad[0], l.pad[1], l.pad[2], l.pad[3]};
      resolve_pad(l.pad_mode, H, l.kernel[0], l.stride[0], l.dilation[0], pad[0], pad[1]);
      resolve_pad(l.pad_mode, W, l.kernel[1], l.stride[1], l.dilation[1], pad[2], pad[3]);
      for (int64_t p : pad)
        if (p < 0) fail(l, fmt::format("padding {} is negative", p));
      int64_t E = window_out(l, H, pad[0], pad[1], l.kernel[0], l.stride[0], l.dilation[0], false, "height");
      int64_t F = window_out(l, W, pad[2], pad[3], l.kernel[1], l.stride[1], l.dilation[1], false, "width");
      L.output_shape = {l.filters, E, F};
      ConvShape s{batch, l.groups, l.filters / l.groups, C / l.groups, E, F, l.kernel[0], l.kernel[1],
                  l.stride[0], l.stride[1], l.dilation[0], l.dilation[1]};
      L.problem = make_conv(l.name, s, bits);
      apply_densities(*L.problem, l, net);
      return;
    }
    case LayerType::FC: {
      need_inputs(1, 1);
      if (l.outputs < 1) fail(l, fmt::format("outputs is {}, expected >= 1", l.outputs));
      L.output_shape = {l.outputs};
      // FC = CONV whose filter covers the whole input (domain.md §1.1): R = H, S = W, P = Q = 1.
      ConvShape s;
      s.n = batch;
      s.m = l.outputs;
      if (in[0].size() == 3) {
        s.c = in[0][0];
        s.r = in[0][1];
        s.s = in[0][2];
      } else {
        s.c = shape_elements(in[0]);
      }
      L.problem = make_conv(l.name, s, bits);
      apply_densities(*L.problem, l, net);
      return;
    }
    case LayerType::Linear: {
      need_inputs(1, 1);
      if (l.outputs < 1) fail(l, fmt::format("outputs is {}, expected >= 1", l.outputs));
      if (in[0].empty()) fail(l, "expected an input of rank >= 1, got a scalar");
      Shape lead(in[0].begin(), in[0].end() - 1);
      L.output_shape = lead;
      L.output_shape.push_back(l.outputs);
      L.problem = make_matmul(l.name, batch, shape_elements(lead), l.outputs, in[0].back(), true, bits);
      apply_densities(*L.problem, l, net);
      return;
    }
    case LayerType::MatMul: {
      need_inputs(2, 2);
      const Shape& a = in[0];
      const Shape& b = in[1];
      if (a.size() < 2 || b.size() < 2)
        fail(l, fmt::format("expected inputs of rank >= 2, got {} and {}", shape_string(a), shape_string(b)));
      Shape lead_a(a.begin(), a.end() - 2), lead_b(b.begin(), b.end() - 2);
      if (lead_a != lead_b)
        fail(l, fmt::format("batch axes of the operands differ: {} vs {}", shape_string(a), shape_string(b)));
      int64_t rows = a[a.size() - 2], red = a.back();
      int64_t b_red = l.transpose_b ? b.back() : b[b.size() - 2];
      int64_t cols = l.transpose_b ? b[b.size() - 2] : b.back();
      if (red != b_red)
        fail(l, fmt::format("reduction sizes differ: {} ({}) vs {} ({}{})", red, shape_string(a), b_red,
                            shape_string(b), l.transpose_b ? ", transposed" : ""));
      L.output_shape = lead_a;
      L.output_shape.push_back(rows);
      L.output_shape.push_back(cols);
      L.problem = make_matmul(l.name, checked_mul(batch, shape_elements(lead_a)), rows, cols, red, false, bits);
      apply_densities(*L.problem, l, net);
      return;
    }
    case LayerType::MaxPool:
    case LayerType::AvgPool: {
      need_inputs(1, 1);
      require_rank(l, in[0], 3, "C x H x W");
      const int64_t C = in[0][0], H = in[0][1], W = in[0][2];
      int64_t pad[4] = {l.pad[0], l.pad[1], l.pad[2], l.pad[3]};
      resolve_pad(l.pad_mode, H, l.kernel[0], l.stride[0], l.dilation[0], pad[0], pad[1]);
      resolve_pad(l.pad_mode, W, l.kernel[1], l.stride[1], l.dilation[1], pad[2], pad[3]);
      int64_t E = window_out(l, H, pad[0], pad[1], l.kernel[0], l.stride[0], l.dilation[0], l.ceil_mode, "height");
      int64_t F = window_out(l, W, pad[2], pad[3], l.kernel[1], l.stride[1], l.dilation[1], l.ceil_mode, "width");
      L.output_shape = {C, E, F};
      ConvShape s{batch, 1, 1, C, E, F, l.kernel[0], l.kernel[1], l.stride[0], l.stride[1], l.dilation[0], l.dilation[1]};
      L.problem = make_pool(l.name, l.type == LayerType::MaxPool ? Op::Max : Op::Add, s, bits);
      return;
    }
    case LayerType::GlobalAvgPool:
    case LayerType::GlobalMaxPool: {
      need_inputs(1, 1);
      require_rank(l, in[0], 3, "C x H x W");
      L.output_shape = {in[0][0], 1, 1};
      ConvShape s{batch, 1, 1, in[0][0], 1, 1, in[0][1], in[0][2]};
      L.problem = make_pool(l.name, l.type == LayerType::GlobalMaxPool ? Op::Max : Op::Add, s, bits);
      return;
    }
    case LayerType::Add:
    case LayerType::Mul: {
      if (in.size() < 2) fail(l, fmt::format("expected at least 2 inputs, got {}", in.size()));
      Shape out = in[0];
      for (size_t k = 1; k < in.size(); ++k) out = broadcast(l, out, in[k]);
      L.output_shape = out;
      L.problem = make_eltwise(l.name, batch, shape_elements(out), static_cast<int>(in.size()), bits);
      return;
    }
    case LayerType::Concat: {
      if (in.empty()) fail(l, "expected at least 1 input");
      const size_t rank = in[0].size();
      int64_t axis = l.axis < 0 ? l.axis + static_cast<int64_t>(rank) : l.axis;
      if (axis < 0 || axis >= static_cast<int64_t>(rank))
        fail(l, fmt::format("axis {} is out of range for rank {}", l.axis, rank));
      Shape out = in[0];
      for (size_t k = 1; k < in.size(); ++k) {
        if (in[k].size() != rank)
          fail(l, fmt::format("input {} has shape {}, expected rank {}", k, shape_string(in[k]), rank));
        for (size_t d = 0; d < rank; ++d)
          if (static_cast<int64_t>(d) != axis && in[k][d] != out[d])
            fail(l, fmt::format("input {} has shape {}, which differs from {} outside axis {}", k,
                                shape_string(in[k]), shape_string(in[0]), axis));
        out[axis] = checked_add(out[axis], in[k][axis]);
      }
      L.output_shape = out;
      return;
    }
    case LayerType::Flatten: {
      need_inputs(1, 1);
      const int64_t rank = static_cast<int64_t>(in[0].size());
      int64_t axis = l.axis < 0 ? l.axis + rank : l.axis;
      if (axis < 0 || axis > rank) fail(l, fmt::format("axis {} is out of range for rank {}", l.axis, rank));
      Shape out(in[0].begin(), in[0].begin() + axis);
      out.push_back(shape_elements(Shape(in[0].begin() + axis, in[0].end())));
      L.output_shape = out;
      return;
    }
    case LayerType::Reshape: {
      need_inputs(1, 1);
      Shape out = l.shape;
      int64_t known = 1;
      int infer_at = -1;
      for (size_t d = 0; d < out.size(); ++d) {
        if (out[d] == 0) {
          if (d >= in[0].size()) fail(l, fmt::format("shape entry {} is 0 (copy) but the input has rank {}", d, in[0].size()));
          out[d] = in[0][d];
        }
        if (out[d] == -1) {
          if (infer_at >= 0) fail(l, "more than one -1 in shape");
          infer_at = static_cast<int>(d);
        } else if (out[d] < 1) {
          fail(l, fmt::format("shape entry {} is {}, expected >= 1, 0 (copy) or -1 (infer)", d, out[d]));
        } else {
          known = checked_mul(known, out[d]);
        }
      }
      const int64_t total = shape_elements(in[0]);
      if (infer_at >= 0) {
        if (total % known != 0) fail(l, fmt::format("cannot reshape {} into {}", shape_string(in[0]), shape_string(l.shape)));
        out[infer_at] = total / known;
      }
      if (shape_elements(out) != total)
        fail(l, fmt::format("cannot reshape {} ({} elements) into {}", shape_string(in[0]), total, shape_string(out)));
      L.output_shape = out;
      return;
    }
    case LayerType::Transpose: {
      need_inputs(1, 1);
      if (l.perm.size() != in[0].size())
        fail(l, fmt::format("perm has {} entries, expected {} (the input rank)", l.perm.size(), in[0].size()));
      Shape out(in[0].size());
      std::vector<bool> seen(in[0].size(), false);
      for (size_t d = 0; d < l.perm.size(); ++d) {
        int64_t p = l.perm[d];
        if (p < 0 || p >= static_cast<int64_t>(in[0].size()) || seen[p])
          fail(l, "perm must be a permutation of 0..rank-1");
        seen[p] = true;
        out[d] = in[0][p];
      }
      L.output_shape = out;
      return;
    }
    case LayerType::Unknown: {
      // An operator coda does not model: no work; its output shape is the one the importer knew
      // (ONNX shape inference) or, without it, the shape of its first input.
      if (in.empty()) fail(l, "expected at least 1 input, got 0");
      L.output_shape = l.shape.empty() ? in[0] : l.shape;
      return;
    }
    default:
      break;
  }
  // Unary shape-preserving operators: one operation per element (ReLU, normalisations, softmax).
  if (in.empty()) fail(l, "expected 1 input, got 0");
  L.output_shape = in[0];
  if (l.type == LayerType::Dropout || l.type == LayerType::Identity) return;
  L.problem = make_eltwise(l.name, batch, shape_elements(in[0]), 1, bits);
}

}  // namespace

std::array<int64_t, 4> resolved_padding(const LayerSpec& l, int64_t H, int64_t W) {
  std::array<int64_t, 4> pad = l.pad;
  resolve_pad(l.pad_mode, H, l.kernel[0], l.stride[0], l.dilation[0], pad[0], pad[1]);
  resolve_pad(l.pad_mode, W, l.kernel[1], l.stride[1], l.dilation[1], pad[2], pad[3]);
  return pad;
}

Network build_network(const NetworkSpec& spec, int64_t batch) {
  if (batch < 1) throw InputError(fmt::format("batch is {}, expected >= 1", batch));
  Network net;
  net.spec = spec;
  net.batch = batch;
  const std::string where = spec.file.empty() ? spec.name : spec.file;
  if (spec.inputs.empty()) throw InputError(fmt::format("{}: network has no input", where));
  if (spec.layers.empty()) throw InputError(fmt::format("{}: network has no layers", where));
  std::map<std::string, int> index;  // name -> producer id (layer index, or -1 - input index)
  for (size_t k = 0; k < spec.inputs.size(); ++k) {
    const GraphInput& gi = spec.inputs[k];
    if (gi.shape.empty()) throw InputError(fmt::format("{}: input '{}' has an empty shape", where, gi.name));
    for (int64_t d : gi.shape)
      if (d < 1)
        throw InputError(fmt::format("{}: input '{}' has shape {}, expected sizes >= 1", where, gi.name,
                                     shape_string(gi.shape)));
    if (!index.emplace(gi.name, -1 - static_cast<int>(k)).second)
      throw InputError(fmt::format("{}: duplicate input name '{}'", where, gi.name));
  }
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    Layer L;
    L.spec = spec.layers[i];
    if (L.spec.name.empty()) L.spec.name = fmt::format("layer{}", i + 1);
    std::vector<std::string> names = L.spec.inputs;
    if (names.empty()) names.push_back(i == 0 ? spec.inputs[0].name : net.layers.back().spec.name);
    for (const std::string& n : names) {
      auto it = index.find(n);
      if (it == index.end())
        fail(L.spec, fmt::format("input '{}' is not a graph input or an earlier layer (layers must be listed "
                                 "in topological order)", n));
      L.producers.push_back(it->second);
      L.input_shapes.push_back(it->second >= 0 ? net.layers[it->second].output_shape
                                               : spec.inputs[-1 - it->second].shape);
    }
    infer_layer(L, spec, batch);
    if (L.problem) apply_tensor_bits(*L.problem, L.spec);
    for (int64_t d : L.output_shape)
      if (d < 1) fail(L.spec, fmt::format("output shape {} is empty", shape_string(L.output_shape)));
    if (L.spec.type == LayerType::Unknown)
      net.warnings.push_back(fmt::format("layer '{}': operator '{}' is not modelled; kept as a node without "
                                         "work, output shape {}{}",
                                         L.spec.name, L.spec.op_name, shape_string(L.output_shape),
                                         L.spec.shape.empty() ? " (that of its first input)" : ""));
    if (!index.emplace(L.spec.name, static_cast<int>(i)).second)
      fail(L.spec, "duplicate layer name");
    net.layers.push_back(std::move(L));
  }
  return net;
}

}  // namespace coda::workload
