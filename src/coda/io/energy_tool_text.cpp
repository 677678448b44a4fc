#include "coda/io/energy_tool_text.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

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

constexpr size_t kFields = 25;

// Field names, for messages (index = field number - 1).
const char* const kFieldNames[kFields] = {
    "layer index",          "input height",       "input width",        "input channels",
    "input maps (batch)",   "input zero entries", "input bits",         "filter height",
    "filter width",         "filter channels",    "number of filters",  "filter zero entries",
    "filter bits",          "output height",      "output width",       "output channels",
    "output maps (batch)",  "output zero entries", "output bits",       "stride y",
    "stride x",             "padding top",        "padding bottom",     "padding left",
    "padding right"};

int64_t count_of(const TextRecord& r, std::initializer_list<int64_t> dims) {
  int64_t n = 1;
  try {
    for (int64_t d : dims) n = checked_mul(n, d, "tensor size");
  } catch (const OverflowError& e) {
    r.fail(e.what());
  }
  return n;
}

// Density from a count of zero entries (fields 6, 12, 18): 1 - zeros / entries.
std::optional<double> density_of(const TextRecord& r, size_t field, int64_t zeros, int64_t entries) {
  if (zeros > entries)
    r.fail(field, kFieldNames[field],
           fmt::format("{} zero entries but the tensor has only {} entries", zeros, entries));
  if (zeros == entries && field != 17)
    r.fail(field, kFieldNames[field],
           fmt::format("every one of the {} entries is zero; expected fewer zero entries (density > 0)", entries));
  if (zeros == 0) return std::nullopt;
  return 1.0 - static_cast<double>(zeros) / static_cast<double>(entries);
}

LayerSpec read_line(const TextRecord& r, int64_t index, NetworkSpec& spec) {
  if (r.size() != kFields)
    r.fail(fmt::format("expected {} comma-separated fields (index; input fmap, filters, output fmap as height, "
                       "width, channels, maps/filters, zero entries, bits; stride y, x; padding top, bottom, "
                       "left, right), got {}",
                       kFields, r.size()));
  int64_t f[kFields];
  for (size_t i = 0; i < kFields; ++i) f[i] = r.get_int(i, kFieldNames[i]);
  if (f[0] != index) r.fail(0, kFieldNames[0], fmt::format("expected {} (layers are numbered 1, 2, ... in order), got {}", index, f[0]));
  // Sizes >= 1, zero counts and padding >= 0, bit widths 1..64.
  for (size_t i : {1, 2, 3, 4, 7, 8, 9, 10, 13, 14, 15, 16, 19, 20})
    if (f[i] < 1) r.fail(i, kFieldNames[i], fmt::format("expected an integer >= 1, got {}", f[i]));
  for (size_t i : {5, 11, 17, 21, 22, 23, 24})
    if (f[i] < 0) r.fail(i, kFieldNames[i], fmt::format("expected an integer >= 0, got {}", f[i]));
  for (size_t i : {6, 12, 18})
    if (f[i] < 1 || f[i] > 64) r.fail(i, kFieldNames[i], fmt::format("expected a bit width in 1..64, got {}", f[i]));
  const int64_t H = f[1], W = f[2], C = f[3], N = f[4];
  const int64_t R = f[7], S = f[8], CperG = f[9], M = f[10];
  const int64_t E = f[13], F = f[14];
  const int64_t sy = f[19], sx = f[20];
  const int64_t pt = f[21], pb = f[22], pl = f[23], pr = f[24];
  // The number of maps is the batch; coda has one batch per network (NetworkSpec::batch).
  if (index == 1) spec.batch = N;
  else if (N != spec.batch)
    r.fail(4, kFieldNames[4], fmt::format("expected {} maps as on the first line (coda uses one batch size per "
                                          "network), got {}", spec.batch, N));
  if (f[16] != N) r.fail(16, kFieldNames[16], fmt::format("expected {} (the input maps), got {}", N, f[16]));
  // Filter channels C/G: the input channels must be a multiple (grouped / depthwise convolution).
  if (C % CperG != 0)
    r.fail(9, kFieldNames[9], fmt::format("filter channels {} do not divide the input channels {}; expected "
                                          "input channels = groups x filter channels", CperG, C));
  const int64_t G = C / CperG;
  if (M % G != 0)
    r.fail(10, kFieldNames[10], fmt::format("{} filters cannot be split into {} groups (input channels {} / "
                                            "filter channels {})", M, G, C, CperG));
  if (f[15] != M) r.fail(15, kFieldNames[15], fmt::format("expected {} (the number of filters), got {}", M, f[15]));
  // Output size E = (H + pads - R) / stride + 1 (domain.md §1.1).
  auto check_out = [&](int64_t in, int64_t p0, int64_t p1, int64_t k, int64_t s, size_t k_field, size_t out_field,
                       int64_t out) {
    const int64_t padded = in + p0 + p1;
    if (k > padded)
      r.fail(k_field, kFieldNames[k_field], fmt::format("filter {} is larger than the padded input {} ({} + {} + {})",
                                                        k, padded, in, p0, p1));
    const int64_t expect = (padded - k) / s + 1;
    if (out != expect)
      r.fail(out_field, kFieldNames[out_field],
             fmt::format("expected {} = ({} + {} + {} - {}) / {} + 1, got {}", expect, in, p0, p1, k, s, out));
  };
  check_out(H, pt, pb, R, sy, 7, 13, E);
  check_out(W, pl, pr, S, sx, 8, 14, F);
  LayerSpec l;
  l.name = fmt::format("layer{}", index);
  l.origin = r.where();
  l.inputs = {l.name + "_in"};
  const bool fc = G == 1 && R == H && S == W && pt == 0 && pb == 0 && pl == 0 && pr == 0;
  if (fc) {
    // A filter covering the whole input (output 1x1): an FC layer (domain.md §1.1).
    l.type = LayerType::FC;
    l.op_name = "fc";
    l.outputs = M;
  } else {
    l.type = LayerType::Conv;
    l.op_name = "conv";
    l.filters = M;
    l.kernel = {R, S};
    l.stride = {sy, sx};
    l.pad = {pt, pb, pl, pr};
    l.groups = G;
  }
  l.input_density = density_of(r, 5, f[5], count_of(r, {H, W, C, N}));
  l.weight_density = density_of(r, 11, f[11], count_of(r, {R, S, CperG, M}));
  (void)density_of(r, 17, f[17], count_of(r, {E, F, M, N}));  // validated; coda does not model output density
  const int ib = static_cast<int>(f[6]), wb = static_cast<int>(f[12]), ob = static_cast<int>(f[18]);
  if (ib == wb && wb == ob) {
    l.bits = ib;
  } else {
    l.input_bits = ib;
    l.weight_bits = wb;
    l.output_bits = ob;
  }
  spec.inputs.push_back(workload::GraphInput{l.name + "_in", {C, H, W}});
  return l;
}

}  // namespace

NetworkSpec parse_energy_tool_text(const std::string& text, const std::string& file) {
  NetworkSpec spec;
  spec.file = file;
  spec.name = std::filesystem::path(file).stem().string();
  if (spec.name.empty()) spec.name = "network";
  spec.source = "energy estimation tool layer file " + file;
  const std::vector<TextRecord> records = split_delimited(text, file);
  if (records.empty())
    throw InputError(fmt::format("{}: no layers; expected one line of {} comma-separated fields per CONV/FC layer",
                                 file, kFields));
  int64_t index = 1;
  for (const TextRecord& r : records) spec.layers.push_back(read_line(r, index++, spec));
  return spec;
}

NetworkSpec read_energy_tool_text(const std::string& path) { return parse_energy_tool_text(read_text_file(path), path); }

std::string write_energy_tool_text(const workload::Network& net, std::vector<std::string>* notes) {
  int skipped = 0;
  const std::vector<ConvView> views = conv_views(net, &skipped);
  if (views.empty())
    throw InputError(fmt::format("network '{}' has no CONV/FC layers; the energy-tool format lists CONV/FC layers only",
                                 net.spec.name));
  std::string out;
  int64_t index = 1;
  auto zeros = [](double density, int64_t entries) {
    return static_cast<int64_t>(std::llround((1.0 - density) * static_cast<double>(entries)));
  };
  for (const ConvView& v : views) {
    if (v.dilation_h != 1 || v.dilation_w != 1)
      throw InputError(fmt::format("layer '{}': dilation {}x{} cannot be written in the energy-tool format (it has "
                                   "no dilation field)", v.name, v.dilation_h, v.dilation_w));
    if (notes && v.from_gemm)
      notes->push_back(fmt::format("layer '{}' ({}) written as a 1x1 convolution over a {}x1 map{}", v.name,
                                   workload::layer_type_name(v.type), v.H,
                                   v.weights_are_activations ? "; its second operand (an activation) becomes the filters"
                                                             : ""));
    const int64_t in_entries = checked_mul(checked_mul(checked_mul(v.H, v.W), v.C), net.batch);
    const int64_t w_entries = checked_mul(checked_mul(checked_mul(v.R, v.S), v.C / v.G), v.M);
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", index++, v.H,
                       v.W, v.C, net.batch, zeros(v.input_density, in_entries), v.input_bits, v.R, v.S, v.C / v.G, v.M,
                       zeros(v.weight_density, w_entries), v.weight_bits, v.E, v.F, v.M, net.batch, 0, v.output_bits,
                       v.stride_h, v.stride_w, v.pad[0], v.pad[1], v.pad[2], v.pad[3]);
  }
  if (notes && skipped > 0)
    notes->push_back(fmt::format("{} layers without MACs (pooling, activations, element-wise, data layout) are not "
                                 "written: the format lists CONV/FC layers only", skipped));
  return out;
}

}  // namespace coda::io
