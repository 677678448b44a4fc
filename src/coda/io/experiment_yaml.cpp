#include "coda/io/experiment_yaml.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "coda/common/error.hpp"
#include "coda/io/embedded.hpp"
#include "coda/io/yaml_reader.hpp"

namespace coda::io {
namespace {

// A path written in an experiment is relative to the experiment file; a bare name that is not an
// existing file is left alone (a zoo network or an architecture preset).
std::string resolve(const std::string& value, const std::string& file) {
  if (value.empty() || std::filesystem::path(value).is_absolute()) return value;
  if (file.empty() || file.front() == '<') return value;
  auto candidate = std::filesystem::path(file).parent_path() / value;
  return std::filesystem::exists(candidate) ? candidate.string() : value;
}

double density(const MapReader& r, const std::string& key) {
  double d = r.get_double(key);
  if (!(d > 0 && d <= 1)) r.fail(key, "a density in (0, 1]");
  return d;
}

}  // namespace

Experiment parse_experiment_yaml(const std::string& text, const std::string& file) {
  YAML::Node root = parse_yaml(text, file);
  if (!root.IsMap())
    throw InputError(fmt::format("{}: an experiment is a YAML map with an 'experiment' key", file));
  MapReader top(root, file, "experiment file");
  top.check_keys({"experiment"});
  if (!top.has("experiment")) top.fail("experiment", "an 'experiment' map");
  MapReader r(top.node("experiment"), file, "experiment");
  r.check_keys(
      {"name", "network", "batch", "arch", "set", "dataflows", "mapper", "density", "outputs", "tech_table"});
  Experiment e;
  e.file = file;
  e.name = r.get_string("name", "experiment");
  e.network = resolve(r.get_string("network"), file);
  e.batch = r.get_int("batch", 0);
  if (e.batch < 0) r.fail("batch", "a batch size >= 1 (or 0 for the network's own)");
  e.arch = resolve(r.get_string("arch"), file);
  if (r.has("set")) {
    const YAML::Node s = r.node("set");
    if (!s.IsMap()) r.fail("set", "a map of architecture parameters, e.g. {N: 16}");
    for (const auto& kv : s) {
      if (!kv.second.IsScalar()) r.fail("set", "scalar parameter values");
      e.arch_parameters.emplace_back(kv.first.as<std::string>(), kv.second.as<std::string>());
    }
  }
  if (r.has("dataflows")) {
    const YAML::Node d = r.node("dataflows");
    if (d.IsScalar()) {
      e.dataflows.push_back(d.as<std::string>());
    } else if (d.IsSequence()) {
      for (const auto& x : d) {
        if (!x.IsScalar()) r.fail("dataflows", "a list of dataflow names");
        e.dataflows.push_back(x.as<std::string>());
      }
    } else {
      r.fail("dataflows", "a dataflow name or a list of them");
    }
  }
  if (r.has("mapper")) {
    MapReader m(r.node("mapper"), file, "experiment mapper");
    m.check_keys({"strategy", "objective", "budget_evals", "budget_seconds", "threads", "seed"});
    auto& s = e.mapper;
    s.strategy = m.get_string("strategy", s.strategy);
    if (s.strategy != "default" && s.strategy != "exhaustive" && s.strategy != "random" &&
        s.strategy != "anneal")
      m.fail("strategy", "default, exhaustive, random or anneal");
    s.objective = m.get_string("objective", s.objective);
    if (s.objective != "energy" && s.objective != "cycles" && s.objective != "edp" &&
        s.objective != "cycles,energy" && s.objective != "energy,cycles")
      m.fail("objective", "energy, cycles, edp, cycles,energy or energy,cycles");
    s.budget_evals = m.get_int("budget_evals", s.budget_evals);
    if (s.budget_evals < 0) m.fail("budget_evals", "a number of evaluations >= 0");
    s.budget_seconds = m.get_double("budget_seconds", s.budget_seconds);
    if (s.budget_seconds < 0) m.fail("budget_seconds", "seconds >= 0");
    s.threads = int(m.get_int("threads", s.threads));
    if (s.threads < 0) m.fail("threads", "a thread count >= 0 (0 = all cores)");
    s.seed = uint64_t(m.get_int("seed", int64_t(s.seed)));
  }
  if (r.has("density")) {
    MapReader d(r.node("density"), file, "experiment density");
    d.check_keys({"weights", "inputs", "file"});
    if (d.has("weights")) e.weight_density = density(d, "weights");
    if (d.has("inputs")) e.input_density = density(d, "inputs");
    if (d.has("file")) e.density_file = resolve(d.get_string("file"), file);
  }
  if (r.has("outputs")) {
    MapReader o(r.node("outputs"), file, "experiment outputs");
    o.check_keys({"csv", "json"});
    e.csv = o.get_string("csv", "");
    e.json = o.get_string("json", "");
  }
  e.tech_table = resolve(r.get_string("tech_table", ""), file);
  return e;
}

Experiment read_experiment_file(const std::string& path) {
  return parse_experiment_yaml(read_text_file(path), path);
}

Experiment default_experiment() {
  auto text = embedded_file("experiments/eyeriss_alexnet.yaml");
  if (!text) throw std::logic_error("the default experiment is not embedded");
  return parse_experiment_yaml(std::string(*text), "<experiments>/eyeriss_alexnet.yaml");
}

}  // namespace coda::io
