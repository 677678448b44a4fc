#include "coda/model/price.hpp"

#include <algorithm>
#include <cmath>

namespace coda::model {

PricedArchitecture price_architecture(const arch::Architecture& a, const tech::Library& lib) {
  PricedArchitecture out;
  const int node = a.tech.node_nm;
  const double leak_scale = 1e9 / a.clock_hz;  // tech/ gives leakage per cycle at 1 GHz
  auto storage = [&](const arch::StorageLevel& lv, const arch::Partition* part, int64_t instances) {
    tech::ComponentDesc d;
    d.cls = part && !part->cls.empty() ? part->cls : lv.cls;
    d.subclass = lv.subclass;
    d.word_bits = part && part->word_bits > 0 ? part->word_bits : lv.word_bits;
    d.capacity_words = part ? part->capacity_words : lv.capacity_words;
    if (d.cls != "dram" && d.capacity_words < 1) d.capacity_words = 1;
    d.block_words = lv.block_words;
    d.name = part ? lv.name + "." + part->name : lv.name;
    auto c = lib.price(d, node);
    PricedComponent pc;
    pc.name = d.name;
    pc.kind = "storage";
    pc.cls = d.cls + (d.subclass.empty() ? "" : "/" + d.subclass);
    pc.instances = instances;
    pc.capacity_words = part ? part->capacity_words : lv.capacity_words;
    pc.word_bits = d.word_bits;
    pc.read_bandwidth = lv.read_bandwidth > 0 ? lv.read_bandwidth : lv.shared_bandwidth;
    pc.write_bandwidth = lv.write_bandwidth > 0 ? lv.write_bandwidth : lv.shared_bandwidth;
    pc.read_pj = lv.read_energy_pj.value_or(c.read_pj);
    pc.write_pj = lv.write_energy_pj.value_or(c.write_pj);
    pc.update_pj = (lv.read_energy_pj || lv.write_energy_pj) ? pc.read_pj + pc.write_pj : c.update_pj;
    pc.leak_pj_per_cycle = c.leak_pj_per_cycle * leak_scale;
    pc.area_um2 = lv.area_um2 && !part ? *lv.area_um2 : c.area_um2;
    pc.source = c.source;
    if (!lv.is_dram()) out.total_area_um2 += pc.area_um2 * double(instances);
    out.components.push_back(pc);
    return c.area_um2;
  };
  std::vector<double> level_area(a.levels.size(), 0);
  for (size_t i = 0; i < a.levels.size(); ++i) {
    const auto& lv = a.levels[i];
    const int64_t inst = a.total_instances(i);
    if (lv.partitions.empty()) {
      level_area[i] = storage(lv, nullptr, inst);
    } else {
      for (const auto& part : lv.partitions) level_area[i] += storage(lv, &part, inst);
    }
  }
  // MAC units.
  tech::ComponentDesc md;
  md.cls = "mac";
  md.subclass = a.compute.floating_point ? "fp" : "int";
  md.operand_bits = a.compute.operand_bits;
  md.name = a.compute.name;
  auto mc = lib.price(md, node);
  PricedComponent mac;
  mac.name = a.compute.name;
  mac.kind = "compute";
  mac.cls = "mac/" + md.subclass + std::to_string(md.operand_bits);
  mac.instances = a.total_macs();
  mac.op_pj = a.compute.mac_energy_pj.value_or(mc.op_pj);
  mac.leak_pj_per_cycle = mc.leak_pj_per_cycle * leak_scale;
  mac.area_um2 = mc.area_um2;
  mac.source = mc.source;
  out.total_area_um2 += mac.area_um2 * double(mac.instances);
  // Networks: the same rule as model::bind (a single child per instance has no network).
  for (size_t i = 0; i < a.levels.size(); ++i) {
    const auto& lv = a.levels[i];
    const bool last = i + 1 == a.levels.size();
    const int64_t children =
        last ? a.compute.mesh_x * a.compute.mesh_y : a.levels[i + 1].mesh_x * a.levels[i + 1].mesh_y;
    if (children == 1) continue;
    const double child_area = last ? mac.area_um2 : level_area[i + 1];
    std::vector<arch::Network> nets = lv.networks;
    if (nets.empty()) nets.push_back(arch::Network{});
    for (const auto& net : nets) {
      PricedComponent pc;
      std::string which;
      for (const auto& t : net.tensors) which += (which.empty() ? "" : ", ") + t;
      pc.name = lv.name + "->" + (last ? a.compute.name : a.levels[i + 1].name) + " network" +
                (which.empty() ? "" : " (" + which + ")");
      pc.kind = "network";
      pc.cls = std::string(arch::topology_name(net.topology)) + (net.multicast ? ", multicast" : "") +
               (net.spatial_reduction ? ", reduction" : "");
      pc.instances = a.total_instances(i);
      pc.word_bits = lv.word_bits;
      pc.read_bandwidth = net.bandwidth_words;
      if (net.hop_energy_pj) {
        pc.hop_pj = *net.hop_energy_pj;
        pc.source = "architecture file";
      } else {
        tech::ComponentDesc d;
        d.cls = "wire";
        d.word_bits = lv.word_bits;
        d.wire_mm =
            net.hop_mm > 0 ? net.hop_mm : std::max(1e-3, std::sqrt(std::max(child_area, 1.0)) / 1000.0);
        d.name = pc.name;
        auto c = lib.price(d, node);
        pc.hop_pj = c.hop_pj;
        pc.source = c.source;
      }
      out.components.push_back(pc);
    }
  }
  out.components.push_back(mac);
  return out;
}

}  // namespace coda::model
