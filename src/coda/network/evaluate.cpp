#include "coda/network/evaluate.hpp"

#include <fmt/format.h>

#include <limits>
#include <map>

#include "coda/common/error.hpp"
#include "coda/model/bind.hpp"

namespace coda::network {

std::string problem_key(const workload::Problem& p) {
  std::string k = fmt::format("{}|", int(p.op));
  for (int d = 0; d < p.num_dims(); ++d)
    k += fmt::format("{}={},", p.dim_names[size_t(d)], p.bounds[size_t(d)]);
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
  const double bw =
      dram.shared_bandwidth > 0 ? dram.shared_bandwidth : std::max(dram.read_bandwidth, dram.write_bandwidth);
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

// Inter-layer traffic (issue 6): every layer reads its inputs from DRAM and writes its output there
// (that is what each layer's own evaluation counts). When a MAC layer's output is consumed only by
// the next layer, is a MAC layer's input there, and fits whole in the capacity the level below DRAM
// gives to Outputs (and to Inputs), the output stays on chip: one DRAM write per output element and
// one DRAM read per element of the consumer's input are removed. Refetches the consumer's mapping
// makes beyond its first read stay counted (conservative). Cycles are unchanged (transfers were
// overlapped with compute where the architecture double-buffers).
void keep_outputs_on_chip(const workload::Network& net, const arch::Architecture& a, const tech::Library& lib,
                          NetworkResult& out) {
  if (a.levels.size() < 2) return;
  const auto& glb = a.levels[1];
  if (!glb.may_keep("Outputs") || !glb.may_keep("Inputs")) return;
  const int64_t out_cap = glb.capacity_for("Outputs"), in_cap = glb.capacity_for("Inputs");
  std::vector<int> consumers(net.layers.size(), 0);
  for (const auto& l : net.layers)
    for (int pr : l.producers)
      if (pr >= 0) ++consumers[size_t(pr)];
  for (size_t i = 0; i + 1 < net.layers.size(); ++i) {
    auto& lr = out.layers[i];
    const auto& li = net.layers[i];
    if (!lr.mapped || !li.problem || consumers[i] != 1) continue;
    // The consumer: the next layer, looking through fused unary layers (ReLU, BN) that each have
    // this chain as their only producer and consumer.
    size_t j = i + 1;
    while (j < net.layers.size() && workload::is_unary_elementwise(net.layers[j].spec.type) &&
           net.layers[j].producers.size() == 1 && net.layers[j].producers[0] == int(j - 1) &&
           consumers[j] == 1)
      ++j;
    if (j >= net.layers.size()) continue;
    auto& next = out.layers[j];
    const auto& ln = net.layers[j];
    if (!next.mapped || !ln.problem) continue;
    if (ln.producers.size() != 1 || ln.producers[0] != int(j - 1)) continue;
    const auto& p = *li.problem;
    const auto& q = *ln.problem;
    const int po = p.output_index(), qi = q.tensor_index("Inputs");
    if (qi < 0) continue;
    const int64_t elems = p.tensor_box_size(po);
    const int64_t words = elems * p.tensors[size_t(po)].bits / glb.word_bits;
    // 0 capacity = unbounded (only DRAM may be); the output must fit next to nothing else.
    if ((out_cap > 0 && words > out_cap) || (in_cap > 0 && words > in_cap)) continue;
    const auto mp = model::bind(a, lib, p);
    const auto mq = model::bind(a, lib, q);
    const double w_bits = double(p.tensors[size_t(po)].bits) / double(mp.levels[0].word_bits);
    const double saved_write = double(elems) * w_bits * mp.levels[0].write_pj[size_t(po)];
    const double in_elems = double(q.tensor_box_size(qi));
    const double r_bits = double(q.tensors[size_t(qi)].bits) / double(mq.levels[0].word_bits);
    const double saved_read = in_elems * r_bits * mq.levels[0].read_pj[size_t(qi)];
    lr.energy_pj -= saved_write;
    lr.dram_words -= double(elems);
    next.energy_pj -= saved_read;
    next.dram_words -= in_elems;
    lr.kept_on_chip_words = double(elems);
  }
}

// Fills a mapped layer's figures from the chosen dataflow's evaluation.
void apply_choice(const workload::Problem& p, const std::string& dataflow, const MapOutcome& mo,
                  LayerResult& lr) {
  lr.dataflow = dataflow;
  lr.mapping = mo.mapping;
  lr.result = mo.result;
  lr.energy_pj = lr.result.energy_pj;
  lr.cycles = lr.result.cycles;
  const auto& res = lr.result;
  lr.e_compute = res.mac_energy_pj + res.compute_leak_pj;
  lr.e_inputs = lr.e_outputs = lr.e_weights = 0;
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

// Chooses a dataflow per mapped layer. Without a switching cost each layer takes its best; with one
// (arch `dataflow_switch`), the sequence minimising the sum over layers of the objective of (energy,
// cycles) plus the switch paid by a layer whose dataflow differs from the previous mapped layer's,
// by dynamic programming over the layers in network order (Viterbi; exact for that sum).
void choose_dataflows(const workload::Network& net, const arch::Architecture& a, Objective obj,
                      const std::vector<std::string>& dataflows,
                      const std::vector<std::vector<MapOutcome>>& outcome_of,
                      const std::vector<int>& problem_of, const std::vector<int>& mapped,
                      NetworkResult& out) {
  const size_t K = dataflows.size(), n = mapped.size();
  if (n == 0) return;
  const double sw_c = a.dataflow_switch_cycles, sw_e = a.dataflow_switch_energy_pj;
  const bool switching = K > 1 && (sw_c > 0 || sw_e > 0);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  auto value = [&](const MapOutcome& mo, bool sw) {
    return objective_value(obj, mo.result.energy_pj + (sw ? sw_e : 0), mo.result.cycles + (sw ? sw_c : 0));
  };
  auto outcomes = [&](size_t j) -> const std::vector<MapOutcome>& {
    return outcome_of[size_t(problem_of[size_t(mapped[j])])];
  };
  std::vector<size_t> choice(n);
  if (!switching) {  // every layer independently: its best (the first of equals)
    for (size_t j = 0; j < n; ++j) {
      const auto& oc = outcomes(j);
      double best = kInf;
      for (size_t k = 0; k < K; ++k)
        if (oc[k].found && value(oc[k], false) < best) {
          best = value(oc[k], false);
          choice[j] = k;
        }
    }
  } else {
    // cost[j][k]: least total up to mapped layer j ending in dataflow k; from[j][k]: the previous k.
    std::vector<std::vector<double>> cost(n, std::vector<double>(K, kInf));
    std::vector<std::vector<int>> from(n, std::vector<int>(K, -1));
    for (size_t j = 0; j < n; ++j) {
      const auto& oc = outcomes(j);
      for (size_t k = 0; k < K; ++k) {
        if (!oc[k].found) continue;
        if (j == 0) {
          cost[j][k] = value(oc[k], false);
          continue;
        }
        for (size_t q = 0; q < K; ++q) {
          if (cost[j - 1][q] == kInf) continue;
          const bool sw = q != k;
          const double c = cost[j - 1][q] + value(oc[k], sw);
          if (c < cost[j][k]) {
            cost[j][k] = c;
            from[j][k] = int(q);
          }
        }
      }
    }
    size_t k = 0;
    for (size_t q = 1; q < K; ++q)
      if (cost[n - 1][q] < cost[n - 1][k]) k = q;
    for (size_t j = n; j-- > 0;) {
      choice[j] = k;
      if (j > 0) k = size_t(from[j][k]);
    }
  }
  for (size_t j = 0; j < n; ++j) {
    LayerResult& lr = out.layers[size_t(mapped[j])];
    const auto& p = *net.layers[size_t(mapped[j])].problem;
    apply_choice(p, dataflows[choice[j]], outcomes(j)[choice[j]], lr);
    if (switching && j > 0 && choice[j] != choice[j - 1]) {
      lr.energy_pj += sw_e;
      lr.cycles += sw_c;
      lr.e_compute += sw_e;
      lr.note =
          fmt::format("dataflow switch from {} ({} cycles, {} pJ)", dataflows[choice[j - 1]], sw_c, sw_e);
    }
  }
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
  // Per layer: every dataflow's outcome (the first layer of each Problem) and the layer whose
  // outcomes it uses (itself, or the earlier identical one; -1 if not mapped); the indices of the
  // mapped layers in network order.
  std::vector<std::vector<MapOutcome>> outcome_of;
  std::vector<int> problem_of;
  std::vector<int> mapped_layers;
  bool first_conv = true;
  for (size_t li = 0; li < net.layers.size(); ++li) {
    const auto& layer = net.layers[li];
    problem_of.push_back(-1);
    outcome_of.emplace_back();
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
    if (workload::is_unary_elementwise(layer.spec.type)) {
      // ReLU, batch norm, ... are applied to the producer's outputs as they are written (every
      // accelerator of the field fuses them), so they move no data of their own.
      lr.note = "fused into its producer (applied as its outputs are written)";
    } else if (p.op != workload::Op::Mac) {
      cost_data_movement(p, a, lib, lr);
    } else {
      lr.mapped = true;
      lr.macs = p.points();
      const std::string key = problem_key(p);
      auto it = seen.find(key);
      if (it != seen.end()) {
        lr.same_as = it->second;
        lr.candidates = out.layers[size_t(it->second)].candidates;
        problem_of.back() = it->second;
      } else {
        const auto m = model::bind(a, lib, p);
        std::vector<MapOutcome> outcomes;
        std::string reasons;
        bool any = false;
        for (const auto& df : dataflows) {
          MapOutcome mo = mapper(p, m, df);
          lr.candidates.push_back(Candidate{df, mo.found, mo.found ? mo.result.energy_pj : 0,
                                            mo.found ? mo.result.cycles : 0, mo.why});
          if (!mo.found) reasons += fmt::format("\n  {}: {}", df, mo.why);
          any |= mo.found;
          outcomes.push_back(std::move(mo));
        }
        if (!any)
          throw InputError(
              fmt::format("network '{}', layer '{}': no valid mapping on '{}' under any dataflow:{}",
                          net.spec.name, lr.name, a.name, reasons));
        seen.emplace(key, int(out.layers.size()));
        problem_of.back() = int(out.layers.size());
        outcome_of.back() = std::move(outcomes);
      }
      mapped_layers.push_back(int(out.layers.size()));
    }
    out.layers.push_back(std::move(lr));
  }
  choose_dataflows(net, a, opt.objective, dataflows, outcome_of, problem_of, mapped_layers, out);
  if (opt.keep_on_chip) keep_outputs_on_chip(net, a, lib, out);
  for (const auto& lr : out.layers) {
    out.macs += lr.macs;
    out.nonzero_macs += lr.nonzero_macs;
    out.energy_pj += lr.energy_pj;
    out.cycles += lr.cycles;
    out.dram_words += lr.dram_words;
  }
  return out;
}

}  // namespace coda::network
