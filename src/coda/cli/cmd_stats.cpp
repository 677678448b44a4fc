// `coda stats`: per-layer statistics of a network (weights, MACs, activations, non-zeros).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>

#include "coda/cli/commands.hpp"
#include "coda/io/density_yaml.hpp"
#include "coda/io/network_loader.hpp"
#include "coda/report/stats_report.hpp"
#include "coda/workload/density.hpp"
#include "coda/workload/statistics.hpp"

namespace coda::cli {
namespace {

struct StatsOptions {
  std::string network;
  std::string format = "table";
  std::optional<int64_t> batch;
  std::optional<double> density, weight_density, input_density;
  std::string density_file;
  bool all_layers = false;
};

void run_stats(const StatsOptions& o) {
  workload::NetworkSpec spec = io::load_network_spec(o.network);
  workload::DensityOverrides d;
  if (!o.density_file.empty()) d = io::read_density_yaml(o.density_file);
  if (o.density) d.global.weights = d.global.inputs = o.density;
  if (o.weight_density) d.global.weights = o.weight_density;
  if (o.input_density) d.global.inputs = o.input_density;
  workload::apply_density_overrides(spec, d);
  workload::Network net = workload::build_network(spec, o.batch.value_or(spec.batch));
  for (const std::string& w : net.warnings) std::cerr << "coda: warning: " << w << "\n";
  workload::NetworkStats st = workload::compute_stats(net);
  report::StatsReportOptions ro;
  ro.all_layers = o.all_layers;
  if (o.format == "csv") std::cout << report::stats_csv(st, ro);
  else if (o.format == "json") std::cout << report::stats_json(st);
  else std::cout << report::stats_text(st, ro);
}

}  // namespace

void register_stats(CLI::App& app) {
  auto opt = std::make_shared<StatsOptions>();
  auto* cmd = app.add_subcommand(
      "stats", "Per-layer statistics of a network: weights, MACs, activations, non-zero weights and MACs, "
               "layer category; totals and the share of MACs per category");
  cmd->add_option("network", opt->network,
                  "A zoo name (see 'coda zoo') or a network file: .yaml/.yml (coda network, or a Timeloop "
                  "problem when it has a top-level 'problem' key), .onnx (ONNX), .txt (energy estimation tool "
                  "layers), .csv (SCALE-Sim topology); docs/importers.md")
      ->required();
  cmd->add_option("--format", opt->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->default_val("table");
  cmd->add_option("--batch", opt->batch,
                  "Batch size N (scales MACs and activations); default: the batch the file states (Timeloop N, "
                  "energy-tool maps, network YAML 'batch'), else 1")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->add_option("--density", opt->density, "Density (non-zero fraction) of every tensor, in (0, 1]")
      ->check(CLI::Range(1e-9, 1.0));
  cmd->add_option("--weight-density", opt->weight_density, "Density of the weights of every layer, in (0, 1]")
      ->check(CLI::Range(1e-9, 1.0));
  cmd->add_option("--input-density", opt->input_density,
                  "Density of the input activations of every layer, in (0, 1]")
      ->check(CLI::Range(1e-9, 1.0));
  cmd->add_option("--density-file", opt->density_file,
                  "YAML file of per-layer densities (format: docs/formats.md, 'Density file'); "
                  "--density/--weight-density/--input-density override its global values");
  cmd->add_flag("--all", opt->all_layers, "Also list layers without MACs (pooling, activations, element-wise)");
  cmd->callback([opt] { run_stats(*opt); });
}

}  // namespace coda::cli
