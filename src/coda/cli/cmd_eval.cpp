// `coda eval`: one layer, one architecture, one mapping -> access counts, energy, cycles.
#include <fmt/format.h>

#include <iostream>

#include "coda/cli/commands.hpp"
#include "coda/common/error.hpp"
#include "coda/io/arch_loader.hpp"
#include "coda/io/layer_loader.hpp"
#include "coda/io/mapping_yaml.hpp"
#include "coda/model/bind.hpp"
#include "coda/model/evaluate.hpp"
#include "coda/report/eval_report.hpp"

namespace coda::cli {
namespace {

struct EvalOptions {
  std::string arch, layer, mapping, format = "table", tech_table;
  std::vector<std::string> sets;
  int64_t batch = 0;
};

void run_eval(const EvalOptions& o) {
  io::ParameterOverrides ov;
  for (const auto& s : o.sets) ov.push_back(io::parse_parameter_override(s));
  auto a = io::load_architecture(o.arch, ov);
  auto layer = io::load_layer(o.layer, o.batch);
  auto lib = model::library_for(a);
  if (!o.tech_table.empty()) lib.load_user_table(o.tech_table);
  auto machine = model::bind(a, lib, layer.problem);
  auto map = io::read_mapping_file(o.mapping, layer.problem, model::level_names(a));
  model::Result r;
  model::evaluate(layer.problem, machine, map, r);
  report::EvalContext ctx{a.name, layer.network + ":" + layer.layer,
                          fmt::format("{} @ {} nm", a.tech.model, a.tech.node_nm)};
  if (o.format == "json")
    std::cout << report::eval_json(ctx, layer.problem, machine, map, r).dump(2) << "\n";
  else
    std::cout << report::eval_text(ctx, layer.problem, machine, map, r);
  if (!r.valid) throw InputError(fmt::format("{}: invalid mapping: {}", o.mapping, r.why()));
}

}  // namespace

void register_eval(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  auto* cmd = app.add_subcommand(
      "eval",
      "Evaluate one layer on one architecture under a given mapping: the loop nest, exact access counts\n"
      "per level and tensor, energy per component/tensor/action, cycles and utilization (docs/model.md).");
  cmd->add_option("--arch", o->arch, "Architecture: a preset name (coda arch list) or a YAML file")
      ->required();
  cmd->add_option("--set", o->sets, "Override an architecture parameter, NAME=VALUE (repeatable)");
  cmd->add_option("--layer", o->layer,
                  "Layer: <network>:<layer> (zoo name or network file), or a one-layer file")
      ->required();
  cmd->add_option("--mapping", o->mapping, "Mapping YAML (coda's format or Timeloop's; docs/formats.md)")
      ->required();
  cmd->add_option("--batch", o->batch, "Batch size (default: the network's own, usually 1)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--tech-table", o->tech_table,
                  "User energy/area table (YAML or CSV) overriding the built-in prices");
  cmd->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  cmd->callback([o] { run_eval(*o); });
}

}  // namespace coda::cli
