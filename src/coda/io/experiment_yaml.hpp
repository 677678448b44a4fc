#pragma once
// Experiment files (issue 6): one YAML names the network, the architecture, the dataflow(s), the
// mapper settings, the batch and the outputs; `coda run <file>` runs it. Every key is documented in
// docs/formats.md ("Experiment YAML").
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "coda/io/arch_yaml.hpp"

namespace coda::io {

struct MapperSettings {
  std::string strategy = "default";  ///< exhaustive | random | anneal | default
  std::string objective = "energy";  ///< energy | cycles | edp | cycles,energy
  int64_t budget_evals = 20000;      ///< per layer and dataflow; 0 = no limit
  double budget_seconds = 0;         ///< per layer and dataflow; 0 = no limit
  int threads = 0;                   ///< 0 = all cores
  uint64_t seed = 1;
};

struct Experiment {
  std::string name;
  std::string file;     ///< where it was read from, for messages
  std::string network;  ///< zoo name or network file (relative to the experiment file)
  int64_t batch = 0;    ///< 0 = the network's own
  std::string arch;     ///< preset or architecture file (relative to the experiment file)
  ParameterOverrides arch_parameters;
  std::vector<std::string> dataflows;  ///< empty = the architecture's native dataflow
  MapperSettings mapper;
  std::optional<double> weight_density, input_density;
  std::string density_file;
  std::string tech_table;
  std::string csv, json;  ///< output files ("" = none)
};

/// Parses an experiment; relative paths are resolved against the file's directory. InputError with
/// file:line:key on bad input.
Experiment parse_experiment_yaml(const std::string& text, const std::string& file);
Experiment read_experiment_file(const std::string& path);
/// The shipped default experiment (Eyeriss on AlexNet), used by `coda run` without a file.
Experiment default_experiment();

}  // namespace coda::io
