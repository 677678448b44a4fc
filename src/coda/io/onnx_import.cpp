#include "coda/io/onnx_import.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <google/protobuf/stubs/logging.h>
#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "coda/common/checked.hpp"
#include "coda/common/error.hpp"
#include "coda/io/yaml_reader.hpp"

namespace coda::io {

using workload::LayerSpec;
using workload::LayerType;
using workload::NetworkSpec;
using workload::PadMode;
using workload::Shape;

namespace {

namespace ox = ONNX_NAMESPACE;

// libonnx messages span several lines ("==> Context: ..."); coda prints one line per error.
std::string one_line(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > 400) out = out.substr(0, 400) + "...";
  return out;
}

// Bytes per element of the fixed-size element types; 0 for strings and undefined types.
size_t element_size(int32_t t) {
  switch (t) {
    case ox::TensorProto::FLOAT:
    case ox::TensorProto::INT32:
    case ox::TensorProto::UINT32: return 4;
    case ox::TensorProto::DOUBLE:
    case ox::TensorProto::INT64:
    case ox::TensorProto::UINT64:
    case ox::TensorProto::COMPLEX64: return 8;
    case ox::TensorProto::COMPLEX128: return 16;
    case ox::TensorProto::FLOAT16:
    case ox::TensorProto::BFLOAT16:
    case ox::TensorProto::INT16:
    case ox::TensorProto::UINT16: return 2;
    case ox::TensorProto::INT8:
    case ox::TensorProto::UINT8:
    case ox::TensorProto::BOOL: return 1;
    default: return 0;
  }
}

// Number of values in the typed field of a TensorProto (ONNX stores 8/16-bit types in int32_data).
int64_t typed_count(const ox::TensorProto& t) {
  switch (t.data_type()) {
    case ox::TensorProto::FLOAT: return t.float_data_size();
    case ox::TensorProto::COMPLEX64: return t.float_data_size() / 2;
    case ox::TensorProto::INT32:
    case ox::TensorProto::INT16:
    case ox::TensorProto::INT8:
    case ox::TensorProto::UINT16:
    case ox::TensorProto::UINT8:
    case ox::TensorProto::BOOL:
    case ox::TensorProto::FLOAT16:
    case ox::TensorProto::BFLOAT16: return t.int32_data_size();
    case ox::TensorProto::INT64: return t.int64_data_size();
    case ox::TensorProto::UINT32:
    case ox::TensorProto::UINT64: return t.uint64_data_size();
    case ox::TensorProto::DOUBLE: return t.double_data_size();
    case ox::TensorProto::COMPLEX128: return t.double_data_size() / 2;
    case ox::TensorProto::STRING: return t.string_data_size();
    default: return 0;
  }
}

bool is_float_type(int32_t t) {
  return t == ox::TensorProto::FLOAT || t == ox::TensorProto::DOUBLE || t == ox::TensorProto::FLOAT16 ||
         t == ox::TensorProto::BFLOAT16;
}

// Fraction of non-zero values of a constant tensor (weights from initializers); nullopt when the
// data is not in the file (external data) or the tensor is empty or all zeros.
std::optional<double> tensor_density(const ox::TensorProto& t, int64_t elements) {
  if (elements <= 0 || t.data_location() == ox::TensorProto::EXTERNAL) return std::nullopt;
  const int32_t type = t.data_type();
  int64_t nonzero = 0;
  if (t.has_raw_data()) {
    const size_t es = element_size(type);
    if (es == 0 || es > 8) return std::nullopt;
    const std::string& raw = t.raw_data();
    // Floating-point zero ignores the sign bit (-0.0 is a zero).
    const uint64_t sign = type == ox::TensorProto::FLOAT     ? 0x80000000ULL
                          : type == ox::TensorProto::DOUBLE  ? 0x8000000000000000ULL
                          : is_float_type(type)              ? 0x8000ULL
                                                             : 0;
    for (int64_t i = 0; i < elements; ++i) {
      uint64_t v = 0;
      std::memcpy(&v, raw.data() + static_cast<size_t>(i) * es, es);  // little-endian, as ONNX stores it
      if ((v & ~sign) != 0) ++nonzero;
    }
  } else {
    switch (type) {
      case ox::TensorProto::FLOAT:
        for (float v : t.float_data()) nonzero += v != 0.0f;
        break;
      case ox::TensorProto::DOUBLE:
        for (double v : t.double_data()) nonzero += v != 0.0;
        break;
      case ox::TensorProto::FLOAT16:
      case ox::TensorProto::BFLOAT16:
        for (int32_t v : t.int32_data()) nonzero += (v & 0x7fff) != 0;
        break;
      case ox::TensorProto::INT32:
      case ox::TensorProto::INT16:
      case ox::TensorProto::INT8:
      case ox::TensorProto::UINT16:
      case ox::TensorProto::UINT8:
        for (int32_t v : t.int32_data()) nonzero += v != 0;
        break;
      case ox::TensorProto::INT64:
        for (int64_t v : t.int64_data()) nonzero += v != 0;
        break;
      default: return std::nullopt;
    }
  }
  if (nonzero == 0) return std::nullopt;
  return static_cast<double>(nonzero) / static_cast<double>(elements);
}

struct Converter {
  std::string file;
  const ox::ModelProto& model;
  const ox::GraphProto& graph;
  std::unordered_map<std::string, int> opsets;
  ox::checker::CheckerContext checker;
  ox::checker::LexicalScopeContext scope;

  // Every tensor's type (declared, from initializers, or inferred); values are node-stable.
  std::unordered_map<std::string, ox::TypeProto> types;
  // Constant tensors whose values are known (initializers, Constant nodes), for shape inference.
  std::unordered_map<std::string, const ox::TensorProto*> data;
  std::unordered_map<std::string, ox::TensorShapeProto> generated;  // ONNX partial data propagation
  std::deque<ox::TensorProto> owned;                                // tensors built from Constant attributes
  // Non-activation tensors: initializers, constants, and what is computed from them or from shapes.
  std::unordered_set<std::string> constants;
  std::unordered_map<std::string, int64_t> constant_elements;  // initializers: element count
  // Activation tensor -> the coda layer (or graph input) that produces it.
  std::unordered_map<std::string, std::string> producer;
  std::unordered_map<std::string, int> consumers;
  std::unordered_set<std::string> used_names;
  int64_t batch = 1;  // the batch size shape inference runs with (dimension 0 of every activation)
  NetworkSpec spec;
  // coda layer -> output shape (without batch) ONNX shape inference gave, for the final cross-check.
  std::map<std::string, Shape> expected;

  Converter(std::string f, const ox::ModelProto& m) : file(std::move(f)), model(m), graph(m.graph()) {}

  [[noreturn]] void fail(const std::string& msg) const { throw InputError(fmt::format("{}: {}", file, msg)); }

  std::string label(const ox::NodeProto& n, size_t index) const {
    return n.name().empty() ? fmt::format("node #{} ({})", index + 1, n.op_type())
                            : fmt::format("node '{}' ({})", n.name(), n.op_type());
  }

  [[noreturn]] void fail_node(const ox::NodeProto& n, size_t index, const std::string& msg) const {
    throw InputError(fmt::format("{}: {}: {}", file, label(n, index), msg));
  }

  // ---- tensors -------------------------------------------------------------------------------

  int64_t check_tensor(const ox::TensorProto& t, const std::string& what) const {
    int64_t elements = 1;
    for (int64_t d : t.dims()) {
      if (d < 0) fail(fmt::format("{}: dimension {} is negative; expected sizes >= 0", what, d));
      try {
        elements = checked_mul(elements, d, "tensor size");
      } catch (const OverflowError& e) {
        fail(fmt::format("{}: {}", what, e.what()));
      }
    }
    if (t.data_type() == ox::TensorProto::UNDEFINED || !ox::TensorProto_DataType_IsValid(t.data_type()))
      fail(fmt::format("{}: undefined or invalid element type {}", what, t.data_type()));
    if (t.has_segment()) fail(fmt::format("{}: segmented tensors are not supported", what));
    if (t.data_location() == ox::TensorProto::EXTERNAL) return elements;  // data lives elsewhere; only dims are used
    if (t.has_raw_data()) {
      const size_t es = element_size(t.data_type());
      if (es == 0) fail(fmt::format("{}: raw data for an element type without a fixed size", what));
      if (static_cast<uint64_t>(t.raw_data().size()) != static_cast<uint64_t>(elements) * es)
        fail(fmt::format("{}: raw data has {} bytes, expected {} ({} elements of {} bytes)", what,
                         t.raw_data().size(), static_cast<uint64_t>(elements) * es, elements, es));
    } else if (typed_count(t) != elements) {
      fail(fmt::format("{}: {} values stored, expected {} (the product of its dimensions)", what, typed_count(t),
                       elements));
    }
    return elements;
  }

  static ox::TypeProto type_of_tensor(const ox::TensorProto& t) {
    ox::TypeProto tp;
    auto* tt = tp.mutable_tensor_type();
    tt->set_elem_type(t.data_type());
    auto* sh = tt->mutable_shape();
    for (int64_t d : t.dims()) sh->add_dim()->set_dim_value(d);
    return tp;
  }

  // The full shape of a tensor (batch included) if every dimension is known.
  std::optional<Shape> full_shape(const std::string& name) const {
    auto it = types.find(name);
    if (it == types.end() || !it->second.has_tensor_type() || !it->second.tensor_type().has_shape())
      return std::nullopt;
    Shape s;
    for (const auto& d : it->second.tensor_type().shape().dim()) {
      if (!d.has_dim_value() || d.dim_value() < 0) return std::nullopt;
      s.push_back(d.dim_value());
    }
    return s;
  }

  int rank_of(const std::string& name) const {
    auto it = types.find(name);
    if (it == types.end() || !it->second.has_tensor_type() || !it->second.tensor_type().has_shape()) return -1;
    return it->second.tensor_type().shape().dim_size();
  }

  // coda shape of an activation: the full shape without the batch axis; nullopt if unknown or if
  // the first axis is not the batch.
  std::optional<Shape> coda_shape(const std::string& name) const {
    auto s = full_shape(name);
    if (!s || s->size() < 2 || (*s)[0] != batch) return std::nullopt;
    return Shape(s->begin() + 1, s->end());
  }

  bool is_activation(const std::string& name) const { return !name.empty() && producer.count(name) > 0; }

  // ---- attributes (types already verified against the schema by the ONNX checker) --------------

  static const ox::AttributeProto* attr(const ox::NodeProto& n, const char* name) {
    for (const auto& a : n.attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }
  static int64_t attr_int(const ox::NodeProto& n, const char* name, int64_t fallback) {
    const auto* a = attr(n, name);
    return a && a->type() == ox::AttributeProto::INT ? a->i() : fallback;
  }
  static std::vector<int64_t> attr_ints(const ox::NodeProto& n, const char* name) {
    const auto* a = attr(n, name);
    if (!a || a->type() != ox::AttributeProto::INTS) return {};
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
  }
  static std::string attr_string(const ox::NodeProto& n, const char* name, const std::string& fallback) {
    const auto* a = attr(n, name);
    return a && a->type() == ox::AttributeProto::STRING ? a->s() : fallback;
  }
  static bool has_attr(const ox::NodeProto& n, const char* name) { return attr(n, name) != nullptr; }

  // ---- set-up --------------------------------------------------------------------------------

  void read_opsets() {
    for (const auto& op : model.opset_import()) {
      const std::string domain = op.domain() == "ai.onnx" ? "" : op.domain();
      if (op.version() < 1 || op.version() > INT_MAX)
        fail(fmt::format("opset import for domain '{}' has version {}, expected >= 1", op.domain(), op.version()));
      opsets[domain] = static_cast<int>(op.version());
    }
    if (!opsets.count("")) fail("the model imports no opset of the default ONNX domain (opset_import)");
    auto imports = opsets;
    imports["ai.onnx"] = opsets[""];
    checker.set_opset_imports(imports);
    checker.set_ir_version(model.ir_version() > 0 ? static_cast<int>(model.ir_version()) : ox::IR_VERSION);
  }

  void read_constants() {
    for (const auto& t : graph.initializer()) {
      if (t.name().empty()) fail("an initializer has no name");
      const int64_t n = check_tensor(t, fmt::format("initializer '{}'", t.name()));
      if (!constants.insert(t.name()).second) fail(fmt::format("initializer '{}' is defined twice", t.name()));
      types[t.name()] = type_of_tensor(t);
      constant_elements[t.name()] = n;
      if (t.data_location() != ox::TensorProto::EXTERNAL) data[t.name()] = &t;
      scope.add(t.name());
    }
    for (const auto& st : graph.sparse_initializer()) {
      const std::string& name = st.values().name();
      if (name.empty()) fail("a sparse initializer has no name");
      for (int64_t d : st.dims())
        if (d < 0) fail(fmt::format("sparse initializer '{}': dimension {} is negative", name, d));
      if (!constants.insert(name).second) fail(fmt::format("initializer '{}' is defined twice", name));
      ox::TypeProto tp;
      tp.mutable_tensor_type()->set_elem_type(st.values().data_type());
      for (int64_t d : st.dims()) tp.mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
      types[name] = tp;
      scope.add(name);
    }
  }

  // Graph inputs that are not initializers are the network inputs: [batch, ...] tensors.
  void read_inputs() {
    std::optional<int64_t> model_batch;
    std::vector<std::pair<const ox::ValueInfoProto*, Shape>> acts;
    for (const auto& vi : graph.input()) {
      if (constants.count(vi.name())) continue;  // IR < 4 lists initializers as inputs too
      const std::string what = fmt::format("graph input '{}'", vi.name());
      if (vi.name().empty()) fail("a graph input has no name");
      if (!vi.type().has_tensor_type()) fail(fmt::format("{}: expected a tensor", what));
      const auto& tt = vi.type().tensor_type();
      if (!tt.has_shape()) fail(fmt::format("{}: the shape is not given; coda needs fixed sizes", what));
      if (tt.shape().dim_size() < 2)
        fail(fmt::format("{}: rank {}; expected a tensor of rank >= 2 whose first axis is the batch", what,
                         tt.shape().dim_size()));
      Shape s;
      for (int i = 0; i < tt.shape().dim_size(); ++i) {
        const auto& d = tt.shape().dim(i);
        if (i == 0) {
          // The batch: symbolic ("N", "batch_size") or a number; coda's --batch decides.
          if (d.has_dim_value() && d.dim_value() > 0) {
            if (model_batch && *model_batch != d.dim_value())
              fail(fmt::format("{}: batch {} differs from the batch {} of another input", what, d.dim_value(),
                               *model_batch));
            model_batch = d.dim_value();
          }
          continue;
        }
        if (!d.has_dim_value())
          fail(fmt::format("{}: axis {} has the symbolic size '{}'; coda needs fixed sizes (export the model with a "
                           "fixed input shape)", what, i, d.dim_param()));
        if (d.dim_value() < 1) fail(fmt::format("{}: axis {} has size {}; expected >= 1", what, i, d.dim_value()));
        s.push_back(d.dim_value());
      }
      acts.emplace_back(&vi, s);
    }
    if (acts.empty()) fail("the graph has no input that is not an initializer");
    batch = model_batch.value_or(1);
    spec.batch = batch;
    for (auto& [vi, s] : acts) {
      if (!used_names.insert(vi->name()).second) fail(fmt::format("graph input '{}' is listed twice", vi->name()));
      ox::TypeProto tp = vi->type();
      tp.mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_value(batch);
      types[vi->name()] = tp;
      producer[vi->name()] = vi->name();
      spec.inputs.push_back(workload::GraphInput{vi->name(), s});
      scope.add(vi->name());
    }
  }

  // Kahn's algorithm over tensor dependencies; nodes stay in file order where the order is free.
  std::vector<size_t> topological_order() const {
    const int n = graph.node_size();
    std::unordered_map<std::string, int> made_by;
    for (int i = 0; i < n; ++i)
      for (const std::string& o : graph.node(i).output()) {
        if (o.empty()) continue;
        if (constants.count(o) || producer.count(o))
          fail_node(graph.node(i), i, fmt::format("output '{}' redefines a graph input or initializer", o));
        if (!made_by.emplace(o, i).second)
          fail_node(graph.node(i), i, fmt::format("output '{}' is also produced by {}", o,
                                                  label(graph.node(made_by[o]), made_by[o])));
      }
    std::vector<int> pending(n, 0);
    std::vector<std::vector<int>> users(n);
    for (int i = 0; i < n; ++i) {
      std::set<int> deps;
      for (const std::string& in : graph.node(i).input()) {
        if (in.empty()) continue;  // an omitted optional input
        auto it = made_by.find(in);
        if (it != made_by.end()) {
          if (it->second == i) fail_node(graph.node(i), i, fmt::format("input '{}' is its own output", in));
          deps.insert(it->second);
        } else if (!constants.count(in) && !producer.count(in)) {
          fail_node(graph.node(i), i, fmt::format("input '{}' is not a graph input, an initializer or the output of "
                                                  "a node", in));
        }
      }
      pending[i] = static_cast<int>(deps.size());
      for (int d : deps) users[d].push_back(i);
    }
    std::set<int> ready;
    for (int i = 0; i < n; ++i)
      if (pending[i] == 0) ready.insert(i);
    std::vector<size_t> order;
    while (!ready.empty()) {
      int i = *ready.begin();
      ready.erase(ready.begin());
      order.push_back(static_cast<size_t>(i));
      for (int u : users[i])
        if (--pending[u] == 0) ready.insert(u);
    }
    if (static_cast<int>(order.size()) != n) {
      for (int i = 0; i < n; ++i)
        if (pending[i] > 0) fail_node(graph.node(i), i, "the graph has a cycle through this node");
    }
    return order;
  }

  // ---- guards and ONNX shape inference ---------------------------------------------------------

  // Checks that libonnx's inference functions do not: zero strides (a division by zero), pads,
  // kernel and stride lists that do not match the input rank, inputs of a rank the operator
  // cannot take (ConvTranspose below rank 3, Gemm other than rank 2).
  void guard_node(const ox::NodeProto& n, size_t index) const {
    const std::string& op = n.op_type();
    auto in = [&](int k) -> std::string { return k < n.input_size() ? n.input(k) : std::string(); };
    static const std::set<std::string> windowed = {"Conv", "ConvTranspose", "ConvInteger", "QLinearConv",
                                                   "MaxPool", "AveragePool", "LpPool", "MaxUnpool"};
    if (windowed.count(op)) {
      const int x_rank = rank_of(in(0));
      const int w_input = op == "QLinearConv" ? 3 : 1;
      const bool has_weights = op == "Conv" || op == "ConvTranspose" || op == "ConvInteger" || op == "QLinearConv";
      if (x_rank >= 0 && x_rank < 3)
        fail_node(n, index, fmt::format("input '{}' has rank {}; expected rank >= 3 ([batch, channels, spatial...])",
                                        in(0), x_rank));
      if (has_weights) {
        const int w_rank = rank_of(in(w_input));
        if (w_rank >= 0 && x_rank >= 0 && w_rank != x_rank)
          fail_node(n, index, fmt::format("weights '{}' have rank {}; expected the input's rank {}", in(w_input),
                                          w_rank, x_rank));
        if (w_rank >= 0 && w_rank < 3)
          fail_node(n, index, fmt::format("weights '{}' have rank {}; expected rank >= 3", in(w_input), w_rank));
      }
      const int spatial = x_rank >= 0 ? x_rank - 2 : -1;
      auto check_list = [&](const char* name, size_t factor, int64_t min) {
        if (!has_attr(n, name)) return;
        const auto v = attr_ints(n, name);
        if (spatial >= 0 && v.size() != factor * static_cast<size_t>(spatial))
          fail_node(n, index, fmt::format("attribute '{}' has {} values; expected {} for a rank-{} input", name,
                                          v.size(), factor * spatial, x_rank));
        for (int64_t e : v)
          if (e < min) fail_node(n, index, fmt::format("attribute '{}' has the value {}; expected >= {}", name, e, min));
      };
      check_list("kernel_shape", 1, 1);
      check_list("strides", 1, 1);
      check_list("dilations", 1, 1);
      check_list("pads", 2, 0);
      check_list("output_padding", 1, 0);
      check_list("output_shape", 1, 1);
      if (has_attr(n, "group") && attr_int(n, "group", 1) < 1)
        fail_node(n, index, fmt::format("attribute 'group' is {}; expected >= 1", attr_int(n, "group", 1)));
      if (spatial < 0 && (has_attr(n, "pads") || has_attr(n, "strides") || has_attr(n, "dilations") ||
                          has_attr(n, "kernel_shape")))
        fail_node(n, index, fmt::format("the rank of input '{}' is unknown; coda needs it to check the node", in(0)));
      const std::string ap = attr_string(n, "auto_pad", "NOTSET");
      if (ap != "NOTSET" && ap != "SAME_UPPER" && ap != "SAME_LOWER" && ap != "VALID")
        fail_node(n, index, fmt::format("attribute 'auto_pad' is '{}'; expected NOTSET, SAME_UPPER, SAME_LOWER or "
                                        "VALID", ap));
      if (has_weights && !has_attr(n, "kernel_shape")) {
        // The kernel comes from the weights' shape: its spatial sizes must be known and >= 1.
        auto w = full_shape(in(w_input));
        if (w)
          for (size_t k = 2; k < w->size(); ++k)
            if ((*w)[k] < 1)
              fail_node(n, index, fmt::format("weights '{}' have shape with a kernel size {}; expected >= 1",
                                              in(w_input), (*w)[k]));
      }
    }
    if (op == "Gemm") {
      for (int k = 0; k < 2; ++k) {
        const int r = rank_of(in(k));
        if (r >= 0 && r != 2)
          fail_node(n, index, fmt::format("input '{}' has rank {}; Gemm expects rank 2", in(k), r));
      }
    }
    if (op == "MatMul" || op == "MatMulInteger" || op == "QLinearMatMul") {
      for (int k : {0, op == "QLinearMatMul" ? 3 : 1}) {
        const int r = rank_of(in(k));
        if (r == 0) fail_node(n, index, fmt::format("input '{}' is a scalar; MatMul expects rank >= 1", in(k)));
      }
    }
    if (op == "Transpose" && has_attr(n, "perm")) {
      const int r = rank_of(in(0));
      const auto perm = attr_ints(n, "perm");
      if (r >= 0) {
        std::vector<bool> seen(static_cast<size_t>(r), false);
        bool ok = static_cast<int>(perm.size()) == r;
        for (int64_t p : perm) {
          if (!ok || p < 0 || p >= r || seen[static_cast<size_t>(p)]) {
            ok = false;
            break;
          }
          seen[static_cast<size_t>(p)] = true;
        }
        if (!ok) fail_node(n, index, fmt::format("attribute 'perm' is not a permutation of 0..{}", r - 1));
      }
    }
  }

  void infer(const ox::NodeProto& node, size_t index, const ox::OpSchema* schema) {
    std::unordered_map<std::string, ox::TypeProto*> value_types;
    for (const std::string& in : node.input()) {
      auto it = types.find(in);
      if (!in.empty() && it != types.end()) value_types[in] = &it->second;
    }
    std::vector<ox::TypeProto> outputs;
    ox::NodeProto copy = node;  // the inference context wants a mutable node
    try {
      if (schema->has_type_and_shape_inference_function()) {
        const std::unordered_map<std::string, const ox::SparseTensorProto*> no_sparse;
        ox::shape_inference::InferenceContextImpl ctx(copy, value_types, data, no_sparse, &generated, nullptr);
        schema->GetTypeAndShapeInferenceFunction()(ctx);
        outputs = ctx.allOutputTypes_;
      }
      if (schema->has_data_propagation_function()) {
        ox::shape_inference::DataPropagationContextImpl dctx(copy, value_types, data, generated);
        schema->GetDataPropagationFunction()(dctx);
      }
    } catch (const std::exception& e) {
      fail_node(node, index, "ONNX shape inference failed: " + one_line(e.what()));
    }
    for (int k = 0; k < node.output_size() && k < static_cast<int>(outputs.size()); ++k) {
      const std::string& o = node.output(k);
      if (o.empty() || outputs[k].value_case() == ox::TypeProto::VALUE_NOT_SET) continue;
      if (outputs[k].has_tensor_type() && outputs[k].tensor_type().has_shape())
        for (const auto& d : outputs[k].tensor_type().shape().dim())
          if (d.has_dim_value() && d.dim_value() < 0)
            fail_node(node, index, fmt::format("output '{}' gets the size {} from ONNX shape inference; expected sizes "
                                               ">= 0 (check the kernel, padding and strides)", o, d.dim_value()));
      types[o] = outputs[k];
    }
  }

  // The values of a small integer tensor: a constant, or what ONNX data propagation computed.
  std::optional<std::vector<int64_t>> int_values(const std::string& name) const {
    auto d = data.find(name);
    if (d != data.end()) {
      const ox::TensorProto& t = *d->second;
      if (t.dims_size() > 1) return std::nullopt;
      std::vector<int64_t> v;
      if (t.data_type() == ox::TensorProto::INT64) {
        if (t.has_raw_data()) {
          v.resize(t.raw_data().size() / 8);
          std::memcpy(v.data(), t.raw_data().data(), v.size() * 8);
        } else {
          v.assign(t.int64_data().begin(), t.int64_data().end());
        }
        return v;
      }
      return std::nullopt;
    }
    auto g = generated.find(name);
    if (g == generated.end()) return std::nullopt;
    std::vector<int64_t> v;
    for (const auto& dim : g->second.dim()) {
      if (!dim.has_dim_value()) return std::nullopt;
      v.push_back(dim.dim_value());
    }
    return v;
  }

  // ONNX 1.12 does not infer a Reshape whose target shape comes from data propagation (the
  // Shape -> Gather -> Unsqueeze -> Concat pattern of PyTorch's x.view(x.size(0), -1)); coda
  // applies the Reshape rule to the propagated values: 0 copies the input size (unless allowzero),
  // -1 takes what is left.
  void infer_reshape_from_values(const ox::NodeProto& n, size_t index) {
    if (n.op_type() != "Reshape" || n.input_size() < 2 || n.output_size() < 1 || full_shape(n.output(0))) return;
    auto in = full_shape(n.input(0));
    auto target = int_values(n.input(1));
    if (!in || !target) return;
    const bool allow_zero = attr_int(n, "allowzero", 0) != 0;
    std::vector<int64_t> out = *target;
    int64_t known = 1, total = 1;
    int infer_at = -1;
    for (int64_t d : *in) total = checked_mul(total, d);
    for (size_t k = 0; k < out.size(); ++k) {
      if (out[k] == 0 && !allow_zero) {
        if (k >= in->size()) fail_node(n, index, fmt::format("target shape entry {} is 0 (copy) but the input has rank {}", k, in->size()));
        out[k] = (*in)[k];
      }
      if (out[k] == -1) {
        if (infer_at >= 0) fail_node(n, index, "the target shape has more than one -1");
        infer_at = static_cast<int>(k);
      } else if (out[k] < 0) {
        fail_node(n, index, fmt::format("target shape entry {} is {}; expected >= -1", k, out[k]));
      } else {
        known = checked_mul(known, out[k]);
      }
    }
    if (infer_at >= 0) {
      if (known == 0 || total % known != 0)
        fail_node(n, index, fmt::format("cannot reshape {} elements into the target shape", total));
      out[static_cast<size_t>(infer_at)] = total / known;
    }
    int64_t got = 1;
    for (int64_t d : out) got = checked_mul(got, d);
    if (got != total)
      fail_node(n, index, fmt::format("cannot reshape {} elements into {} elements", total, got));
    ox::TypeProto tp;
    tp.mutable_tensor_type()->set_elem_type(types[n.input(0)].tensor_type().elem_type());
    for (int64_t d : out) tp.mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
    types[n.output(0)] = tp;
  }

  // Declared types (value_info, graph outputs) are used where inference gives nothing.
  void use_declared_types() {
    auto take = [&](const ox::ValueInfoProto& vi) {
      if (vi.name().empty() || types.count(vi.name()) || !vi.type().has_tensor_type()) return;
      if (vi.type().tensor_type().has_shape())
        for (const auto& d : vi.type().tensor_type().shape().dim())
          if (d.has_dim_value() && d.dim_value() < 0) return;
      ox::TypeProto tp = vi.type();
      // A symbolic first axis is the batch, which inference runs with a fixed value.
      auto* shape = tp.mutable_tensor_type()->mutable_shape();
      if (tp.tensor_type().has_shape() && shape->dim_size() > 0 && !shape->dim(0).has_dim_value())
        shape->mutable_dim(0)->set_dim_value(batch);
      declared[vi.name()] = tp;
    };
    for (const auto& vi : graph.value_info()) take(vi);
    for (const auto& vi : graph.output()) take(vi);
  }
  std::unordered_map<std::string, ox::TypeProto> declared;

  // ---- conversion ----------------------------------------------------------------------------

  std::string unique_name(const ox::NodeProto& n, size_t index, const std::string& suffix = "") {
    std::string base = (n.name().empty() ? fmt::format("{}_{}", n.op_type(), index + 1) : n.name()) + suffix;
    std::string name = base;
    for (int k = 2; !used_names.insert(name).second; ++k) name = fmt::format("{}_{}", base, k);
    return name;
  }

  std::string origin(const ox::NodeProto& n, size_t index) const { return fmt::format("{}: {}", file, label(n, index)); }

  // Appends a layer; `out` (if not empty) is the ONNX tensor it produces.
  LayerSpec& add_layer(LayerSpec l, const std::string& out) {
    if (!out.empty()) {
      producer[out] = l.name;
      if (auto s = coda_shape(out)) expected[l.name] = *s;
    }
    spec.layers.push_back(std::move(l));
    return spec.layers.back();
  }

  LayerSpec base_layer(const ox::NodeProto& n, size_t index, LayerType type, const std::string& name) const {
    LayerSpec l;
    l.name = name;
    l.type = type;
    l.op_name = n.op_type();
    l.origin = origin(n, index);
    return l;
  }

  // An operator coda does not model: a node without work, with the output shape ONNX inferred.
  void add_unknown(const ox::NodeProto& n, size_t index, const std::vector<std::string>& acts,
                   const std::string& why = "") {
    bool first = true;
    for (int k = 0; k < n.output_size(); ++k) {
      const std::string& o = n.output(k);
      if (o.empty()) continue;
      if (!first && consumers[o] == 0) continue;  // extra outputs only when something reads them
      LayerSpec l = base_layer(n, index, LayerType::Unknown, unique_name(n, index, first ? "" : fmt::format(":{}", k)));
      l.op_name = why.empty() ? n.op_type() : fmt::format("{} ({})", n.op_type(), why);
      for (const std::string& a : acts) l.inputs.push_back(producer.at(a));
      if (auto s = coda_shape(o)) l.shape = *s;
      add_layer(std::move(l), o);
      first = false;
    }
  }

  std::vector<std::string> activation_inputs(const ox::NodeProto& n) const {
    std::vector<std::string> acts;
    for (const std::string& in : n.input())
      if (is_activation(in)) acts.push_back(in);
    return acts;
  }

  // Weights: an initializer's shape, or the inferred shape of a computed weight tensor.
  std::optional<Shape> weight_shape(const std::string& name) const { return full_shape(name); }

  std::optional<double> weight_density(const std::string& name) const {
    auto it = data.find(name);
    auto ne = constant_elements.find(name);
    if (it == data.end() || ne == constant_elements.end()) return std::nullopt;
    auto d = tensor_density(*it->second, ne->second);
    if (d && *d >= 1.0) return std::nullopt;
    return d;
  }

  void set_padding(LayerSpec& l, const ox::NodeProto& n, size_t index, int spatial) {
    const std::string ap = attr_string(n, "auto_pad", "NOTSET");
    if (ap == "SAME_UPPER") l.pad_mode = PadMode::SameUpper;
    else if (ap == "SAME_LOWER") l.pad_mode = PadMode::SameLower;
    else if (ap == "VALID") l.pad_mode = PadMode::Valid;
    const auto pads = attr_ints(n, "pads");
    if (pads.empty() || l.pad_mode != PadMode::Explicit) return;
    // ONNX: [x1_begin, x2_begin, ..., x1_end, x2_end]; coda: top, bottom, left, right.
    if (spatial == 2) l.pad = {pads[0], pads[2], pads[1], pads[3]};
    else if (spatial == 1) l.pad = {0, 0, pads[0], pads[1]};
    else fail_node(n, index, "unexpected padding rank");
  }

  // Conv and pooling on [batch, C, H, W] (2-D) or [batch, C, L] (1-D, run as 2-D on a 1 x L map).
  void add_windowed(const ox::NodeProto& n, size_t index, LayerType type) {
    const std::string& x = n.input(0);
    const int rank = rank_of(x);
    auto xs = coda_shape(x);
    if ((rank != 3 && rank != 4) || !xs) {
      add_unknown(n, index, {x}, rank > 4 ? fmt::format("{}-D", rank - 2) : "input shape unknown");
      return;
    }
    const int spatial = rank - 2;
    LayerSpec l = base_layer(n, index, type, "");
    auto pair = [&](const std::vector<int64_t>& v, int64_t dflt) -> std::array<int64_t, 2> {
      if (v.empty()) return {dflt, dflt};
      return spatial == 2 ? std::array<int64_t, 2>{v[0], v[1]} : std::array<int64_t, 2>{1, v[0]};
    };
    if (type == LayerType::Conv) {
      auto w = weight_shape(n.input(1));
      if (!w || static_cast<int>(w->size()) != rank)
        fail_node(n, index, fmt::format("the shape of the weights '{}' is not known; expected [filters, channels / "
                                        "group, kernel...]", n.input(1)));
      const int64_t group = attr_int(n, "group", 1);
      if ((*xs)[0] != checked_mul((*w)[1], group))
        fail_node(n, index, fmt::format("input '{}' has {} channels but the weights '{}' expect {} (= {} per group x "
                                        "{} groups)", x, (*xs)[0], n.input(1), (*w)[1] * group, (*w)[1], group));
      l.filters = (*w)[0];
      l.groups = group;
      const std::vector<int64_t> k(w->begin() + 2, w->end());
      auto ks = attr_ints(n, "kernel_shape");
      if (!ks.empty() && ks != k)
        fail_node(n, index, "attribute 'kernel_shape' differs from the spatial sizes of the weights");
      l.kernel = pair(k, 1);
      l.dilation = pair(attr_ints(n, "dilations"), 1);
      l.weight_density = weight_density(n.input(1));
    } else {
      auto ks = attr_ints(n, "kernel_shape");
      if (ks.empty()) fail_node(n, index, "attribute 'kernel_shape' is missing");
      l.kernel = pair(ks, 1);
      l.dilation = pair(attr_ints(n, "dilations"), 1);
      l.ceil_mode = attr_int(n, "ceil_mode", 0) != 0;
    }
    l.stride = pair(attr_ints(n, "strides"), 1);
    set_padding(l, n, index, spatial);
    const std::string& out = n.output(0);
    if (spatial == 2) {
      l.name = unique_name(n, index);
      l.inputs = {producer.at(x)};
      add_layer(std::move(l), out);
      return;
    }
    // 1-D: reshape [C, L] -> [C, 1, L], run the 2-D layer, reshape back to what ONNX inferred.
    auto os = coda_shape(out);
    if (!os) {
      add_unknown(n, index, {x}, "1-D, output shape unknown");
      return;
    }
    LayerSpec to2d = base_layer(n, index, LayerType::Reshape, unique_name(n, index, ":to2d"));
    to2d.op_name = "Reshape";
    to2d.inputs = {producer.at(x)};
    to2d.shape = {(*xs)[0], 1, (*xs)[1]};
    const std::string to2d_name = to2d.name;
    add_layer(std::move(to2d), "");
    l.name = unique_name(n, index);
    l.inputs = {to2d_name};
    const std::string main = l.name;
    add_layer(std::move(l), "");
    LayerSpec to1d = base_layer(n, index, LayerType::Reshape, unique_name(n, index, ":to1d"));
    to1d.op_name = "Reshape";
    to1d.inputs = {main};
    to1d.shape = *os;
    add_layer(std::move(to1d), out);
  }

  // Gemm: [batch, K] x constant [K, N] (or [N, K] with transB) -> an FC layer with N outputs.
  void add_gemm(const ox::NodeProto& n, size_t index, const std::vector<std::string>& acts) {
    const std::string &a = n.input(0), &b = n.input(1);
    auto as = full_shape(a), bs = full_shape(b);
    if (!is_activation(a) || is_activation(b) || attr_int(n, "transA", 0) != 0 || !as || !bs || as->size() != 2 ||
        bs->size() != 2) {
      add_unknown(n, index, acts, "only activation x constant weights without transA is modelled");
      return;
    }
    const bool tb = attr_int(n, "transB", 0) != 0;
    const int64_t k = tb ? (*bs)[1] : (*bs)[0], outputs = tb ? (*bs)[0] : (*bs)[1];
    if (k != (*as)[1])
      fail_node(n, index, fmt::format("input '{}' has {} columns but the weights '{}' have {} rows{}", a, (*as)[1], b,
                                      k, tb ? " (transposed)" : ""));
    LayerSpec l = base_layer(n, index, LayerType::FC, unique_name(n, index));
    l.outputs = outputs;
    l.inputs = {producer.at(a)};
    l.weight_density = weight_density(b);
    add_layer(std::move(l), n.output(0));
  }

  // MatMul: activation x constant [K, N] -> linear; activation x activation -> matmul.
  void add_matmul(const ox::NodeProto& n, size_t index, const std::vector<std::string>& acts) {
    const std::string &a = n.input(0), &b = n.input(1);
    auto as = full_shape(a), bs = full_shape(b);
    if (is_activation(a) && !is_activation(b) && as && bs && as->size() >= 2 && bs->size() == 2) {
      if ((*bs)[0] != as->back())
        fail_node(n, index, fmt::format("input '{}' has {} columns but the weights '{}' have {} rows", a, as->back(),
                                        b, (*bs)[0]));
      LayerSpec l = base_layer(n, index, LayerType::Linear, unique_name(n, index));
      l.outputs = (*bs)[1];
      l.inputs = {producer.at(a)};
      l.weight_density = weight_density(b);
      add_layer(std::move(l), n.output(0));
      return;
    }
    if (is_activation(a) && is_activation(b) && as && bs && as->size() >= 3 && as->size() == bs->size() &&
        std::equal(as->begin(), as->end() - 2, bs->begin())) {
      LayerSpec l = base_layer(n, index, LayerType::MatMul, unique_name(n, index));
      l.inputs = {producer.at(a), producer.at(b)};
      add_layer(std::move(l), n.output(0));
      return;
    }
    add_unknown(n, index, acts, "operand shapes coda does not model");
  }

  // Reshape-like operators: the output shape ONNX inferred, without the batch.
  void add_reshape(const ox::NodeProto& n, size_t index, const std::string& x) {
    auto os = coda_shape(n.output(0));
    if (!os) {
      auto full = full_shape(n.output(0));
      if (!full)
        fail_node(n, index, fmt::format("the shape of output '{}' is unknown after ONNX shape inference (computed at "
                                        "run time); coda needs static shapes", n.output(0)));
      fail_node(n, index, fmt::format("output '{}' has shape [{}], which does not keep the batch {} as its first "
                                      "axis; coda needs the batch first", n.output(0), fmt::join(*full, ", "), batch));
    }
    LayerSpec l = base_layer(n, index, LayerType::Reshape, unique_name(n, index));
    if (n.op_type() == "Flatten" && attr_int(n, "axis", 1) == 1) {
      l.type = LayerType::Flatten;
      l.axis = 0;
    } else {
      l.shape = *os;
    }
    l.inputs = {producer.at(x)};
    add_layer(std::move(l), n.output(0));
  }

  // Element-wise operators with two or more operands.
  void add_binary(const ox::NodeProto& n, size_t index, const std::vector<std::string>& acts, LayerType type) {
    if (acts.size() >= 2) {
      const int r = rank_of(acts[0]);
      bool same_rank = r >= 2;
      for (const std::string& a : acts) same_rank = same_rank && rank_of(a) == r;
      if (!same_rank) {
        add_unknown(n, index, acts, "operands of different ranks");
        return;
      }
      LayerSpec l = base_layer(n, index, type, unique_name(n, index));
      for (const std::string& a : acts) l.inputs.push_back(producer.at(a));
      add_layer(std::move(l), n.output(0));
      return;
    }
    // One activation and constants (a bias, a scale): no work coda counts (biases are not counted,
    // as in the published tables), kept as an identity node if the shape does not change.
    auto in = coda_shape(acts[0]), out = coda_shape(n.output(0));
    if (!in || !out || *in != *out) {
      add_unknown(n, index, acts, "constant operand that changes the shape");
      return;
    }
    LayerSpec l = base_layer(n, index, LayerType::Identity, unique_name(n, index));
    l.inputs = {producer.at(acts[0])};
    add_layer(std::move(l), n.output(0));
  }

  void add_unary(const ox::NodeProto& n, size_t index, const std::string& x, LayerType type) {
    LayerSpec l = base_layer(n, index, type, unique_name(n, index));
    l.inputs = {producer.at(x)};
    if (type == LayerType::Softmax) {
      const int64_t dflt = opsets[""] >= 13 ? -1 : 1;
      const int64_t axis = attr_int(n, "axis", dflt);
      l.axis = axis < 0 ? axis : std::max<int64_t>(axis - 1, 0);  // coda axes exclude the batch
    }
    add_layer(std::move(l), n.output(0));
  }

  void convert(const ox::NodeProto& n, size_t index) {
    const std::string& op = n.op_type();
    const std::vector<std::string> acts = activation_inputs(n);
    const bool onnx_domain = n.domain().empty() || n.domain() == "ai.onnx";
    const std::string x = n.input_size() > 0 ? n.input(0) : std::string();
    const bool x_act = is_activation(x);
    static const std::map<std::string, LayerType> unary = {
        {"Relu", LayerType::ReLU},          {"LeakyRelu", LayerType::LeakyReLU},
        {"PRelu", LayerType::LeakyReLU},    {"Elu", LayerType::ELU},
        {"Selu", LayerType::ELU},           {"Celu", LayerType::ELU},
        {"Sigmoid", LayerType::Sigmoid},    {"HardSigmoid", LayerType::Sigmoid},
        {"Tanh", LayerType::Tanh},          {"Gelu", LayerType::GELU},
        {"HardSwish", LayerType::HardSwish}, {"Clip", LayerType::ReLU6},
        {"BatchNormalization", LayerType::BatchNorm}, {"LRN", LayerType::LRN},
        {"LayerNormalization", LayerType::LayerNorm}, {"Softmax", LayerType::Softmax},
        {"LogSoftmax", LayerType::Softmax}, {"Dropout", LayerType::Dropout},
        {"Identity", LayerType::Identity},  {"Cast", LayerType::Identity}};
    if (!onnx_domain) {
      if (op == "Gelu" && x_act) return add_unary(n, index, x, LayerType::GELU);  // com.microsoft Gelu
      return add_unknown(n, index, acts);
    }
    if (op == "Conv" && x_act) return add_windowed(n, index, LayerType::Conv);
    if (op == "MaxPool" && x_act) return add_windowed(n, index, LayerType::MaxPool);
    if (op == "AveragePool" && x_act) return add_windowed(n, index, LayerType::AvgPool);
    if ((op == "GlobalAveragePool" || op == "GlobalMaxPool") && x_act) {
      if (rank_of(x) != 4) return add_unknown(n, index, acts, "not 2-D");
      LayerSpec l = base_layer(n, index, op == "GlobalMaxPool" ? LayerType::GlobalMaxPool : LayerType::GlobalAvgPool,
                               unique_name(n, index));
      l.inputs = {producer.at(x)};
      add_layer(std::move(l), n.output(0));
      return;
    }
    if (op == "Gemm") return add_gemm(n, index, acts);
    if (op == "MatMul") return add_matmul(n, index, acts);
    if (op == "Add" || op == "Sub" || op == "Sum") return add_binary(n, index, acts, LayerType::Add);
    if (op == "Mul" || op == "Div") return add_binary(n, index, acts, LayerType::Mul);
    if ((op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze") && x_act)
      return add_reshape(n, index, x);
    if (op == "Concat") {
      const int r = rank_of(acts[0]);
      const int64_t axis = attr_int(n, "axis", 0);
      bool ok = acts.size() == static_cast<size_t>(n.input_size()) && r >= 2 && axis != 0 && axis != -r;
      for (const std::string& a : acts) ok = ok && rank_of(a) == r;
      if (!ok) return add_unknown(n, index, acts, "constant operands or the batch axis");
      LayerSpec l = base_layer(n, index, LayerType::Concat, unique_name(n, index));
      for (const std::string& a : acts) l.inputs.push_back(producer.at(a));
      l.axis = axis < 0 ? axis : axis - 1;
      add_layer(std::move(l), n.output(0));
      return;
    }
    if (op == "Transpose" && x_act) {
      const int r = rank_of(x);
      const auto perm = attr_ints(n, "perm");
      if (r < 2 || perm.empty() || perm[0] != 0) return add_unknown(n, index, acts, "moves the batch axis");
      LayerSpec l = base_layer(n, index, LayerType::Transpose, unique_name(n, index));
      for (size_t k = 1; k < perm.size(); ++k) l.perm.push_back(perm[k] - 1);
      l.inputs = {producer.at(x)};
      add_layer(std::move(l), n.output(0));
      return;
    }
    auto u = unary.find(op);
    if (u != unary.end() && x_act) {
      auto in = coda_shape(x), out = coda_shape(n.output(0));
      if (in && out && *in != *out) return add_unknown(n, index, acts, "changes the shape");
      return add_unary(n, index, x, u->second);
    }
    add_unknown(n, index, acts);
  }

  // ---- driver --------------------------------------------------------------------------------

  NetworkSpec run() {
    spec.file = file;
    spec.name = std::filesystem::path(file).stem().string();
    if (spec.name.empty()) spec.name = "model";
    spec.title = graph.name();
    spec.source = fmt::format("ONNX model {}{}", file,
                              model.producer_name().empty() ? "" : " (" + model.producer_name() + ")");
    read_opsets();
    read_constants();
    read_inputs();
    use_declared_types();
    for (const auto& n : graph.node())
      for (const std::string& in : n.input()) ++consumers[in];
    const std::vector<size_t> order = topological_order();
    for (size_t index : order) {
      const ox::NodeProto& n = graph.node(static_cast<int>(index));
      if (n.op_type().empty()) fail_node(n, index, "the node has no operator type");
      const std::string domain = n.domain() == "ai.onnx" ? "" : n.domain();
      const ox::OpSchema* schema = nullptr;
      auto op_it = opsets.find(domain);
      if (op_it != opsets.end()) schema = ox::OpSchemaRegistry::Schema(n.op_type(), op_it->second, domain);
      bool has_graph_attr = false;
      for (const auto& a : n.attribute()) has_graph_attr = has_graph_attr || a.has_g() || a.graphs_size() > 0;
      if (schema && !has_graph_attr) {
        try {
          ox::checker::check_node(n, checker, scope);
        } catch (const std::exception& e) {
          fail_node(n, index, "invalid node: " + one_line(e.what()));
        }
        guard_node(n, index);
        if (n.op_type() == "Constant" && domain.empty()) read_constant_node(n, index);
        infer(n, index, schema);
        infer_reshape_from_values(n, index);
      }
      for (const std::string& o : n.output())
        if (!o.empty() && !types.count(o) && declared.count(o)) types[o] = declared[o];
      for (const std::string& o : n.output())
        if (!o.empty()) scope.add(o);
      // Nodes without activation inputs compute constants or shapes: no layer.
      bool any_activation = false;
      for (const std::string& in : n.input()) any_activation = any_activation || is_activation(in);
      const bool shape_op = (n.op_type() == "Shape" || n.op_type() == "Size") && domain.empty();
      if (!any_activation || shape_op) {
        for (const std::string& o : n.output())
          if (!o.empty()) constants.insert(o);
        continue;
      }
      convert(n, index);
      for (const std::string& o : n.output())
        if (!o.empty() && !producer.count(o)) constants.insert(o);  // unused extra outputs
    }
    if (spec.layers.empty()) fail("the graph has no operator on its inputs; nothing to convert");
    // A layer that reads the previous layer (the first: the first input) needs no `inputs`.
    for (size_t i = 0; i < spec.layers.size(); ++i) {
      auto& in = spec.layers[i].inputs;
      const std::string& prev = i == 0 ? spec.inputs[0].name : spec.layers[i - 1].name;
      if (in.size() == 1 && in[0] == prev) in.clear();
    }
    cross_check();
    return spec;
  }

  void read_constant_node(const ox::NodeProto& n, size_t index) {
    for (const auto& a : n.attribute()) {
      ox::TensorProto t;
      if (a.name() == "value") {
        check_tensor(a.t(), fmt::format("{}: attribute 'value'", label(n, index)));
        if (a.t().data_location() != ox::TensorProto::EXTERNAL) t = a.t();
        else continue;
      } else if (a.name() == "value_ints") {
        t.set_data_type(ox::TensorProto::INT64);
        t.add_dims(a.ints_size());
        for (int64_t v : a.ints()) t.add_int64_data(v);
      } else if (a.name() == "value_int") {
        t.set_data_type(ox::TensorProto::INT64);
        t.add_int64_data(a.i());
      } else if (a.name() == "value_floats") {
        t.set_data_type(ox::TensorProto::FLOAT);
        t.add_dims(a.floats_size());
        for (float v : a.floats()) t.add_float_data(v);
      } else if (a.name() == "value_float") {
        t.set_data_type(ox::TensorProto::FLOAT);
        t.add_float_data(a.f());
      } else {
        continue;
      }
      t.set_name(n.output(0));
      owned.push_back(std::move(t));
      data[n.output(0)] = &owned.back();
      int64_t elements = 1;
      for (int64_t d : owned.back().dims()) elements = checked_mul(elements, d);
      constant_elements[n.output(0)] = elements;
    }
  }

  // Builds the network once (batch 1) and compares every layer's output shape with ONNX's.
  void cross_check() {
    workload::Network net = workload::build_network(spec, 1);
    for (const auto& L : net.layers) {
      auto it = expected.find(L.spec.name);
      if (it == expected.end() || it->second == L.output_shape) continue;
      throw InputError(fmt::format("{}: layer '{}': coda infers the output shape {} but ONNX shape inference gives {}",
                                   L.spec.origin, L.spec.name, workload::shape_string(L.output_shape),
                                   workload::shape_string(it->second)));
    }
  }
};

}  // namespace

NetworkSpec parse_onnx(const void* bytes, size_t size, const std::string& file) {
  if (size > static_cast<size_t>(INT_MAX))
    throw InputError(fmt::format("{}: the file is larger than 2 GiB; protobuf cannot read it", file));
  ox::ModelProto model;
  {
    google::protobuf::LogSilencer quiet;  // the parse error is reported below, once
    if (!model.ParseFromArray(bytes, static_cast<int>(size)))
      throw InputError(fmt::format("{}: not a valid ONNX model (the protobuf data is truncated or corrupt)", file));
  }
  if (!model.has_graph()) throw InputError(fmt::format("{}: the ONNX model has no graph", file));
  Converter c(file, model);
  try {
    return c.run();
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{}: cannot convert the ONNX model: {}", file, one_line(e.what())));
  }
}

NetworkSpec read_onnx(const std::string& path) {
  const std::string bytes = read_text_file(path);
  return parse_onnx(bytes.data(), bytes.size(), path);
}

}  // namespace coda::io
