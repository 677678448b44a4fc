#include "coda/report/eval_report.hpp"

#include <fmt/format.h>

#include "coda/report/table.hpp"

namespace coda::report {
namespace {

std::vector<std::string> names_of(const model::Machine& m) {
  std::vector<std::string> v;
  for (int i = 0; i < m.num_levels; ++i) v.push_back(m.levels[size_t(i)].name);
  return v;
}

std::string problem_line(const workload::Problem& p) {
  std::string s;
  for (int d = 0; d < p.num_dims(); ++d)
    if (p.bounds[size_t(d)] > 1)
      s += fmt::format("{}{}={}", s.empty() ? "" : " ", p.dim_names[size_t(d)], p.bounds[size_t(d)]);
  return s;
}

std::string pct(double part, double total) {
  return total > 0 ? fmt::format("{:.1f}", 100.0 * part / total) : "0.0";
}

}  // namespace

std::string eval_text(const EvalContext& ctx, const workload::Problem& p, const model::Machine& m,
                      const mapping::Mapping& map, const model::Result& r) {
  std::string out = fmt::format("{} on {} ({}, {:.0f} MHz)\nproblem: {}  ({} MACs)\n\n", ctx.layer, ctx.arch,
                                ctx.tech, m.clock_hz / 1e6, problem_line(p), grouped(p.points()));
  out += "mapping (outermost first):\n" + mapping::to_loop_nest(map, p, names_of(m)) + "\n";
  if (!r.valid) return out + fmt::format("INVALID mapping: {}\n", r.why());
  const auto& c = r.counts;
  Table t;
  t.add_column("level", Table::Align::Left);
  t.add_column("tensor", Table::Align::Left);
  for (const char* h : {"tile", "fills", "reads", "updates", "rmw", "to/from children", "energy pJ", "%"})
    t.add_column(h);
  for (int i = 0; i < m.num_levels; ++i)
    for (int k = 0; k < p.num_tensors(); ++k) {
      const auto& x = c.at[size_t(i)][size_t(k)];
      if (!x.kept) continue;
      const bool outp = p.tensors[size_t(k)].is_output;
      double e = r.energy[size_t(i)][size_t(k)].total();
      t.add_row({m.levels[size_t(i)].name, p.tensors[size_t(k)].name, grouped(x.tile), grouped(x.fills),
                 grouped(x.reads), outp ? grouped(x.updates) : "-", outp ? grouped(x.rmw) : "-",
                 grouped(x.deliveries), fmt::format("{:.4g}", e), pct(e, r.energy_pj)});
    }
  out += "accesses (elements; outputs: fills = first writes, reads = drains to the parent):\n" + t.to_text() +
         "\n";
  Table e;
  e.add_column("component", Table::Align::Left);
  e.add_column("energy pJ");
  e.add_column("%");
  e.add_column("pJ/MAC");
  auto row = [&](const std::string& name, double v) {
    e.add_row(
        {name, fmt::format("{:.4g}", v), pct(v, r.energy_pj), fmt::format("{:.4f}", v / double(c.macs))});
  };
  for (int i = 0; i < m.num_levels; ++i) row(m.levels[size_t(i)].name, r.level_energy_pj[size_t(i)]);
  row(m.compute.name, r.mac_energy_pj);
  double leak = r.compute_leak_pj;
  for (int i = 0; i < m.num_levels; ++i) leak += r.leak_pj[size_t(i)];
  row("leakage", leak);
  for (int k = 0; k < p.num_tensors(); ++k) {
    double v = 0;
    for (int i = 0; i < m.num_levels; ++i) v += r.energy[size_t(i)][size_t(k)].total();
    row("  of which " + p.tensors[size_t(k)].name, v);
  }
  e.add_separator();
  row("total", r.energy_pj);
  out += "energy:\n" + e.to_text() + "\n";
  std::string bott = r.bottleneck < 0 ? "compute" : m.levels[size_t(r.bottleneck)].name + " bandwidth";
  out += fmt::format("cycles:        {} ({:.4g} ms at {:.0f} MHz); compute {}, exposed {:.4g}; bound by {}\n",
                     grouped((long long)std::llround(r.cycles)), r.seconds(m.clock_hz) * 1e3,
                     m.clock_hz / 1e6, grouped(r.compute_cycles), r.exposed_cycles, bott);
  for (int i = 0; i < m.num_levels; ++i)
    if (r.level_cycles[size_t(i)] > 0)
      out += fmt::format("               {} transfers need {:.4g} cycles\n", m.levels[size_t(i)].name,
                         r.level_cycles[size_t(i)]);
  out += fmt::format("utilization:   {:.1f} % ({} of {} MAC units active)\n", 100.0 * r.utilization,
                     grouped(r.active_units), grouped(r.total_units));
  out += fmt::format("energy:        {:.4g} uJ, {:.3f} pJ/MAC\n", r.energy_pj * 1e-6, r.pj_per_mac());
  out += fmt::format("DRAM:          {:.4f} accesses/MAC\n", r.dram_accesses_per_mac);
  if (r.area_um2 > 0) out += fmt::format("area:          {:.4g} mm^2\n", r.area_um2 * 1e-6);
  return out;
}

nlohmann::json eval_json(const EvalContext& ctx, const workload::Problem& p, const model::Machine& m,
                         const mapping::Mapping& map, const model::Result& r) {
  nlohmann::json j;
  j["layer"] = ctx.layer;
  j["arch"] = ctx.arch;
  j["tech"] = ctx.tech;
  j["clock_hz"] = m.clock_hz;
  j["valid"] = r.valid;
  j["loop_nest"] = mapping::to_loop_nest(map, p, names_of(m));
  if (!r.valid) {
    j["reason"] = r.why();
    return j;
  }
  const auto& c = r.counts;
  j["macs"] = c.macs;
  j["nonzero_macs"] = r.nonzero_macs;
  j["compute_steps"] = c.compute_steps;
  auto& lv = j["levels"];
  lv = nlohmann::json::array();
  for (int i = 0; i < m.num_levels; ++i) {
    nlohmann::json l;
    l["name"] = m.levels[size_t(i)].name;
    l["energy_pj"] = r.level_energy_pj[size_t(i)];
    l["leak_pj"] = r.leak_pj[size_t(i)];
    l["cycles"] = r.level_cycles[size_t(i)];
    l["tensors"] = nlohmann::json::object();
    for (int k = 0; k < p.num_tensors(); ++k) {
      const auto& x = c.at[size_t(i)][size_t(k)];
      if (!x.kept) continue;
      const auto& e = r.energy[size_t(i)][size_t(k)];
      l["tensors"][p.tensors[size_t(k)].name] = {
          {"tile", x.tile},
          {"fills", x.fills},
          {"reads", x.reads},
          {"updates", x.updates},
          {"rmw", x.rmw},
          {"deliveries", x.deliveries},
          {"energy_pj",
           {{"read", e.read}, {"write", e.write}, {"update", e.update}, {"network", e.network}}}};
    }
    lv.push_back(l);
  }
  j["mac_energy_pj"] = r.mac_energy_pj;
  j["compute_leak_pj"] = r.compute_leak_pj;
  j["energy_pj"] = r.energy_pj;
  j["pj_per_mac"] = r.pj_per_mac();
  j["cycles"] = r.cycles;
  j["compute_cycles"] = r.compute_cycles;
  j["exposed_cycles"] = r.exposed_cycles;
  j["bottleneck"] = r.bottleneck < 0 ? "compute" : m.levels[size_t(r.bottleneck)].name;
  j["seconds"] = r.seconds(m.clock_hz);
  j["utilization"] = r.utilization;
  j["active_units"] = r.active_units;
  j["total_units"] = r.total_units;
  j["dram_accesses_per_mac"] = r.dram_accesses_per_mac;
  j["area_um2"] = r.area_um2;
  return j;
}

}  // namespace coda::report
