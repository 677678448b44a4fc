#include "coda/io/density_yaml.hpp"

#include <fmt/format.h>

#include "coda/io/yaml_reader.hpp"

namespace coda::io {
namespace {

workload::TensorDensities read_pair(const MapReader& m) {
  workload::TensorDensities d;
  for (const char* key : {"weights", "inputs"}) {
    if (!m.has(key)) continue;
    double v = m.get_double(key);
    if (!(v > 0.0 && v <= 1.0)) m.fail(key, fmt::format("expected a density in (0, 1], got {}", v));
    (std::string(key) == "weights" ? d.weights : d.inputs) = v;
  }
  return d;
}

}  // namespace

workload::DensityOverrides parse_density_yaml(const std::string& text, const std::string& file) {
  YAML::Node root = parse_yaml(text, file);
  MapReader m(root, file, "density file");
  m.check_keys({"weights", "inputs", "layers"});
  workload::DensityOverrides o;
  o.origin = file;
  o.global = read_pair(m);
  if (m.has("layers")) {
    YAML::Node layers = m.node("layers");
    if (!layers.IsMap()) m.fail("layers", "expected a map of layer name: {weights: d, inputs: d}");
    for (const auto& kv : layers) {
      const std::string name = kv.first.Scalar();
      MapReader lm(kv.second, file, fmt::format("layer '{}'", name));
      lm.check_keys({"weights", "inputs"});
      o.per_layer[name] = read_pair(lm);
    }
  }
  return o;
}

workload::DensityOverrides read_density_yaml(const std::string& path) {
  return parse_density_yaml(read_text_file(path), path);
}

}  // namespace coda::io
