// `coda run [experiment.yaml]`: a whole network on one architecture (the README's main job).
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "coda/cli/commands.hpp"
#include "coda/common/error.hpp"
#include "coda/io/arch_loader.hpp"
#include "coda/io/density_yaml.hpp"
#include "coda/io/experiment_yaml.hpp"
#include "coda/io/network_loader.hpp"
#include "coda/model/bind.hpp"
#include "coda/network/search_adapter.hpp"
#include "coda/report/network_report.hpp"

namespace coda::cli {
namespace {

struct RunOptions {
  std::string file, format = "table", csv, json;
  int threads = -1;
};

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  if (!out) throw InputError(fmt::format("cannot write '{}'", path));
  out << text;
}

void run_experiment(const RunOptions& o) {
  io::Experiment e = o.file.empty() ? io::default_experiment() : io::read_experiment_file(o.file);
  if (o.threads >= 0) e.mapper.threads = o.threads;
  auto spec = io::load_network_spec(e.network);
  if (e.weight_density) spec.default_weight_density = *e.weight_density;
  if (e.input_density) spec.default_input_density = *e.input_density;
  auto net = workload::build_network(spec, e.batch > 0 ? e.batch : spec.batch);
  auto a = io::load_architecture(e.arch, e.arch_parameters);
  auto lib = model::library_for(a);
  if (!e.tech_table.empty()) lib.load_user_table(e.tech_table);
  network::Options opt;
  opt.dataflows = e.dataflows;
  opt.objective = network::network_objective(e.mapper.objective);
  auto result = network::evaluate(net, a, lib, opt, network::make_layer_mapper(e.mapper));
  const std::string csv = o.csv.empty() ? e.csv : o.csv;
  const std::string json = o.json.empty() ? e.json : o.json;
  if (!csv.empty()) write_file(csv, report::network_csv(result));
  if (!json.empty()) write_file(json, report::network_json(result).dump(2) + "\n");
  if (o.format == "json")
    std::cout << report::network_json(result).dump(2) << "\n";
  else if (o.format == "csv")
    std::cout << report::network_csv(result);
  else
    std::cout << fmt::format("experiment {} ({})\n", e.name, e.file) << report::network_text(result);
}

}  // namespace

void register_run(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand(
      "run",
      "Run an experiment: map every layer of a network on an architecture (per-layer best dataflow),\n"
      "sum energy, cycles and DRAM traffic, and print the report (docs/reports.md). Without a file, runs\n"
      "the shipped default: Eyeriss (row stationary) on AlexNet at batch 4.");
  cmd->add_option("experiment", o->file, "Experiment YAML (docs/formats.md, \"Experiment YAML\")");
  cmd->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"table", "csv", "json"}));
  cmd->add_option("--csv", o->csv, "Also write the per-layer CSV to this file");
  cmd->add_option("--json", o->json, "Also write the JSON report to this file");
  cmd->add_option("--threads", o->threads, "Mapper threads (overrides the experiment; 0 = all cores)");
  cmd->callback([o] { run_experiment(*o); });
}

}  // namespace coda::cli
