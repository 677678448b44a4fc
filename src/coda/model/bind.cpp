#include "coda/model/bind.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "coda/common/error.hpp"

namespace coda::model {

tech::Library library_for(const arch::Architecture& a) {
  return tech::Library::builtin(tech::parse_model(a.tech.model));
}

std::string arch_tensor_name(const arch::Architecture& a, const workload::Problem& p, int tensor) {
  const auto& t = p.tensors[size_t(tensor)];
  if (std::find(a.tensors.begin(), a.tensors.end(), t.name) != a.tensors.end()) return t.name;
  if (t.is_output) return "Outputs";
  if (t.is_parameter) return "Weights";
  return "Inputs";
}

std::vector<std::string> level_names(const arch::Architecture& a) {
  std::vector<std::string> v;
  for (const auto& l : a.levels) v.push_back(l.name);
  return v;
}

namespace {

tech::ComponentDesc storage_desc(const arch::StorageLevel& lv, const arch::Partition* part) {
  tech::ComponentDesc d;
  d.cls = part && !part->cls.empty() ? part->cls : lv.cls;
  d.subclass = lv.subclass;
  d.word_bits = part && part->word_bits > 0 ? part->word_bits : lv.word_bits;
  d.capacity_words = part ? part->capacity_words : lv.capacity_words;
  if (d.cls != "dram" && d.capacity_words < 1) d.capacity_words = 1;
  d.block_words = lv.block_words;
  d.name = part ? lv.name + "." + part->name : lv.name;
  return d;
}

}  // namespace

Machine bind(const arch::Architecture& a, const tech::Library& lib, const workload::Problem& p) {
  Machine m;
  m.name = a.name;
  if (a.levels.empty()) throw InputError(fmt::format("architecture '{}' has no storage level", a.name));
  if (int(a.levels.size()) > kMaxLevels)
    throw InputError(fmt::format("architecture '{}' has {} storage levels; coda's model supports at most {}",
                                 a.name, a.levels.size(), kMaxLevels));
  if (p.num_tensors() > kMaxTensors)
    throw InputError(fmt::format("layer '{}' has {} tensors; coda's model supports at most {}", p.name,
                                 p.num_tensors(), kMaxTensors));
  const int node = a.tech.node_nm;
  const double leak_scale = 1e9 / a.clock_hz;  // tech/ gives leakage per cycle at 1 GHz
  m.clock_hz = a.clock_hz;
  m.num_levels = int(a.levels.size());
  const int T = p.num_tensors();

  // Compute units first: their area sets the default wire length of the innermost network.
  {
    tech::ComponentDesc d;
    d.cls = "mac";
    d.subclass = a.compute.floating_point ? "fp" : "int";
    d.operand_bits = a.compute.operand_bits;
    d.name = a.compute.name;
    auto c = lib.price(d, node);
    m.compute.name = a.compute.name;
    m.compute.fanout_x = a.compute.mesh_x;
    m.compute.fanout_y = a.compute.mesh_y;
    m.compute.mac_pj = a.compute.mac_energy_pj.value_or(c.op_pj);
    m.compute.leak_pj_per_cycle = c.leak_pj_per_cycle * leak_scale;
    m.compute.area_um2 = c.area_um2;
  }
  std::vector<double> level_area(a.levels.size(), 0);
  for (size_t i = 0; i < a.levels.size(); ++i) {
    const auto& lv = a.levels[i];
    auto& ml = m.levels[i];
    ml.name = lv.name;
    ml.fanout_x = i == 0 ? 1 : lv.mesh_x;
    ml.fanout_y = i == 0 ? 1 : lv.mesh_y;
    ml.word_bits = lv.word_bits;
    ml.capacity_words = lv.partitions.empty() ? lv.capacity_words : 0;
    ml.multiple_buffering = lv.multiple_buffering;
    ml.read_bandwidth = lv.read_bandwidth;
    ml.write_bandwidth = lv.write_bandwidth;
    ml.shared_bandwidth = lv.shared_bandwidth;
    ml.latency_cycles = lv.latency_cycles;
    for (size_t k = 0; k < lv.partitions.size() && k < size_t(kMaxTensors); ++k) {
      const auto& part = lv.partitions[k];
      int pbits = part.word_bits > 0 ? part.word_bits : lv.word_bits;
      ml.partition_words[k] = part.capacity_words * pbits / lv.word_bits;
    }
    // Area and leakage: the whole level, or the sum of its partitions.
    double area = 0, leak = 0;
    if (lv.partitions.empty()) {
      auto c = lib.price(storage_desc(lv, nullptr), node);
      area = c.area_um2;
      leak = c.leak_pj_per_cycle;
    } else {
      for (const auto& part : lv.partitions) {
        auto c = lib.price(storage_desc(lv, &part), node);
        area += c.area_um2;
        leak += c.leak_pj_per_cycle;
      }
    }
    ml.area_um2 = lv.area_um2.value_or(area);
    ml.leak_pj_per_cycle = leak * leak_scale;
    level_area[i] = ml.area_um2;
    for (int t = 0; t < T; ++t) {
      const std::string name = arch_tensor_name(a, p, t);
      ml.may_keep[size_t(t)] = lv.may_keep(name);
      const arch::Partition* part = lv.partition_for(name);
      if (part) ml.partition[size_t(t)] = int(part - lv.partitions.data());
      auto c = lib.price(storage_desc(lv, part), node);
      ml.read_pj[size_t(t)] = lv.read_energy_pj.value_or(c.read_pj);
      ml.write_pj[size_t(t)] = lv.write_energy_pj.value_or(c.write_pj);
      ml.update_pj[size_t(t)] = (lv.read_energy_pj || lv.write_energy_pj)
                                    ? ml.read_pj[size_t(t)] + ml.write_pj[size_t(t)]
                                    : c.update_pj;
      const auto& net = lv.network_for(name);
      ml.multicast[size_t(t)] = net.multicast;
      ml.reduction[size_t(t)] = net.spatial_reduction;
    }
  }
  // Networks: energy per word per hop, from the explicit value or a wire as long as the side of a
  // child instance (sqrt of its area), which is the distance between neighbouring children.
  for (size_t i = 0; i < a.levels.size(); ++i) {
    const auto& lv = a.levels[i];
    auto& ml = m.levels[i];
    const double child_area = i + 1 < a.levels.size() ? level_area[i + 1] : m.compute.area_um2;
    double bw = 0;
    bool systolic = false, mesh = false;
    for (const auto& net : lv.networks) {
      bw += net.bandwidth_words;
      systolic |= net.topology == arch::Topology::Systolic;
      mesh |= net.topology == arch::Topology::Mesh;
    }
    ml.network_bandwidth = bw;
    ml.topology = systolic ? Topology::Systolic : mesh ? Topology::Mesh : Topology::Bus;
    // One child per instance (Eyeriss: a spad feeding its own MAC) means a wire inside the
    // instance, not a network: no hop energy unless the file gives one.
    const int64_t children = i + 1 < a.levels.size() ? a.levels[i + 1].mesh_x * a.levels[i + 1].mesh_y
                                                     : a.compute.mesh_x * a.compute.mesh_y;
    for (int t = 0; t < T; ++t) {
      const auto& net = lv.network_for(arch_tensor_name(a, p, t));
      if (net.hop_energy_pj) {
        ml.hop_pj[size_t(t)] = *net.hop_energy_pj;
        continue;
      }
      if (children == 1) {
        ml.hop_pj[size_t(t)] = 0;
        continue;
      }
      tech::ComponentDesc d;
      d.cls = "wire";
      d.word_bits = lv.word_bits;
      d.wire_mm = net.hop_mm > 0 ? net.hop_mm : std::max(1e-3, std::sqrt(std::max(child_area, 1.0)) / 1000.0);
      d.name = lv.name + ".network";
      ml.hop_pj[size_t(t)] = lib.price(d, node).hop_pj;
    }
  }
  m.sparsity.gating = a.sparsity.gating;
  m.sparsity.skipping = a.sparsity.skipping;
  for (int t = 0; t < T; ++t) {
    const std::string name = arch_tensor_name(a, p, t);
    m.sparsity.compressed[size_t(t)] =
        std::find(a.sparsity.compressed_tensors.begin(), a.sparsity.compressed_tensors.end(), name) !=
        a.sparsity.compressed_tensors.end();
  }
  return m;
}

}  // namespace coda::model
