#include "coda/report/eyexam_report.hpp"

#include <fmt/format.h>

#include "coda/report/table.hpp"

namespace coda::report {
namespace {

std::string rate(double v) { return v >= 1e4 ? human_count(v) : fmt::format("{:.2f}", v); }

template <class Row>
std::vector<std::string> bound_cells(const Row& r, int64_t peak) {
  std::vector<std::string> cells;
  for (int s = 0; s < studies::kEyexamSteps; ++s) cells.push_back(rate(r.bound(s)));
  cells.push_back(rate(r.modelled()));
  cells.push_back(fmt::format("{:.1f}", peak > 0 ? 100.0 * r.modelled() / double(peak) : 0.0));
  return cells;
}

}  // namespace

std::string eyexam_text(const studies::EyexamResult& r) {
  Table t;
  t.add_column("layer", Table::Align::Left);
  t.add_column("MACs");
  for (int s = 0; s < studies::kEyexamSteps; ++s)
    t.add_column(fmt::format("{} {}", s + 1, studies::eyexam_step_names()[size_t(s)]));
  t.add_column("model");
  t.add_column("util %");
  for (const auto& l : r.layers) {
    std::vector<std::string> cells{
        l.same_as >= 0 ? l.layer + " (=" + r.layers[size_t(l.same_as)].layer + ")" : l.layer,
        human_count(double(l.macs))};
    for (auto& c : bound_cells(l, r.peak)) cells.push_back(std::move(c));
    t.add_row(std::move(cells));
  }
  t.add_separator();
  std::vector<std::string> total{"total", human_count(double(r.macs))};
  for (auto& c : bound_cells(r, r.peak)) total.push_back(std::move(c));
  t.add_row(std::move(total));
  std::string out = fmt::format(
      "Eyexam bounds (MACs/cycle) for {} (batch {}) on {} under dataflow {}; peak {} MACs/cycle; modelled "
      "mapping "
      "minimises {}\n"
      "steps: 1 layer shape, 2 dataflow, 3 number of PEs, 4 array dimensions, 5 storage capacity, 6 average "
      "bandwidth\n\n",
      r.network, r.batch, r.arch, r.dataflow, r.peak, r.objective);
  out += t.to_text();
  out += "\nstep 4 spatial factors:\n";
  for (const auto& l : r.layers)
    if (l.same_as < 0)
      out += fmt::format("  {}: {}\n", l.layer, l.assignment.empty() ? "none" : l.assignment);
  return out;
}

std::string eyexam_csv(const studies::EyexamResult& r) {
  std::string out = "layer,same_as,dataflow,macs";
  for (int s = 0; s < studies::kEyexamSteps; ++s)
    out += fmt::format(",step{}_{}_macs_per_cycle", s + 1, studies::eyexam_step_names()[size_t(s)]);
  for (int s = 0; s < studies::kEyexamSteps; ++s) out += fmt::format(",step{}_cycles", s + 1);
  out += ",modelled_macs_per_cycle,modelled_cycles,peak_macs_per_cycle,utilization,step4_spatial\n";
  auto row = [&](const std::string& name, const std::string& same, const std::string& df, int64_t macs,
                 const auto& x, const std::string& assignment) {
    out += fmt::format("{},{},{},{}", csv_escape(name), csv_escape(same), df, macs);
    for (int s = 0; s < studies::kEyexamSteps; ++s) out += fmt::format(",{:.6g}", x.bound(s));
    for (int s = 0; s < studies::kEyexamSteps; ++s) out += fmt::format(",{:.0f}", x.cycles[size_t(s)]);
    out += fmt::format(",{:.6g},{:.0f},{},{:.6g},{}\n", x.modelled(), x.modelled_cycles, r.peak,
                       r.peak > 0 ? x.modelled() / double(r.peak) : 0.0, csv_escape(assignment));
  };
  for (const auto& l : r.layers)
    row(l.layer, l.same_as >= 0 ? r.layers[size_t(l.same_as)].layer : "", l.dataflow, l.macs, l,
        l.assignment);
  row("total", "", r.dataflow, r.macs, r, "");
  return out;
}

nlohmann::json eyexam_json(const studies::EyexamResult& r) {
  nlohmann::json j;
  j["network"] = r.network;
  j["arch"] = r.arch;
  j["dataflow"] = r.dataflow;
  j["objective"] = r.objective;
  j["batch"] = r.batch;
  j["peak_macs_per_cycle"] = r.peak;
  j["steps"] = nlohmann::json::array();
  for (const char* n : studies::eyexam_step_names()) j["steps"].push_back(n);
  auto fill = [&](nlohmann::json& x, const auto& v) {
    x["macs"] = v.macs;
    x["bound_macs_per_cycle"] = nlohmann::json::array();
    x["cycles"] = nlohmann::json::array();
    for (int s = 0; s < studies::kEyexamSteps; ++s) {
      x["bound_macs_per_cycle"].push_back(v.bound(s));
      x["cycles"].push_back(v.cycles[size_t(s)]);
    }
    x["modelled_macs_per_cycle"] = v.modelled();
    x["modelled_cycles"] = v.modelled_cycles;
    x["utilization"] = r.peak > 0 ? v.modelled() / double(r.peak) : 0.0;
  };
  j["layers"] = nlohmann::json::array();
  for (const auto& l : r.layers) {
    nlohmann::json x;
    x["layer"] = l.layer;
    if (l.same_as >= 0) x["same_as"] = r.layers[size_t(l.same_as)].layer;
    x["dataflow"] = l.dataflow;
    fill(x, l);
    x["step4_spatial"] = l.assignment;
    j["layers"].push_back(std::move(x));
  }
  nlohmann::json t;
  fill(t, r);
  j["total"] = std::move(t);
  return j;
}

}  // namespace coda::report
