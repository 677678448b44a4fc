#include "coda/network/evaluate.hpp"

#include <fmt/format.h>

#include <map>

#include "coda/common/error.hpp"
#include "coda/model/bind.hpp"

namespace coda::network {

std::string problem_key(const workload::Problem& p) {
  std::string k = fmt::format("{}|", int(p.op));
  for (int d = 0; d < p.num_dims(); ++d) k += fmt::format("{}={},", p.dim_names[size_t(d)], p.bounds[size_t(d)]);
  for (const auto& t : p.tensors) {
    k += fmt::format("|{}:{}:{}:{}:{}:", t.name, t.bits, t.density, t.is_output, t.is_parameter);
    for (const auto& r : t.ranks) {
      for (const auto& term : r.terms) k += fmt::format("{}*{}+", term.coef, term.dim);
      k += ";";
    }
  }
  return k;
}

namespace {

double objective_value(Objective o, double energy, double cycles) {
  switch (o) {
    case Objective::Energy: return energy;
    case Objective::Cycles: return cycles;
    case Objective::Edp: return energy * cycles;
  }
  return energy;
}

// Layers without MACs: their inputs are read from DRAM and their output written back (first-order:
// design.md §6 "non-MAC layers costed at least by their data movement"); their operations run on
// the MAC units at one per unit per cycle, overlapped with the transfers.
void cost_data_movement(const workload::Problem& p, const arch::Architecture& a, const tech::Library& lib,
                        LayerResult& lr) {
  const auto m = model::bind(a, lib, p);
  const auto& dram = m.levels[0];
  double energy = 0, words = 0;
  for (int t = 0; t < p.num_tensors(); ++t) {
    const auto& ten = p.tensors[size_t(t)];
    const double elems = double(p.tensor_box_size(t));
    const double w = elems * double(ten.bits) / double(dram.word_bits);
    words += elems;
    energy += w * (ten.is_output ? dram.write_pj[size_t(t)] : dram.read_pj[size_t(t)]);
  }
  int64_t units = 1;
  for (int i = 1; i < m.num_levels; ++i) units *= m.levels[size_t(i)].fanout_x * m.levels[size_t(i)].fanout_y;
  units *= m.compute.fanout_x * m.compute.fanout_y;
  const double bw = dram.shared_bandwidth > 0 ? dram.shared_bandwidth
                                              : std::max(dram.read_bandwidth, dram.write_bandwidth);
  double dram_cycles = 0;
  for (int t = 0; t < p.num_tensors(); ++t)
    dram_cycles += double(p.tensor_box_size(t)) * double(p.tensors[size_t(t)].bits) / double(dram.word_bits);
  dram_cycles = bw > 0 ? dram_cycles / bw : 0;
  const double op_cycles = double(p.points()) / double(units);
  lr.energy_pj = energy;
  lr.dram_words = words;
  lr.cycles = std::max(dram_cycles, op_cycles);
  lr.note = "data movement: inputs read from DRAM, output written to DRAM";
}

}  // namespace

NetworkResult evaluate(const workload::Network& net, const arch::Architecture& a, const tech::Library& lib,
                       const Options& opt, const LayerMapper& mapper) {
  NetworkResult out;
  out.network = net.spec.name;
  out.arch = a.name;
  out.batch = net.batch;
  out.clock_hz = a.clock_hz;
  out.total_units = a.total_macs();
  std::vector<std::string> dataflows = opt.dataflows;
  if (dataflows.empty()) dataflows.push_back(a.dataflow.empty() ? "any" : a.dataflow);
  std::map<std::string, int> seen;  // problem key -> first layer index in out.layers
  bool first_conv = true;
  for (size_t li = 0; li < net.layers.size(); ++li) {
    const auto& layer = net.layers[li];
    LayerResult lr;
    lr.name = layer.spec.name;
    lr.category = workload::categorize(layer, first_conv && layer.spec.type == workload::LayerType::Conv);
    if (layer.spec.type == workload::LayerType::Conv) first_conv = false;
    if (!layer.problem) {
      lr.note = "data layout only (no cost)";
      out.layers.push_back(std::move(lr));
      continue;
    }
    const auto& p = *layer.problem;
    if (p.op != workload::Op::Mac) {
      cost_data_movement(p, a, lib, lr);
    } else {
      lr.mapped = true;
      lr.macs = p.points();
      const std::string key = problem_key(p);
      auto it = seen.find(key);
      if (it != seen.end()) {
        const auto& prev = out.layers[size_t(it->second)];
        lr.same_as = it->second;
        lr.dataflow = prev.dataflow;
        lr.candidates = prev.candidates;
        lr.mapping = prev.mapping;
        lr.result = prev.result;
      } else {
        const auto m = model::bind(a, lib, p);
        double best = 0;
        std::string reasons;
        for (const auto& df : dataflows) {
          MapOutcome mo = mapper(p, m, df);
          Candidate c{df, mo.found, mo.found ? mo.result.energy_pj : 0, mo.found ? mo.result.cycles : 0, mo.why};
          lr.candidates.push_back(c);
          if (!mo.found) {
            reasons += fmt::format("\n  {}: {}", df, mo.why);
            continue;
          }
          double v = objective_value(opt.objective, mo.result.energy_pj, mo.result.cycles);
          if (lr.dataflow.empty() || v < best) {
            best = v;
            lr.dataflow = df;
            lr.mapping = mo.mapping;
            lr.result = mo.result;
          }
        }
        if (lr.dataflow.empty())
          throw InputError(fmt::format("network '{}', layer '{}': no valid mapping on '{}' under any dataflow:{}",
                                       net.spec.name, lr.name, a.name, reasons));
        seen.emplace(key, int(out.layers.size()));
      }
      lr.energy_pj = lr.result.energy_pj;
      lr.cycles = lr.result.cycles;
      const auto& res = lr.result;
      lr.e_compute = res.mac_energy_pj + res.compute_leak_pj;
      for (int i = 0; i < res.counts.num_levels; ++i) {
        lr.e_compute += res.leak_pj[size_t(i)];
        for (int t = 0; t < p.num_tensors(); ++t) {
          const double e = res.energy[size_t(i)][size_t(t)].total();
          const auto& ten = p.tensors[size_t(t)];
          (ten.is_output ? lr.e_outputs : ten.is_parameter ? lr.e_weights : lr.e_inputs) += e;
        }
      }
      lr.nonzero_macs = lr.result.nonzero_macs;
      lr.dram_words = lr.result.dram_accesses_per_mac * double(lr.macs);
    }
    out.macs += lr.macs;
    out.nonzero_macs += lr.nonzero_macs;
    out.energy_pj += lr.energy_pj;
    out.cycles += lr.cycles;
    out.dram_words += lr.dram_words;
    out.layers.push_back(std::move(lr));
  }
  return out;
}

}  // namespace coda::network
