#include "coda/report/stats_report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "coda/report/table.hpp"

namespace coda::report {

using workload::Category;
using workload::LayerStats;
using workload::NetworkStats;

namespace {

bool shown(const LayerStats& l, const StatsReportOptions& opt) { return opt.all_layers || l.macs > 0; }

Table make_table(const NetworkStats& st, const StatsReportOptions& opt, bool text) {
  Table t;
  t.add_column("layer", Table::Align::Left);
  t.add_column("type", Table::Align::Left);
  t.add_column("category", Table::Align::Left);
  t.add_column("input", Table::Align::Left);
  t.add_column("output", Table::Align::Left);
  t.add_column("bits");
  t.add_column("weights");
  t.add_column("MACs");
  if (opt.all_layers || !text) t.add_column("other_ops");
  t.add_column("in_acts");
  t.add_column("out_acts");
  t.add_column("w_density");
  t.add_column("in_density");
  t.add_column("nz_weights");
  t.add_column("nz_MACs");
  auto num = [&](int64_t v) { return text ? grouped(v) : std::to_string(v); };
  auto row = [&](const LayerStats& l, bool total) {
    std::vector<std::string> r = {l.name,
                                  total ? "" : l.type,
                                  total ? "" : workload::category_name(l.category),
                                  total ? "" : workload::shape_string(l.input_shape),
                                  total ? "" : workload::shape_string(l.output_shape),
                                  total ? "" : std::to_string(l.bits),
                                  num(l.weights),
                                  num(l.macs)};
    if (opt.all_layers || !text) r.push_back(num(l.ops));
    r.push_back(num(l.input_activations));
    r.push_back(num(l.output_activations));
    r.push_back(total ? "" : fmt::format("{:g}", l.weight_density));
    r.push_back(total ? "" : fmt::format("{:g}", l.input_density));
    r.push_back(num(l.nonzero_weights));
    r.push_back(num(l.nonzero_macs));
    return r;
  };
  for (const LayerStats& l : st.layers)
    if (shown(l, opt)) t.add_row(row(l, false));
  t.add_separator();
  t.add_row(row(st.total, true));
  return t;
}

std::string pct(double x) { return fmt::format("{:.1f}%", 100.0 * x); }

}  // namespace

std::string stats_text(const NetworkStats& st, const StatsReportOptions& opt) {
  std::string out = fmt::format("network {}  batch {}  ({} layers, {} CONV, {} FC/GEMM)\n\n", st.network, st.batch,
                                st.layers.size(), st.conv_layers, st.fc_layers);
  out += make_table(st, opt, true).to_text();
  out += fmt::format("\ntotal weights {} ({})  total MACs {} ({})  non-zero MACs {}\n", human_count(st.total.weights),
                     grouped(st.total.weights), human_count(st.total.macs), grouped(st.total.macs),
                     human_count(st.total.nonzero_macs));
  out += fmt::format("CONV: {} layers, weights {}, MACs {}   FC/GEMM: {} layers, weights {}, MACs {}\n",
                     st.conv_layers, human_count(st.conv_weights), human_count(st.conv_macs), st.fc_layers,
                     human_count(st.fc_weights), human_count(st.fc_macs));
  out += "MAC share by category:";
  for (int c = 0; c < workload::kNumCategories; ++c) {
    if (st.macs_by_category[c] == 0) continue;
    out += fmt::format("  {} {} ({} layers)", workload::category_name(static_cast<Category>(c)),
                       pct(st.mac_share(static_cast<Category>(c))), st.layers_by_category[c]);
  }
  return out + "\n";
}

std::string stats_csv(const NetworkStats& st, const StatsReportOptions& opt) {
  return make_table(st, opt, false).to_csv();
}

std::string stats_json(const NetworkStats& st) {
  using nlohmann::json;
  auto layer = [](const LayerStats& l) {
    return json{{"name", l.name},
                {"type", l.type},
                {"category", workload::category_name(l.category)},
                {"input_shape", l.input_shape},
                {"output_shape", l.output_shape},
                {"bits", l.bits},
                {"weight_density", l.weight_density},
                {"input_density", l.input_density},
                {"weights", l.weights},
                {"macs", l.macs},
                {"other_ops", l.ops},
                {"input_activations", l.input_activations},
                {"output_activations", l.output_activations},
                {"nonzero_weights", l.nonzero_weights},
                {"nonzero_macs", l.nonzero_macs}};
  };
  json j;
  j["network"] = st.network;
  j["batch"] = st.batch;
  j["layers"] = json::array();
  for (const LayerStats& l : st.layers) j["layers"].push_back(layer(l));
  j["total"] = {{"weights", st.total.weights},
                {"macs", st.total.macs},
                {"other_ops", st.total.ops},
                {"input_activations", st.total.input_activations},
                {"output_activations", st.total.output_activations},
                {"nonzero_weights", st.total.nonzero_weights},
                {"nonzero_macs", st.total.nonzero_macs},
                {"conv_layers", st.conv_layers},
                {"conv_weights", st.conv_weights},
                {"conv_macs", st.conv_macs},
                {"fc_layers", st.fc_layers},
                {"fc_weights", st.fc_weights},
                {"fc_macs", st.fc_macs}};
  json cats = json::object();
  for (int c = 0; c < workload::kNumCategories; ++c)
    cats[workload::category_name(static_cast<Category>(c))] = {
        {"layers", st.layers_by_category[c]},
        {"macs", st.macs_by_category[c]},
        {"mac_share", st.mac_share(static_cast<Category>(c))}};
  j["categories"] = cats;
  return j.dump(2) + "\n";
}

}  // namespace coda::report
