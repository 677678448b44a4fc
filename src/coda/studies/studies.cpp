#include "coda/studies/studies.hpp"

#include <fmt/format.h>

#include <map>

#include "coda/common/error.hpp"
#include "coda/io/arch_loader.hpp"
#include "coda/io/network_loader.hpp"
#include "coda/model/bind.hpp"
#include "coda/workload/statistics.hpp"

namespace coda::studies {
namespace {

bool is_conv(workload::Category c) {
  return c == workload::Category::FirstConv || c == workload::Category::FxF ||
         c == workload::Category::Pointwise || c == workload::Category::Depthwise;
}

workload::Network build(const std::string& name, int64_t batch) {
  return workload::build_network(io::load_network_spec(name), batch);
}

// The equal-area preset and the mapper's dataflow name of each ISCA 2016 dataflow.
const std::vector<std::pair<std::string, std::string>>& isca_dataflows() {
  static const std::vector<std::pair<std::string, std::string>> d{
      {"rs", "eyeriss-256-rs"},     {"ws", "eyeriss-256-ws"},     {"os_a", "eyeriss-256-os-a"},
      {"os_b", "eyeriss-256-os-b"}, {"os_c", "eyeriss-256-os-c"}, {"nlr", "eyeriss-256-nlr"}};
  return d;
}

}  // namespace

std::vector<DataflowRow> dataflow_comparison(const network::LayerMapper& mapper,
                                             const std::vector<int64_t>& batches) {
  std::vector<DataflowRow> rows;
  for (int64_t batch : batches) {
    const auto net = build("alexnet", batch);
    for (const auto& [df, preset] : isca_dataflows()) {
      const auto a = io::load_architecture(preset);
      network::Options opt;
      opt.dataflows = {df};
      opt.keep_on_chip = false;  // the paper evaluates every layer from DRAM
      const auto r = network::evaluate(net, a, model::library_for(a), opt, mapper);
      for (const char* group : {"CONV", "FC"}) {
        DataflowRow row;
        row.dataflow = df;
        row.arch = preset;
        row.layers = group;
        row.batch = batch;
        for (const auto& l : a.levels) row.level_names.push_back(l.name);
        row.level_pj_per_mac.assign(a.levels.size(), 0);
        double dram = 0;
        for (const auto& l : r.layers) {
          if (!l.mapped) continue;
          const bool conv = is_conv(l.category);
          if (conv != (std::string(group) == "CONV")) continue;
          const auto& res = l.result;
          row.macs += l.macs;
          row.cycles += l.cycles;
          for (size_t i = 0; i < a.levels.size(); ++i) {
            double net_e = 0;
            for (const auto& te : res.energy[i]) net_e += te.network;
            row.level_pj_per_mac[i] += res.level_energy_pj[i] - net_e;
            row.array_pj_per_mac += net_e;
            row.alu_pj_per_mac += res.leak_pj[i];
          }
          row.alu_pj_per_mac += res.mac_energy_pj + res.compute_leak_pj;
          row.inputs_pj_per_mac += l.e_inputs;
          row.outputs_pj_per_mac += l.e_outputs;
          row.weights_pj_per_mac += l.e_weights;
          row.total_pj_per_mac += l.energy_pj;
          dram += l.dram_words;
        }
        if (row.macs == 0) continue;
        const double m = double(row.macs);
        for (auto& v : row.level_pj_per_mac) v /= m;
        row.array_pj_per_mac /= m;
        row.alu_pj_per_mac /= m;
        row.inputs_pj_per_mac /= m;
        row.outputs_pj_per_mac /= m;
        row.weights_pj_per_mac /= m;
        row.total_pj_per_mac /= m;
        row.dram_accesses_per_mac = dram / m;
        rows.push_back(std::move(row));
      }
    }
  }
  return rows;
}

std::vector<EyerissRow> eyeriss_study(const network::LayerMapper& mapper, bool with_vgg) {
  std::vector<EyerissRow> rows;
  const auto a = io::load_architecture("eyeriss");
  const auto lib = model::library_for(a);
  struct Run {
    std::string network;
    int64_t batch;
    std::map<std::string, double> zero;  // layer -> published input zero fraction
  };
  std::vector<Run> runs{
      {"alexnet",
       4,
       {{"conv1", 0.0001}, {"conv2", 0.387}, {"conv3", 0.725}, {"conv4", 0.793}, {"conv5", 0.776}}}};
  if (with_vgg) runs.push_back({"vgg16", 3, {}});
  for (const auto& run : runs) {
    auto net = build(run.network, run.batch);
    // Only the CONV layers are studied; the published zero fractions set the input densities.
    for (auto& l : net.layers) {
      if (!l.problem || l.spec.type != workload::LayerType::Conv) continue;
      auto it = run.zero.find(l.spec.name);
      if (it == run.zero.end()) continue;
      int t = l.problem->tensor_index("Inputs");
      if (t >= 0) l.problem->tensors[size_t(t)].density = 1.0 - it->second;
    }
    workload::Network conv_only = net;
    for (auto& l : conv_only.layers)
      if (l.spec.type != workload::LayerType::Conv) l.problem.reset();
    network::Options opt;
    opt.dataflows = {"rs"};
    opt.keep_on_chip = false;  // the chip runs layer by layer through DRAM
    const auto r = network::evaluate(conv_only, a, lib, opt, mapper);
    for (const auto& l : r.layers) {
      if (!l.mapped) continue;
      EyerissRow row;
      row.network = run.network;
      row.layer = l.name;
      row.batch = run.batch;
      auto it = run.zero.find(l.name);
      row.input_zero_fraction = it == run.zero.end() ? 0 : it->second;
      row.active_pes = l.result.active_units;
      row.cycles = l.cycles;
      row.latency_ms = l.cycles / a.clock_hz * 1e3;
      double glb = 0;
      for (int t = 0; t < l.result.counts.num_tensors; ++t) {
        const auto& x = l.result.counts.at[1][size_t(t)];
        if (x.kept) glb += double(x.reads + x.fills + x.updates);
      }
      row.glb_mb = glb * 2 / 1e6;
      row.dram_mb = l.dram_words * 2 / 1e6;
      row.power_mw = l.cycles > 0 ? l.energy_pj * 1e-12 / (l.cycles / a.clock_hz) * 1e3 : 0;
      row.pj_per_mac = l.energy_pj / double(l.macs);
      row.macs = l.macs;
      rows.push_back(row);
    }
  }
  return rows;
}

std::vector<std::string> squeezelerator_networks() {
  return {"alexnet", "mobilenet_v1", "tiny_darknet", "squeezenet1_0", "squeezenet1_1", "sqnxt23"};
}

std::vector<SqueezeNet> squeezelerator_study(const network::LayerMapper& mapper,
                                             const std::vector<std::string>& networks, int64_t side,
                                             bool unlimited_dram) {
  auto a = io::load_architecture("squeezelerator", {{"N", std::to_string(side)}});
  if (unlimited_dram) {
    // The paper's simulator hides DRAM behind compute; this isolates the dataflows' own effect.
    auto& dram = a.levels.front();
    dram.read_bandwidth = dram.write_bandwidth = dram.shared_bandwidth = 0;
    dram.latency_cycles = 0;
  }
  const auto lib = model::library_for(a);
  // Zero weights are skipped in OS mode only (the WS array streams every weight through).
  network::LayerMapper per_mode = [&mapper](const workload::Problem& p, const model::Machine& m,
                                            const std::string& df) {
    model::Machine mm = m;
    mm.sparsity.skipping = df == "os";
    mm.sparsity.gating = false;
    auto o = mapper(p, mm, df);
    return o;
  };
  std::vector<SqueezeNet> out;
  for (const auto& name : networks) {
    auto net = build(name, 1);
    for (auto& l : net.layers)
      if (l.problem && l.problem->op == workload::Op::Mac) {
        int t = l.problem->tensor_index("Weights");
        if (t >= 0 && l.problem->tensors[size_t(t)].is_parameter) l.problem->tensors[size_t(t)].density = 0.6;
      }
    network::Options ws, os, both;
    ws.dataflows = {"ws"};
    os.dataflows = {"os"};
    both.dataflows = {"ws", "os"};
    ws.objective = os.objective = both.objective = network::Objective::Cycles;
    ws.keep_on_chip = os.keep_on_chip = both.keep_on_chip = false;  // per-layer simulation, as in the paper
    const auto rw = network::evaluate(net, a, lib, ws, per_mode);
    const auto ro = network::evaluate(net, a, lib, os, per_mode);
    const auto rb = network::evaluate(net, a, lib, both, per_mode);
    SqueezeNet s;
    s.network = name;
    s.ws_cycles = rw.cycles;
    s.os_cycles = ro.cycles;
    s.hybrid_cycles = rb.cycles;
    s.ws_energy_pj = rw.energy_pj;
    s.os_energy_pj = ro.energy_pj;
    s.hybrid_energy_pj = rb.energy_pj;
    const auto stats = workload::compute_stats(net);
    for (int c = 0; c < workload::kNumCategories; ++c)
      if (stats.layers_by_category[size_t(c)] > 0)
        s.mac_share.emplace_back(workload::category_name(workload::Category(c)),
                                 stats.mac_share(workload::Category(c)));
    for (size_t i = 0; i < rb.layers.size(); ++i) {
      if (!rb.layers[i].mapped) continue;
      SqueezeLayer l;
      l.layer = rb.layers[i].name;
      l.category = workload::category_name(rb.layers[i].category);
      l.macs = rb.layers[i].macs;
      l.ws_cycles = rw.layers[i].cycles;
      l.os_cycles = ro.layers[i].cycles;
      l.best_cycles = rb.layers[i].cycles;
      l.ws_utilization = rw.layers[i].result.utilization;
      l.os_utilization = ro.layers[i].result.utilization;
      l.best = rb.layers[i].dataflow;
      s.layers.push_back(l);
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace coda::studies
