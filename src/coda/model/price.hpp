#pragma once
// The priced components of an architecture, independent of any layer: what `coda arch show`
// prints. Each storage level (or each partition of it), each network and the MAC units, with
// instances, capacity, energy per action (pJ per word) and area (um^2) from tech/.
#include <string>
#include <vector>

#include "coda/arch/architecture.hpp"
#include "coda/tech/library.hpp"

namespace coda::model {

struct PricedComponent {
  std::string name;       ///< "GLB.fmaps", "PE.filter_spad", "GLB->PE network (Inputs)", "MAC"
  std::string kind;       ///< "storage", "network", "compute"
  std::string cls;        ///< technology class priced
  int64_t instances = 0;  ///< total instances in the chip
  int64_t capacity_words = 0;
  int word_bits = 0;
  double read_bandwidth = 0, write_bandwidth = 0;  ///< words/cycle per instance (0 = unlimited)
  double read_pj = 0, write_pj = 0, update_pj = 0, op_pj = 0, hop_pj = 0;
  double leak_pj_per_cycle = 0;  ///< per instance, at the architecture's clock
  double area_um2 = 0;           ///< per instance
  std::string source;            ///< where the prices come from
};

struct PricedArchitecture {
  std::vector<PricedComponent> components;
  double total_area_um2 = 0;  ///< sum of area x instances (DRAM excluded)
};

PricedArchitecture price_architecture(const arch::Architecture& a, const tech::Library& lib);

}  // namespace coda::model
