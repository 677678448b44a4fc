// `coda study dataflows | eyeriss | squeezelerator | eyexam`: the studies of the seed papers
// (docs/studies.md).
#include <fmt/format.h>

#include <iostream>

#include "coda/cli/commands.hpp"
#include "coda/io/arch_loader.hpp"
#include "coda/io/network_loader.hpp"
#include "coda/network/search_adapter.hpp"
#include "coda/report/eyexam_report.hpp"
#include "coda/report/table.hpp"
#include "coda/studies/eyexam.hpp"
#include "coda/studies/studies.hpp"

namespace coda::cli {
namespace {

struct StudyOptions {
  io::MapperSettings mapper;
  std::vector<int64_t> batches{16};
  bool vgg = false;
  int64_t side = 32;
  bool unlimited_dram = false;
  std::vector<std::string> networks;
  // eyexam
  std::string network = "alexnet", arch = "eyeriss", dataflow, format = "table";
  int64_t batch = 0;
};

std::string f(double v, int p = 3) { return fmt::format("{:.{}f}", v, p); }

void run_dataflows(const StudyOptions& o) {
  auto rows = studies::dataflow_comparison(network::make_layer_mapper(o.mapper), o.batches);
  report::Table t;
  for (const char* h : {"batch", "layers", "dataflow"}) t.add_column(h, report::Table::Align::Left);
  for (const char* h : {"pJ/MAC", "DRAM", "GLB", "RF", "array", "ALU", "inputs", "psums", "weights", "DRAM acc/MAC"})
    t.add_column(h);
  for (const auto& r : rows) {
    auto lv = [&r](size_t i) { return i < r.level_pj_per_mac.size() ? f(r.level_pj_per_mac[i]) : std::string("-"); };
    t.add_row({std::to_string(r.batch), r.layers, r.dataflow, f(r.total_pj_per_mac), lv(0), lv(1), lv(2),
               f(r.array_pj_per_mac), f(r.alu_pj_per_mac), f(r.inputs_pj_per_mac), f(r.outputs_pj_per_mac),
               f(r.weights_pj_per_mac), f(r.dram_accesses_per_mac, 4)});
  }
  std::cout << "ISCA 2016 dataflow comparison: AlexNet on the equal-area 256-PE variants of eyeriss-256\n"
               "(energy per MAC in pJ, by storage level and by data type)\n\n"
            << t.to_text();
}

void run_eyeriss(const StudyOptions& o) {
  auto rows = studies::eyeriss_study(network::make_layer_mapper(o.mapper), o.vgg);
  report::Table t;
  for (const char* h : {"network", "layer"}) t.add_column(h, report::Table::Align::Left);
  for (const char* h : {"batch", "input zeros %", "active PEs", "cycles", "latency ms", "GLB MB", "DRAM MB", "power mW",
                        "pJ/MAC"})
    t.add_column(h);
  for (const auto& r : rows)
    t.add_row({r.network, r.layer, std::to_string(r.batch), f(100 * r.input_zero_fraction, 1),
               std::to_string(r.active_pes), report::grouped((long long)r.cycles), f(r.latency_ms, 2), f(r.glb_mb, 2),
               f(r.dram_mb, 2), f(r.power_mw, 1), f(r.pj_per_mac)});
  std::cout << "Eyeriss v1 (preset eyeriss, row stationary, RLC-compressed fmaps, zero gating)\n\n" << t.to_text();
}

void run_squeezelerator(const StudyOptions& o) {
  auto nets = studies::squeezelerator_study(network::make_layer_mapper(o.mapper),
                                            o.networks.empty() ? studies::squeezelerator_networks() : o.networks, o.side,
                                            o.unlimited_dram);
  report::Table t;
  t.add_column("network", report::Table::Align::Left);
  for (const char* h : {"WS ms", "OS ms", "hybrid ms", "speedup vs WS", "speedup vs OS", "energy vs WS",
                        "energy vs OS"})
    t.add_column(h);
  for (const auto& s : nets)
    t.add_row({s.network, f(s.ws_cycles / 1e6, 3), f(s.os_cycles / 1e6, 3), f(s.hybrid_cycles / 1e6, 3),
               f(s.ws_cycles / s.hybrid_cycles, 2), f(s.os_cycles / s.hybrid_cycles, 2),
               f(s.ws_energy_pj / s.hybrid_energy_pj, 2), f(s.os_energy_pj / s.hybrid_energy_pj, 2)});
  std::cout << fmt::format("Squeezelerator {}x{}, batch 1, 40 % zero weights skipped in OS mode; per-layer best by "
                           "cycles (ms at 1 GHz){}\n\n",
                           o.side, o.side, o.unlimited_dram ? "; DRAM bandwidth unlimited, no DRAM latency" : "")
            << t.to_text();
  for (const auto& s : nets) {
    report::Table l;
    for (const char* h : {"layer", "category", "best"}) l.add_column(h, report::Table::Align::Left);
    for (const char* h : {"MACs", "WS cycles", "OS cycles", "WS util %", "OS util %"}) l.add_column(h);
    for (const auto& x : s.layers)
      l.add_row({x.layer, x.category, x.best, report::grouped(x.macs), report::grouped((long long)x.ws_cycles),
                 report::grouped((long long)x.os_cycles), f(100 * x.ws_utilization, 1), f(100 * x.os_utilization, 1)});
    std::string share;
    for (const auto& [c, v] : s.mac_share) share += fmt::format("{} {:.1f} %  ", c, 100 * v);
    std::cout << "\n" << s.network << ": MAC share " << share << "\n" << l.to_text();
  }
}

void run_eyexam(const StudyOptions& o) {
  const auto spec = io::load_network_spec(o.network);
  const auto net = workload::build_network(spec, o.batch > 0 ? o.batch : spec.batch);
  const auto a = io::load_architecture(o.arch);
  const io::MapperSettings base = o.mapper;
  auto factory = [base](const std::string& objective) {
    io::MapperSettings s = base;
    s.objective = objective;
    return network::make_layer_mapper(s);
  };
  const auto r = studies::eyexam(net, a, o.dataflow, o.mapper.objective, factory);
  if (o.format == "json")
    std::cout << report::eyexam_json(r).dump(2) << "\n";
  else if (o.format == "csv")
    std::cout << report::eyexam_csv(r);
  else
    std::cout << report::eyexam_text(r);
}

void add_mapper_options(CLI::App* cmd, StudyOptions& o) {
  cmd->add_option("--budget-evals", o.mapper.budget_evals, "Mapper evaluations per layer and dataflow");
  cmd->add_option("--budget-seconds", o.mapper.budget_seconds, "Mapper seconds per layer and dataflow (0 = none)");
  cmd->add_option("--threads", o.mapper.threads, "Mapper threads (0 = all cores)");
  cmd->add_option("--seed", o.mapper.seed, "Mapper seed");
  cmd->add_option("--strategy", o.mapper.strategy, "Mapper strategy")
      ->check(CLI::IsMember({"default", "exhaustive", "random", "anneal"}));
}

}  // namespace

void register_study(CLI::App& app) {
  auto o = std::make_shared<StudyOptions>();
  auto* study = app.add_subcommand("study", "The studies of the seed papers (docs/studies.md)");
  study->require_subcommand(1);
  auto* df = study->add_subcommand("dataflows", "ISCA 2016: RS, WS, OS_A/B/C, NLR on equal-area 256-PE arrays, AlexNet");
  df->add_option("--batch", o->batches, "Batch sizes (repeatable; the paper uses 1, 16, 64)");
  add_mapper_options(df, *o);
  df->callback([o] { run_dataflows(*o); });
  auto* ey = study->add_subcommand("eyeriss", "Eyeriss v1 on AlexNet CONV1-5 (batch 4) and optionally VGG-16 (batch 3)");
  ey->add_flag("--vgg", o->vgg, "Also VGG-16's CONV layers at batch 3");
  add_mapper_options(ey, *o);
  ey->callback([o] { run_eyeriss(*o); });
  auto* sq = study->add_subcommand("squeezelerator", "WS-only, OS-only and per-layer best on the Squeezelerator");
  sq->add_option("--side", o->side, "Array side N (N x N PEs)")->check(CLI::PositiveNumber);
  sq->add_option("--network", o->networks, "Networks (repeatable; default: the paper's six)");
  sq->add_flag("--unlimited-dram", o->unlimited_dram,
               "Unlimited DRAM bandwidth and no DRAM latency (the paper's simulator hides DRAM behind compute)");
  add_mapper_options(sq, *o);
  sq->callback([o] { run_squeezelerator(*o); });
  auto* ex = study->add_subcommand(
      "eyexam", "Eyexam: MACs/cycle bound after each of steps 1-6 (shape, dataflow, PEs, array, capacity, bandwidth)");
  ex->add_option("--network", o->network, "Zoo network or network file")->capture_default_str();
  ex->add_option("--arch", o->arch, "Preset or architecture file")->capture_default_str();
  ex->add_option("--dataflow", o->dataflow, "Dataflow (default: the architecture's native one)");
  ex->add_option("--batch", o->batch, "Batch size (default: the network's own)")->check(CLI::PositiveNumber);
  ex->add_option("--objective", o->mapper.objective, "What the modelled mapping minimises")->capture_default_str();
  ex->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"table", "csv", "json"}))->capture_default_str();
  add_mapper_options(ex, *o);
  ex->callback([o] { run_eyexam(*o); });
}

}  // namespace coda::cli
