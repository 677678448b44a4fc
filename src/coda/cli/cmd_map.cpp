// `coda map`: search the mapspace of one layer on one architecture under a dataflow or a
// constraints file, print the best mapping as a loop nest with its evaluation, write it as YAML
// that `coda eval` reproduces exactly.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "coda/cli/commands.hpp"
#include "coda/common/error.hpp"
#include "coda/io/arch_loader.hpp"
#include "coda/io/constraints_yaml.hpp"
#include "coda/io/layer_loader.hpp"
#include "coda/io/mapping_yaml.hpp"
#include "coda/mapper/search.hpp"
#include "coda/mapping/dataflows.hpp"
#include "coda/mapping/mapspace.hpp"
#include "coda/model/bind.hpp"
#include "coda/report/eval_report.hpp"
#include "coda/report/table.hpp"

namespace coda::cli {
namespace {

struct MapOptions {
  std::string arch, layer, dataflow, constraints, objective = "energy", strategy = "default", output,
                                                  format = "table", tech_table;
  std::vector<std::string> sets;
  int64_t batch = 0;
  int threads = 0;
  uint64_t seed = 1;
  int64_t budget_evals = 0;
  double budget_seconds = 0;
  int top = 1;
  bool pareto = false;
};

std::string score_text(const mapper::Objective& obj, const mapper::Score& s) {
  std::string out;
  for (size_t k = 0; k < obj.terms().size(); ++k) {
    const auto m = obj.terms()[k];
    out += (out.empty() ? "" : ", ") + fmt::format("{} {:.6g}{}", mapper::metric_name(m), s.v[k],
                                                   m == mapper::Metric::Energy ? " pJ" : "");
  }
  return out;
}

void print_progress(const mapper::Objective& obj, const mapper::Progress& p) {
  std::string line = fmt::format("[coda map] {}: {} evaluations, {:.0f}/s", p.phase, p.evaluations, p.rate);
  if (p.fraction >= 0) line += fmt::format(", {:.0f} %", 100 * p.fraction);
  if (p.has_best) line += ", best " + score_text(obj, p.best);
  if (line.size() > 118) line.resize(118);
  std::fprintf(stderr, "\r%-118s", line.c_str());
  std::fflush(stderr);
}

nlohmann::json candidate_json(const report::EvalContext& ctx, const workload::Problem& p,
                              const model::Machine& m, const std::vector<std::string>& levels,
                              const mapper::Candidate& c) {
  nlohmann::json j = report::eval_json(ctx, p, m, c.mapping, c.result);
  j["mapping_yaml"] = io::write_mapping_yaml(c.mapping, p, levels);
  return j;
}

void run_map(const MapOptions& o) {
  io::ParameterOverrides ov;
  for (const auto& s : o.sets) ov.push_back(io::parse_parameter_override(s));
  auto a = io::load_architecture(o.arch, ov);
  auto layer = io::load_layer(o.layer, o.batch);
  const auto& p = layer.problem;
  auto lib = model::library_for(a);
  if (!o.tech_table.empty()) lib.load_user_table(o.tech_table);
  const auto machine = model::bind(a, lib, p);
  const auto levels = model::level_names(a);

  mapping::Constraints c;
  std::string source;
  if (!o.constraints.empty()) {
    c = io::read_constraints_file(o.constraints, p, machine);
    source = "constraints " + o.constraints;
  } else {
    std::string df = o.dataflow.empty() ? mapping::native_dataflow(a.dataflow) : o.dataflow;
    c = mapping::dataflow_constraints(df, p, machine);
    source = "dataflow " + df + (o.dataflow.empty() ? " (the architecture's native dataflow)" : "");
  }
  mapping::Mapspace space(p, machine, c);

  mapper::Options opt;
  opt.strategy = mapper::parse_strategy(o.strategy);
  opt.objective = mapper::Objective::parse(o.objective);
  opt.threads = o.threads;
  opt.seed = o.seed;
  opt.budget_evals = o.budget_evals;
  opt.budget_seconds = o.budget_seconds;
  opt.top_k = std::max(1, o.top);
  opt.pareto = o.pareto;
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (tty) opt.progress = [&](const mapper::Progress& pr) { print_progress(opt.objective, pr); };
  auto res = mapper::search(space, opt);
  if (tty) std::fprintf(stderr, "\r%-118s\r", "");

  if (res.top.empty())
    throw InputError(fmt::format("no mapping of {}:{} on {} satisfies {}: {}", layer.network, layer.layer,
                                 a.name, source, res.empty_reason));

  const auto& best = res.top.front();
  if (!o.output.empty()) {
    std::ofstream out(o.output);
    if (!out) throw InputError(fmt::format("{}: cannot write the mapping", o.output));
    out << fmt::format("# coda map --arch {} --layer {}{} ({}; objective {}; strategy {}; seed {})\n", o.arch,
                       o.layer, o.batch ? fmt::format(" --batch {}", o.batch) : "", source,
                       opt.objective.name(), res.strategy, o.seed);
    out << io::write_mapping_yaml(best.mapping, p, levels);
    if (!out) throw InputError(fmt::format("{}: cannot write the mapping", o.output));
  }

  report::EvalContext ctx{a.name, layer.network + ":" + layer.layer,
                          fmt::format("{} @ {} nm", a.tech.model, a.tech.node_nm)};
  const std::string status =
      res.strategy == "exhaustive" ? (res.complete ? "complete" : "stopped by the budget") : "sampled";
  if (o.format == "json") {
    nlohmann::json j;
    j["mapper"] = {{"strategy", res.strategy},
                   {"complete", res.complete},
                   {"objective", opt.objective.name()},
                   {"source", source},
                   {"seed", o.seed},
                   {"threads", res.threads},
                   {"evaluations", res.evaluations},
                   {"valid", res.valid},
                   {"tilings", res.tilings},
                   {"seconds", res.seconds},
                   {"factorizations", space.factorization_count()},
                   {"factorizations_fitting_arrays", space.fanout_fitting_count()},
                   {"estimated_points", res.estimate.points}};
    j["best"] = candidate_json(ctx, p, machine, levels, best);
    nlohmann::json top = nlohmann::json::array();
    for (const auto& cand : res.top) top.push_back(candidate_json(ctx, p, machine, levels, cand));
    j["top"] = top;
    if (o.pareto) {
      nlohmann::json front = nlohmann::json::array();
      for (const auto& cand : res.front) front.push_back(candidate_json(ctx, p, machine, levels, cand));
      j["pareto"] = front;
    }
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::string head = fmt::format(
      "mapper: {} search ({}), objective {}, {}\n        {} evaluations ({} valid) in {:.2f} s on {} "
      "thread{}, seed {}",
      res.strategy, status, opt.objective.name(), source, report::grouped(res.evaluations),
      report::grouped(res.valid), res.seconds, res.threads, res.threads == 1 ? "" : "s", o.seed);
  if (res.strategy == "exhaustive") head += fmt::format(", {} tilings fit", report::grouped(res.tilings));
  head += fmt::format("\nmapspace: {:.4g} factorizations allowed by the constraints",
                      space.factorization_count());
  if (space.fanout_fitting_count() >= 0)
    head += fmt::format(" ({:.4g} fit the arrays)", space.fanout_fitting_count());
  if (res.estimate.attempts > 0)
    head +=
        fmt::format(", about {:.3g} legal mappings up to loop-order equivalence ({:.2g} % of draws fit{})",
                    res.estimate.points, 100 * res.estimate.acceptance,
                    space.fanout_fitting_count() >= 0 ? " the buffers" : "");
  std::cout << head << "\n";
  const std::string desc = c.describe(p, machine);
  if (!desc.empty()) std::cout << "constraints:\n" << desc;
  std::cout << "best: " << score_text(opt.objective, best.score) << "\n\n";
  std::cout << report::eval_text(ctx, p, machine, best.mapping, best.result);
  auto ranking = [&](const std::vector<mapper::Candidate>& v, const std::string& title) {
    report::Table t;
    t.add_column("#");
    for (const char* h : {"energy pJ", "cycles", "pJ/MAC", "utilization %", "active units", "mapping hash"})
      t.add_column(h);
    for (size_t k = 0; k < v.size(); ++k) {
      const auto& r = v[k].result;
      t.add_row({std::to_string(k + 1), fmt::format("{:.6g}", r.energy_pj), fmt::format("{:.6g}", r.cycles),
                 fmt::format("{:.4f}", r.pj_per_mac()), fmt::format("{:.1f}", 100 * r.utilization),
                 std::to_string(r.active_units), fmt::format("{:016x}", v[k].mapping.hash())});
    }
    std::cout << "\n" << title << ":\n" << t.to_text();
  };
  if (o.top > 1) ranking(res.top, fmt::format("top {} by {}", res.top.size(), opt.objective.name()));
  if (o.pareto) {
    ranking(res.front, "Pareto front (energy vs cycles)");
    for (size_t k = 0; k < res.front.size(); ++k)
      std::cout << fmt::format("\n#{} loop nest:\n", k + 1)
                << mapping::to_loop_nest(res.front[k].mapping, p, levels);
  }
  if (!o.output.empty()) std::cout << fmt::format("\nmapping written to {}\n", o.output);
}

}  // namespace

void register_map(CLI::App& app) {
  auto o = std::make_shared<MapOptions>();
  auto* cmd = app.add_subcommand(
      "map",
      "Search the mappings of one layer on one architecture (a dataflow or a constraints file; "
      "docs/mapper.md)\n"
      "and print the best as a loop nest with its evaluation; -o writes it as YAML for `coda eval`.");
  cmd->add_option("--arch", o->arch, "Architecture: a preset name (coda arch list) or a YAML file")
      ->required();
  cmd->add_option("--set", o->sets, "Override an architecture parameter, NAME=VALUE (repeatable)");
  cmd->add_option("--layer", o->layer,
                  "Layer: <network>:<layer> (zoo name or network file), or a one-layer file")
      ->required();
  cmd->add_option("--batch", o->batch, "Batch size (default: the network's own, usually 1)")
      ->check(CLI::PositiveNumber);
  auto* df = cmd->add_option("--dataflow", o->dataflow,
                             "Dataflow: ws, ws-tpu, ws-nvdla, os, os_a, os_b, os_c, is, nlr, rs, any "
                             "(default: the architecture's native dataflow)");
  auto* cf = cmd->add_option("--constraints", o->constraints,
                             "Constraints YAML (coda's or Timeloop's; docs/formats.md)");
  df->excludes(cf);
  cf->excludes(df);
  cmd->add_option(
      "--objective", o->objective,
      "energy | cycles | edp | compute-cycles | roofline-cycles, or a lexicographic pair like cycles,energy");
  cmd->add_option("--strategy", o->strategy, "Search strategy")
      ->check(CLI::IsMember({"exhaustive", "random", "anneal", "default"}));
  cmd->add_option("--threads", o->threads, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed", o->seed, "Seed of the random strategies (same seed, same result)");
  cmd->add_option("--budget-evals", o->budget_evals, "Stop after about this many model evaluations")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--budget-seconds", o->budget_seconds, "Stop after this many seconds")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--top", o->top, "Also list the best K mappings")->check(CLI::PositiveNumber);
  cmd->add_flag("--pareto", o->pareto, "Also list the Pareto front of energy vs cycles");
  cmd->add_option("-o,--output", o->output,
                  "Write the best mapping as YAML (reproduced exactly by `coda eval`)");
  cmd->add_option("--tech-table", o->tech_table,
                  "User energy/area table (YAML or CSV) overriding the built-in prices");
  cmd->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  cmd->callback([o] { run_map(*o); });
}

}  // namespace coda::cli
