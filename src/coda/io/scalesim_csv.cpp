#include "coda/io/scalesim_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "coda/common/checked.hpp"
#include "coda/common/error.hpp"
#include "coda/io/conv_view.hpp"
#include "coda/io/delimited_text.hpp"
#include "coda/io/yaml_reader.hpp"

namespace coda::io {

using workload::LayerSpec;
using workload::LayerType;
using workload::NetworkSpec;

namespace {

const char* const kConvHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,";
const char* const kGemmHeader = "Layer, M, N, K,";

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// SCALE-Sim drops what follows the last comma of a row; files put comments there ("1,#dw").
std::vector<std::string> data_fields(const TextRecord& r) {
  std::vector<std::string> f = r.fields;
  if (f.size() > 1 && (f.back().empty() || f.back()[0] == '#')) f.pop_back();
  return f;
}

ScaleSimForm detect_form(const TextRecord& header) {
  std::vector<std::string> f = data_fields(header);
  for (std::string& s : f) s = lower(s);
  if (f.size() == 4 && f[1] == "m" && f[2] == "n" && f[3] == "k") return ScaleSimForm::Gemm;
  if ((f.size() == 8 || f.size() == 9) && f[1].find("ifmap") != std::string::npos &&
      f[3].find("filter") != std::string::npos)
    return ScaleSimForm::Conv;
  header.fail(fmt::format("expected a SCALE-Sim header: '{}' (conv form, optionally with 'Stride height, "
                          "Stride width') or '{}' (GEMM form)",
                          kConvHeader, kGemmHeader));
}

std::string layer_name(const std::string& field, size_t ordinal) {
  return field.empty() ? fmt::format("layer{}", ordinal) : field;
}

LayerSpec read_conv_row(const TextRecord& r, size_t ordinal, NetworkSpec& spec) {
  TextRecord d = r;
  d.fields = data_fields(r);
  if (d.size() != 8 && d.size() != 9)
    d.fail(fmt::format("expected 8 fields (layer name, IFMAP height, IFMAP width, filter height, filter width, "
                       "channels, num filter, stride) or 9 (separate stride height and width), got {}",
                       d.size()));
  LayerSpec l;
  l.name = layer_name(d.fields[0], ordinal);
  l.origin = d.where();
  const int64_t H = d.get_int(1, "IFMAP height", 1), W = d.get_int(2, "IFMAP width", 1);
  const int64_t R = d.get_int(3, "filter height", 1), S = d.get_int(4, "filter width", 1);
  const int64_t C = d.get_int(5, "channels", 1), M = d.get_int(6, "num filter", 1);
  const int64_t sh = d.get_int(7, d.size() == 9 ? "stride height" : "stride", 1);
  const int64_t sw = d.size() == 9 ? d.get_int(8, "stride width", 1) : sh;
  if (R > H)
    d.fail(3, "filter height", fmt::format("filter height {} is larger than the IFMAP height {} (SCALE-Sim IFMAP "
                                           "sizes include the padding)", R, H));
  if (S > W)
    d.fail(4, "filter width", fmt::format("filter width {} is larger than the IFMAP width {} (SCALE-Sim IFMAP "
                                          "sizes include the padding)", S, W));
  l.inputs = {l.name + "_in"};
  spec.inputs.push_back(workload::GraphInput{l.name + "_in", {C, H, W}});
  const bool depthwise = l.name.find("DP") != std::string::npos;
  if (!depthwise && R == H && S == W) {
    // The filter covers the IFMAP: an FC layer (SCALE-Sim writes FC layers this way).
    l.type = LayerType::FC;
    l.op_name = "fc";
    l.outputs = M;
    return l;
  }
  l.type = LayerType::Conv;
  l.op_name = "conv";
  l.kernel = {R, S};
  l.stride = {sh, sw};
  // SCALE-Sim's output size is ceil((H - R + stride) / stride); coda's is floor((H + pads - R) /
  // stride) + 1. Padding the end by the remainder makes them equal.
  l.pad = {0, (sh - (H - R) % sh) % sh, 0, (sw - (W - S) % sw) % sw};
  // The writer emits the padded IFMAP; a stride so large that the padded IFMAP cannot be counted
  // in 64 bits would make a file that cannot be read back, so it is rejected here.
  try {
    checked_mul(C, checked_mul(checked_add(H, l.pad[1], "padded IFMAP height"),
                               checked_add(W, l.pad[3], "padded IFMAP width"), "padded IFMAP"),
                "padded IFMAP");
  } catch (const OverflowError& e) {
    d.fail(7, d.size() == 9 ? "stride height" : "stride",
           fmt::format("stride {}x{} pads the {}x{}x{} IFMAP to a size that overflows 64 bits ({})", sh, sw, C, H,
                       W, e.what()));
  }
  if (depthwise) {
    // SCALE-Sim runs a "DP" layer as one single-channel layer with `num filter` filters per input
    // channel: a depthwise convolution with channel multiplier `num filter`.
    l.groups = C;
    try {
      l.filters = checked_mul(C, M, "filters");
    } catch (const OverflowError& e) {
      d.fail(6, "num filter", e.what());
    }
  } else {
    l.filters = M;
  }
  return l;
}

LayerSpec read_gemm_row(const TextRecord& r, size_t ordinal, NetworkSpec& spec) {
  TextRecord d = r;
  d.fields = data_fields(r);
  if (d.size() != 4) d.fail(fmt::format("expected 4 fields (layer name, M, N, K), got {}", d.size()));
  LayerSpec l;
  l.name = layer_name(d.fields[0], ordinal);
  l.origin = d.where();
  const int64_t M = d.get_int(1, "M", 1), N = d.get_int(2, "N", 1), K = d.get_int(3, "K", 1);
  // (M x K) . (K x N): a dense layer with N outputs applied to M rows of K values.
  l.type = LayerType::Linear;
  l.op_name = "linear";
  l.outputs = N;
  l.inputs = {l.name + "_in"};
  spec.inputs.push_back(workload::GraphInput{l.name + "_in", {M, K}});
  return l;
}

// SCALE-Sim reads a name containing "DP" as depthwise; other layers must not carry it.
std::string safe_name(std::string name, bool depthwise, std::vector<std::string>* notes) {
  // A name must stay one CSV field on one line.
  for (char& c : name)
    if (c == ',' || c == '\n' || c == '\r' || c == '#') c = '_';
  if (depthwise) {
    if (name.find("DP") == std::string::npos) name += "_DP";
    return name;
  }
  std::string out = name;
  for (size_t p; (p = out.find("DP")) != std::string::npos;) out[p + 1] = 'p';
  if (notes && out != name)
    notes->push_back(fmt::format("layer '{}' renamed '{}': SCALE-Sim reads names containing \"DP\" as depthwise",
                                 name, out));
  return out;
}

}  // namespace

NetworkSpec parse_scalesim_csv(const std::string& text, const std::string& file) {
  NetworkSpec spec;
  spec.file = file;
  spec.name = std::filesystem::path(file).stem().string();
  if (spec.name.empty()) spec.name = "network";
  spec.source = "SCALE-Sim topology " + file;
  const std::vector<TextRecord> records = split_delimited(text, file);
  if (records.empty())
    throw InputError(fmt::format("{}: empty file; expected a header line '{}' or '{}' and one line per layer", file,
                                 kConvHeader, kGemmHeader));
  const ScaleSimForm form = detect_form(records[0]);
  if (records.size() == 1)
    throw InputError(fmt::format("{}: no layers after the header line", file));
  for (size_t i = 1; i < records.size(); ++i)
    spec.layers.push_back(form == ScaleSimForm::Conv ? read_conv_row(records[i], i, spec)
                                                     : read_gemm_row(records[i], i, spec));
  // Every layer reads its own graph input "<layer>_in"; a layer may itself be called "x_in", so
  // the input's name is lengthened until it is no layer's and no other input's.
  std::set<std::string> taken;
  for (const LayerSpec& l : spec.layers) taken.insert(l.name);
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    std::string name = spec.inputs[i].name;
    while (taken.count(name)) name += "_";
    taken.insert(name);
    spec.inputs[i].name = name;
    spec.layers[i].inputs = {name};
  }
  return spec;
}

NetworkSpec read_scalesim_csv(const std::string& path) { return parse_scalesim_csv(read_text_file(path), path); }

std::string write_scalesim_csv(const workload::Network& net, ScaleSimForm form, std::vector<std::string>* notes) {
  // Names made safe for the format may collide ("a,b" and "a_b"); later ones get a suffix.
  std::set<std::string> written;
  auto unique = [&](const std::string& original, std::string name) {
    if (written.count(name)) {
      std::string base = name;
      for (int k = 2; written.count(name); ++k) name = fmt::format("{}_{}", base, k);
      if (notes) notes->push_back(fmt::format("layer '{}' written as '{}' to keep names unique", original, name));
    }
    written.insert(name);
    return name;
  };
  int skipped = 0;
  const std::vector<ConvView> views = conv_views(net, &skipped);
  if (views.empty())
    throw InputError(fmt::format("network '{}' has no CONV/FC/GEMM layers to write", net.spec.name));
  std::string out;
  if (form == ScaleSimForm::Gemm) {
    out = std::string(kGemmHeader) + "\n";
    for (const ConvView& v : views) {
      // M = output pixels, N = filters, K = the window one filter reduces (R x S x C / G).
      const int64_t m = checked_mul(v.E, v.F), k = checked_mul(checked_mul(v.R, v.S), v.C / v.G);
      const bool dw = v.G > 1 && v.G == v.C;
      if (notes && v.G > 1)
        notes->push_back(fmt::format("layer '{}': {} convolution written as one GEMM with K = {} (one group's "
                                     "window); MACs and weights are kept",
                                     v.name, dw ? "depthwise" : "grouped", k));
      out += fmt::format("{},{},{},{},\n", unique(v.name, safe_name(v.name, false, notes)), m, v.M, k);
    }
  } else {
    bool square_strides = true;
    for (const ConvView& v : views) square_strides = square_strides && v.stride_h == v.stride_w;
    out = square_strides ? std::string(kConvHeader) + "\n"
                         : "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
                           "Stride height, Stride width,\n";
    for (const ConvView& v : views) {
      if (v.dilation_h != 1 || v.dilation_w != 1)
        throw InputError(fmt::format("layer '{}': dilation {}x{} cannot be written in the SCALE-Sim conv form; use "
                                     "the GEMM form (--to scalesim-gemm)", v.name, v.dilation_h, v.dilation_w));
      // IFMAP = the padded input, trimmed to the rows and columns the strided windows use, so that
      // SCALE-Sim's ceil((H - R + stride) / stride) equals coda's output size.
      int64_t h = v.H + v.pad[0] + v.pad[1], w = v.W + v.pad[2] + v.pad[3];
      h -= (h - v.R) % v.stride_h;
      w -= (w - v.S) % v.stride_w;
      const bool dw = v.G > 1 && v.G == v.C;
      int64_t channels = v.C / v.G, filters = v.M;
      if (dw) {
        channels = v.C;
        filters = v.M / v.G;  // channel multiplier
      } else if (v.G > 1 && notes) {
        notes->push_back(fmt::format("layer '{}': {}-group convolution written with {} channels (one group's); "
                                     "MACs and weights are kept", v.name, v.G, channels));
      }
      if (notes && v.from_gemm)
        notes->push_back(fmt::format("layer '{}' ({}) written as a 1x1 convolution over a {}x1 map{}", v.name,
                                     workload::layer_type_name(v.type), v.H,
                                     v.weights_are_activations ? "; its second operand (an activation) becomes the filters"
                                                               : ""));
      out += fmt::format("{},{},{},{},{},{},{},{},", unique(v.name, safe_name(v.name, dw, notes)), h, w, v.R, v.S, channels, filters,
                         v.stride_h);
      if (!square_strides) out += fmt::format("{},", v.stride_w);
      out += "\n";
    }
  }
  if (notes && skipped > 0)
    notes->push_back(fmt::format("{} layers without MACs (pooling, activations, element-wise, data layout) are not "
                                 "written: SCALE-Sim simulates CONV/GEMM layers only", skipped));
  if (notes && net.batch > 1)
    notes->push_back(fmt::format("batch {} not written: a SCALE-Sim topology describes one image", net.batch));
  return out;
}

}  // namespace coda::io
