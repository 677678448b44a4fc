#include "coda/io/network_yaml.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "coda/common/error.hpp"
#include "coda/io/yaml_reader.hpp"

namespace coda::io {

using workload::GraphInput;
using workload::LayerSpec;
using workload::LayerType;
using workload::NetworkSpec;
using workload::PadMode;
using workload::Shape;

namespace {

// Keys every layer may have, and the extra keys of each type (unknown keys are errors).
const std::vector<std::string> kCommonKeys = {"name", "type", "inputs", "bits", "density", "note"};

std::vector<std::string> keys_for(LayerType t) {
  std::vector<std::string> k = kCommonKeys;
  auto add = [&](std::initializer_list<const char*> extra) { k.insert(k.end(), extra.begin(), extra.end()); };
  switch (t) {
    case LayerType::Conv: add({"filters", "kernel", "stride", "dilation", "padding", "groups"}); break;
    case LayerType::FC:
    case LayerType::Linear: add({"outputs"}); break;
    case LayerType::MatMul: add({"transpose_b"}); break;
    case LayerType::MaxPool:
    case LayerType::AvgPool: add({"kernel", "stride", "dilation", "padding", "ceil_mode"}); break;
    case LayerType::Concat:
    case LayerType::Flatten:
    case LayerType::Softmax: add({"axis"}); break;
    case LayerType::Reshape: add({"shape"}); break;
    case LayerType::Transpose: add({"perm"}); break;
    case LayerType::Unknown: add({"op", "shape"}); break;
    default: break;
  }
  return k;
}

std::array<int64_t, 2> pair_of(const MapReader& m, const std::string& key, std::array<int64_t, 2> fallback) {
  if (!m.has(key)) return fallback;
  std::vector<int64_t> v = m.get_int_list(key);
  if (v.size() == 1) return {v[0], v[0]};
  if (v.size() == 2) return {v[0], v[1]};
  m.fail(key, fmt::format("expected one integer or a list of two [vertical, horizontal], got {} values", v.size()));
}

void read_padding(const MapReader& m, LayerSpec& l) {
  if (!m.has("padding")) return;
  YAML::Node n = m.node("padding");
  if (n.IsScalar()) {
    const std::string s = n.Scalar();
    if (s == "same" || s == "same_upper") { l.pad_mode = PadMode::SameUpper; return; }
    if (s == "same_lower") { l.pad_mode = PadMode::SameLower; return; }
    if (s == "valid") { l.pad_mode = PadMode::Valid; return; }
  }
  std::vector<int64_t> v = m.get_int_list("padding");
  if (v.size() == 1) l.pad = {v[0], v[0], v[0], v[0]};
  else if (v.size() == 2) l.pad = {v[0], v[0], v[1], v[1]};
  else if (v.size() == 4) l.pad = {v[0], v[1], v[2], v[3]};
  else m.fail("padding", "expected an integer, [vertical, horizontal], [top, bottom, left, right], "
                         "same, same_upper, same_lower or valid");
  for (int64_t p : l.pad)
    if (p < 0) m.fail("padding", fmt::format("expected padding >= 0, got {}", p));
}

double read_density(const MapReader& m, const std::string& key) {
  double d = m.get_double(key);
  if (!(d > 0.0 && d <= 1.0)) m.fail(key, fmt::format("expected a density in (0, 1], got {}", d));
  return d;
}

void read_density_map(const MapReader& parent, std::optional<double>& weights, std::optional<double>& inputs) {
  if (!parent.has("density")) return;
  MapReader d(parent.node("density"), parent.file(), parent.location("density"));
  d.check_keys({"weights", "inputs"});
  if (d.has("weights")) weights = read_density(d, "weights");
  if (d.has("inputs")) inputs = read_density(d, "inputs");
}

int read_bits(const MapReader& m, const std::string& key = "bits") {
  int64_t b = m.get_int(key);
  if (b < 1 || b > 64) m.fail(key, fmt::format("expected a bit width in 1..64, got {}", b));
  return static_cast<int>(b);
}

// A layer's `bits`: one width for every tensor, or a map {weights, inputs, outputs}.
void read_layer_bits(const MapReader& m, LayerSpec& l) {
  if (!m.has("bits")) return;
  if (!m.node("bits").IsMap()) {
    l.bits = read_bits(m);
    return;
  }
  MapReader b(m.node("bits"), m.file(), m.location("bits"));
  b.check_keys({"weights", "inputs", "outputs"});
  if (b.has("weights")) l.weight_bits = read_bits(b, "weights");
  if (b.has("inputs")) l.input_bits = read_bits(b, "inputs");
  if (b.has("outputs")) l.output_bits = read_bits(b, "outputs");
}

Shape read_shape(const YAML::Node& n, const std::string& file, const std::string& what) {
  if (!n.IsSequence() || n.size() == 0)
    throw InputError(fmt::format("{}: {}: expected a non-empty list of sizes, e.g. [3, 224, 224]", where(file, n), what));
  Shape s;
  for (const YAML::Node& e : n) {
    int64_t v = as_int(e, file, what);
    if (v < 1) throw InputError(fmt::format("{}: {}: expected sizes >= 1, got {}", where(file, e), what, v));
    s.push_back(v);
  }
  return s;
}

LayerSpec read_layer(const YAML::Node& node, const std::string& file, size_t index) {
  const std::string ctx0 = fmt::format("layer #{}", index + 1);
  MapReader m0(node, file, ctx0);
  LayerSpec l;
  l.name = m0.get_string("name", fmt::format("layer{}", index + 1));
  const std::string ctx = fmt::format("layer '{}'", l.name);
  MapReader m(node, file, ctx);
  l.origin = where(file, node);
  const std::string type = m.get_string("type");
  auto t = workload::parse_layer_type(type);
  if (!t) {
    std::string all;
    for (const std::string& n : workload::layer_type_names()) all += (all.empty() ? "" : ", ") + n;
    m.fail("type", fmt::format("unknown layer type '{}'; expected one of: {}", type, all));
  }
  l.type = *t;
  l.op_name = type;
  m.check_keys(keys_for(l.type));
  if (m.has("inputs")) {
    YAML::Node in = m.node("inputs");
    if (in.IsScalar()) l.inputs.push_back(in.Scalar());
    else if (in.IsSequence())
      for (const YAML::Node& e : in) {
        if (!e.IsScalar()) m.fail("inputs", "expected layer names");
        l.inputs.push_back(e.Scalar());
      }
    else m.fail("inputs", "expected a layer name or a list of layer names");
  }
  read_layer_bits(m, l);
  read_density_map(m, l.weight_density, l.input_density);
  switch (l.type) {
    case LayerType::Conv:
      l.filters = m.get_int("filters");
      l.kernel = pair_of(m, "kernel", {0, 0});
      if (!m.has("kernel")) m.fail("kernel", "missing required key");
      l.stride = pair_of(m, "stride", {1, 1});
      l.dilation = pair_of(m, "dilation", {1, 1});
      l.groups = m.get_int("groups", 1);
      read_padding(m, l);
      break;
    case LayerType::MaxPool:
    case LayerType::AvgPool:
      if (!m.has("kernel")) m.fail("kernel", "missing required key");
      l.kernel = pair_of(m, "kernel", {0, 0});
      l.stride = pair_of(m, "stride", {1, 1});
      l.dilation = pair_of(m, "dilation", {1, 1});
      l.ceil_mode = m.get_bool("ceil_mode", false);
      read_padding(m, l);
      break;
    case LayerType::FC:
    case LayerType::Linear: l.outputs = m.get_int("outputs"); break;
    case LayerType::MatMul: l.transpose_b = m.get_bool("transpose_b", false); break;
    case LayerType::Concat:
    case LayerType::Flatten:
    case LayerType::Softmax: l.axis = m.get_int("axis", l.type == LayerType::Softmax ? -1 : 0); break;
    case LayerType::Reshape: l.shape = m.get_int_list("shape"); break;
    case LayerType::Transpose: l.perm = m.get_int_list("perm"); break;
    case LayerType::Unknown:
      l.op_name = m.get_string("op", "unknown");
      if (m.has("shape")) {
        l.shape = m.get_int_list("shape");
        for (int64_t v : l.shape)
          if (v < 1) m.fail("shape", fmt::format("expected sizes >= 1, got {}", v));
      }
      break;
    default: break;
  }
  for (const char* k : {"filters", "outputs", "groups"})
    if (m.has(k) && m.get_int(k) < 1) m.fail(k, fmt::format("expected an integer >= 1, got {}", m.get_int(k)));
  for (const char* k : {"kernel", "stride", "dilation"})
    if (m.has(k))
      for (int64_t v : m.get_int_list(k))
        if (v < 1) m.fail(k, fmt::format("expected sizes >= 1, got {}", v));
  return l;
}

}  // namespace

NetworkSpec parse_network_yaml(const std::string& text, const std::string& file) {
  YAML::Node root = parse_yaml(text, file);
  MapReader m(root, file, "network");
  m.check_keys({"name", "title", "source", "batch", "input", "inputs", "bits", "density", "layers"});
  NetworkSpec spec;
  spec.file = file;
  spec.name = m.get_string("name");
  spec.title = m.get_string("title", "");
  spec.source = m.get_string("source", "");
  if (m.has("bits")) spec.default_bits = read_bits(m);
  spec.batch = m.get_int("batch", 1);
  if (spec.batch < 1) m.fail("batch", fmt::format("expected a batch size >= 1, got {}", spec.batch));
  std::optional<double> wd, id;
  read_density_map(m, wd, id);
  spec.default_weight_density = wd.value_or(1.0);
  spec.default_input_density = id.value_or(1.0);
  if (m.has("input") == m.has("inputs"))
    m.fail("input", "expected exactly one of 'input' (a shape) or 'inputs' (a map of name: shape)");
  if (m.has("input")) {
    spec.inputs.push_back(GraphInput{"input", read_shape(m.node("input"), file, "network, key 'input'")});
  } else {
    YAML::Node ins = m.node("inputs");
    if (!ins.IsMap() || ins.size() == 0) m.fail("inputs", "expected a map of input name: shape");
    for (const auto& kv : ins)
      spec.inputs.push_back(GraphInput{kv.first.Scalar(),
                                       read_shape(kv.second, file, fmt::format("input '{}'", kv.first.Scalar()))});
  }
  YAML::Node layers = m.node("layers");
  if (!layers.IsDefined() || layers.IsNull()) m.fail("layers", "missing required key");
  if (!layers.IsSequence() || layers.size() == 0) m.fail("layers", "expected a non-empty list of layers");
  for (size_t i = 0; i < layers.size(); ++i) spec.layers.push_back(read_layer(layers[i], file, i));
  return spec;
}

NetworkSpec read_network_yaml(const std::string& path) { return parse_network_yaml(read_text_file(path), path); }

namespace {

void emit_pair(YAML::Emitter& e, const char* key, const std::array<int64_t, 2>& v, std::array<int64_t, 2> dflt) {
  if (v == dflt) return;
  e << YAML::Key << key;
  if (v[0] == v[1]) e << YAML::Value << v[0];
  else e << YAML::Value << YAML::Flow << YAML::BeginSeq << v[0] << v[1] << YAML::EndSeq;
}

void emit_padding(YAML::Emitter& e, const LayerSpec& l) {
  switch (l.pad_mode) {
    case PadMode::SameUpper: e << YAML::Key << "padding" << YAML::Value << "same_upper"; return;
    case PadMode::SameLower: e << YAML::Key << "padding" << YAML::Value << "same_lower"; return;
    case PadMode::Valid: e << YAML::Key << "padding" << YAML::Value << "valid"; return;
    case PadMode::Explicit: break;
  }
  const auto& p = l.pad;
  if (p == std::array<int64_t, 4>{0, 0, 0, 0}) return;
  e << YAML::Key << "padding";
  if (p[0] == p[1] && p[1] == p[2] && p[2] == p[3]) e << YAML::Value << p[0];
  else if (p[0] == p[1] && p[2] == p[3]) e << YAML::Value << YAML::Flow << YAML::BeginSeq << p[0] << p[2] << YAML::EndSeq;
  else e << YAML::Value << YAML::Flow << YAML::BeginSeq << p[0] << p[1] << p[2] << p[3] << YAML::EndSeq;
}

void emit_density(YAML::Emitter& e, std::optional<double> w, std::optional<double> i) {
  if (!w && !i) return;
  e << YAML::Key << "density" << YAML::Value << YAML::Flow << YAML::BeginMap;
  if (w) e << YAML::Key << "weights" << YAML::Value << *w;
  if (i) e << YAML::Key << "inputs" << YAML::Value << *i;
  e << YAML::EndMap;
}

}  // namespace

std::string write_network_yaml(const NetworkSpec& spec) {
  YAML::Emitter e;
  e.SetDoublePrecision(17);
  e << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << spec.name;
  if (!spec.title.empty()) e << YAML::Key << "title" << YAML::Value << spec.title;
  if (!spec.source.empty()) e << YAML::Key << "source" << YAML::Value << spec.source;
  if (spec.batch != 1) e << YAML::Key << "batch" << YAML::Value << spec.batch;
  if (spec.default_bits != 16) e << YAML::Key << "bits" << YAML::Value << spec.default_bits;
  emit_density(e, spec.default_weight_density == 1.0 ? std::nullopt : std::optional(spec.default_weight_density),
               spec.default_input_density == 1.0 ? std::nullopt : std::optional(spec.default_input_density));
  if (spec.inputs.size() == 1 && spec.inputs[0].name == "input") {
    e << YAML::Key << "input" << YAML::Value << YAML::Flow << spec.inputs[0].shape;
  } else {
    e << YAML::Key << "inputs" << YAML::Value << YAML::BeginMap;
    for (const GraphInput& gi : spec.inputs) e << YAML::Key << gi.name << YAML::Value << YAML::Flow << gi.shape;
    e << YAML::EndMap;
  }
  e << YAML::Key << "layers" << YAML::Value << YAML::BeginSeq;
  for (const LayerSpec& l : spec.layers) {
    e << YAML::Flow << YAML::BeginMap;
    e << YAML::Key << "name" << YAML::Value << l.name;
    e << YAML::Key << "type" << YAML::Value << workload::layer_type_name(l.type);
    if (l.type == LayerType::Unknown) {
      e << YAML::Key << "op" << YAML::Value << l.op_name;
      if (!l.shape.empty()) e << YAML::Key << "shape" << YAML::Value << YAML::Flow << l.shape;
    }
    if (!l.inputs.empty()) {
      e << YAML::Key << "inputs";
      if (l.inputs.size() == 1) e << YAML::Value << l.inputs[0];
      else e << YAML::Value << YAML::Flow << l.inputs;
    }
    switch (l.type) {
      case LayerType::Conv:
        e << YAML::Key << "filters" << YAML::Value << l.filters;
        e << YAML::Key << "kernel";
        if (l.kernel[0] == l.kernel[1]) e << YAML::Value << l.kernel[0];
        else e << YAML::Value << YAML::Flow << YAML::BeginSeq << l.kernel[0] << l.kernel[1] << YAML::EndSeq;
        emit_pair(e, "stride", l.stride, {1, 1});
        emit_pair(e, "dilation", l.dilation, {1, 1});
        emit_padding(e, l);
        if (l.groups != 1) e << YAML::Key << "groups" << YAML::Value << l.groups;
        break;
      case LayerType::MaxPool:
      case LayerType::AvgPool:
        e << YAML::Key << "kernel";
        if (l.kernel[0] == l.kernel[1]) e << YAML::Value << l.kernel[0];
        else e << YAML::Value << YAML::Flow << YAML::BeginSeq << l.kernel[0] << l.kernel[1] << YAML::EndSeq;
        emit_pair(e, "stride", l.stride, {1, 1});
        emit_pair(e, "dilation", l.dilation, {1, 1});
        emit_padding(e, l);
        if (l.ceil_mode) e << YAML::Key << "ceil_mode" << YAML::Value << true;
        break;
      case LayerType::FC:
      case LayerType::Linear: e << YAML::Key << "outputs" << YAML::Value << l.outputs; break;
      case LayerType::MatMul:
        if (l.transpose_b) e << YAML::Key << "transpose_b" << YAML::Value << true;
        break;
      case LayerType::Concat:
      case LayerType::Flatten:
      case LayerType::Softmax: e << YAML::Key << "axis" << YAML::Value << l.axis; break;
      case LayerType::Reshape: e << YAML::Key << "shape" << YAML::Value << YAML::Flow << l.shape; break;
      case LayerType::Transpose: e << YAML::Key << "perm" << YAML::Value << YAML::Flow << l.perm; break;
      default: break;
    }
    if (l.weight_bits || l.input_bits || l.output_bits) {
      // Per-tensor widths; a tensor without its own width takes the layer's (or network's) width.
      const int base = l.bits > 0 ? l.bits : spec.default_bits;
      e << YAML::Key << "bits" << YAML::Value << YAML::Flow << YAML::BeginMap;
      e << YAML::Key << "weights" << YAML::Value << l.weight_bits.value_or(base);
      e << YAML::Key << "inputs" << YAML::Value << l.input_bits.value_or(base);
      e << YAML::Key << "outputs" << YAML::Value << l.output_bits.value_or(base);
      e << YAML::EndMap;
    } else if (l.bits > 0) {
      e << YAML::Key << "bits" << YAML::Value << l.bits;
    }
    emit_density(e, l.weight_density, l.input_density);
    e << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace coda::io
