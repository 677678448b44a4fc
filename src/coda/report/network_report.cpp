#include "coda/report/network_report.hpp"

#include <fmt/format.h>

#include <map>

#include "coda/report/table.hpp"

namespace coda::report {
namespace {

std::string f(double v, int prec = 3) { return fmt::format("{:.{}f}", v, prec); }

}  // namespace

NetworkTotals totals_of(const network::NetworkResult& r) {
  NetworkTotals t;
  const double sec = r.seconds();
  t.runtime_ms = sec * 1e3;
  t.inferences_per_s = sec > 0 ? double(r.batch) / sec : 0;
  t.energy_uj = r.energy_pj * 1e-6;
  t.power_mw = sec > 0 ? r.energy_pj * 1e-12 / sec * 1e3 : 0;
  t.pj_per_mac = r.macs ? r.energy_pj / double(r.macs) : 0;
  t.pj_per_nonzero_mac = r.nonzero_macs > 0 ? r.energy_pj / r.nonzero_macs : 0;
  t.dram_per_mac = r.macs ? r.dram_words / double(r.macs) : 0;
  t.utilization = r.cycles > 0 && r.total_units ? double(r.macs) / (r.cycles * double(r.total_units)) : 0;
  for (const auto& l : r.layers) {
    t.e_other_layers += l.mapped ? 0 : l.energy_pj;
    t.e_inputs += l.e_inputs;
    t.e_outputs += l.e_outputs;
    t.e_weights += l.e_weights;
    t.e_compute += l.e_compute;
  }
  return t;
}

std::string network_text(const network::NetworkResult& r) {
  Table t;
  t.add_column("layer", Table::Align::Left);
  t.add_column("category", Table::Align::Left);
  t.add_column("dataflow", Table::Align::Left);
  for (const char* h : {"MACs", "cycles", "ms", "util %", "energy uJ", "pJ/MAC", "DRAM acc/MAC"})
    t.add_column(h);
  const auto tot = totals_of(r);
  for (const auto& l : r.layers) {
    if (!l.mapped && l.energy_pj == 0) continue;
    const double util = l.mapped && l.cycles > 0 ? 100.0 * l.result.utilization : 0;
    t.add_row({l.name, workload::category_name(l.category),
               l.mapped ? l.dataflow + (l.same_as >= 0 ? "*" : "") : "-", l.mapped ? grouped(l.macs) : "-",
               grouped((long long)std::llround(l.cycles)), f(l.cycles / r.clock_hz * 1e3),
               l.mapped ? f(util, 1) : "-", f(l.energy_pj * 1e-6, 2),
               l.mapped ? f(l.energy_pj / double(l.macs)) : "-",
               l.mapped ? f(l.dram_words / double(l.macs), 4) : "-"});
  }
  t.add_separator();
  t.add_row({"total", "", "", grouped(r.macs), grouped((long long)std::llround(r.cycles)), f(tot.runtime_ms),
             f(100 * tot.utilization, 1), f(tot.energy_uj, 2), f(tot.pj_per_mac), f(tot.dram_per_mac, 4)});
  std::string out =
      fmt::format("{} on {}  (batch {}, {:.0f} MHz)\n\n", r.network, r.arch, r.batch, r.clock_hz / 1e6);
  out += t.to_text();
  out += "  * identical to an earlier layer: mapped once\n\n";
  out += fmt::format("MACs {} (non-zero {:.4g}), {} cycles = {:.3f} ms, {:.1f} inferences/s\n",
                     grouped(r.macs), r.nonzero_macs, grouped((long long)std::llround(r.cycles)),
                     tot.runtime_ms, tot.inferences_per_s);
  out += fmt::format("energy {:.2f} uJ = {:.3f} pJ/MAC ({:.3f} pJ per non-zero MAC), power {:.1f} mW\n",
                     tot.energy_uj, tot.pj_per_mac, tot.pj_per_nonzero_mac, tot.power_mw);
  out += fmt::format("DRAM {:.4f} accesses/MAC; utilization {:.1f} % of {} MAC units\n", tot.dram_per_mac,
                     100 * tot.utilization, grouped(r.total_units));
  auto share = [&](double e) { return r.energy_pj > 0 ? 100.0 * e / r.energy_pj : 0.0; };
  out += fmt::format(
      "energy by data type: input fmaps {:.1f} %, output fmaps {:.1f} %, weights {:.1f} %, "
      "computation {:.1f} %, non-MAC layers {:.1f} %\n",
      share(tot.e_inputs), share(tot.e_outputs), share(tot.e_weights), share(tot.e_compute),
      share(tot.e_other_layers));
  return out;
}

std::string network_csv(const network::NetworkResult& r) {
  std::string out =
      "layer,category,dataflow,same_as,macs,nonzero_macs,cycles,runtime_ms,utilization,energy_pj,pj_per_mac,"
      "dram_accesses,dram_accesses_per_mac,energy_input_fmaps_pj,energy_output_fmaps_pj,energy_weights_pj,"
      "energy_compute_pj,note\n";
  for (const auto& l : r.layers) {
    out += fmt::format(
        "{},{},{},{},{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{"
        "}\n",
        csv_escape(l.name), workload::category_name(l.category), l.dataflow,
        l.same_as >= 0 ? r.layers[size_t(l.same_as)].name : "", l.macs, l.nonzero_macs, l.cycles,
        l.cycles / r.clock_hz * 1e3, l.mapped ? l.result.utilization : 0.0, l.energy_pj,
        l.macs ? l.energy_pj / double(l.macs) : 0.0, l.dram_words,
        l.macs ? l.dram_words / double(l.macs) : 0.0, l.e_inputs, l.e_outputs, l.e_weights, l.e_compute,
        csv_escape(l.note));
  }
  const auto t = totals_of(r);
  out += fmt::format(
      "total,,,,{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},\n",
      r.macs, r.nonzero_macs, r.cycles, t.runtime_ms, t.utilization, r.energy_pj, t.pj_per_mac, r.dram_words,
      t.dram_per_mac, t.e_inputs, t.e_outputs, t.e_weights, t.e_compute);
  return out;
}

nlohmann::json network_json(const network::NetworkResult& r) {
  nlohmann::json j;
  const auto t = totals_of(r);
  j["network"] = r.network;
  j["arch"] = r.arch;
  j["batch"] = r.batch;
  j["clock_hz"] = r.clock_hz;
  j["totals"] = {{"macs", r.macs},
                 {"nonzero_macs", r.nonzero_macs},
                 {"cycles", r.cycles},
                 {"runtime_ms", t.runtime_ms},
                 {"inferences_per_s", t.inferences_per_s},
                 {"energy_pj", r.energy_pj},
                 {"power_mw", t.power_mw},
                 {"pj_per_mac", t.pj_per_mac},
                 {"pj_per_nonzero_mac", t.pj_per_nonzero_mac},
                 {"dram_accesses", r.dram_words},
                 {"dram_accesses_per_mac", t.dram_per_mac},
                 {"utilization", t.utilization},
                 {"mac_units", r.total_units},
                 {"energy_input_fmaps_pj", t.e_inputs},
                 {"energy_output_fmaps_pj", t.e_outputs},
                 {"energy_weights_pj", t.e_weights},
                 {"energy_compute_pj", t.e_compute},
                 {"energy_non_mac_layers_pj", t.e_other_layers}};
  for (const auto& l : r.layers) {
    nlohmann::json x = {
        {"name", l.name},
        {"category", workload::category_name(l.category)},
        {"mapped", l.mapped},
        {"dataflow", l.dataflow},
        {"same_as", l.same_as >= 0 ? nlohmann::json(r.layers[size_t(l.same_as)].name) : nlohmann::json()},
        {"macs", l.macs},
        {"nonzero_macs", l.nonzero_macs},
        {"cycles", l.cycles},
        {"energy_pj", l.energy_pj},
        {"dram_accesses", l.dram_words},
        {"note", l.note}};
    x["energy_by_type_pj"] = {{"input_fmaps", l.e_inputs},
                              {"output_fmaps", l.e_outputs},
                              {"weights", l.e_weights},
                              {"computation", l.e_compute}};
    if (l.mapped) {
      x["utilization"] = l.result.utilization;
      x["active_units"] = l.result.active_units;
      x["mac_energy_pj"] = l.result.mac_energy_pj;
      for (int i = 0; i < l.result.counts.num_levels; ++i)
        x["level_energy_pj"].push_back(l.result.level_energy_pj[size_t(i)]);
      for (const auto& c : l.candidates)
        x["candidates"].push_back({{"dataflow", c.dataflow},
                                   {"found", c.found},
                                   {"energy_pj", c.energy_pj},
                                   {"cycles", c.cycles},
                                   {"why", c.why}});
    }
    j["layers"].push_back(x);
  }
  return j;
}

}  // namespace coda::report
