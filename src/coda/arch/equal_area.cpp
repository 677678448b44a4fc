#include "coda/arch/equal_area.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>

#include "coda/common/checked.hpp"
#include "coda/common/error.hpp"

namespace coda::arch {

double StorageAreaModel::area(std::string_view cls, int64_t bits) const {
  if (bits <= 0) return 0.0;
  const double b = static_cast<double>(bits);
  if (cls == "sram") return b * (1.0 + sram_periphery / std::sqrt(b));
  return b * regfile_cell;  // regfile, latch
}

double level_storage_area(const StorageLevel& level, const StorageAreaModel& model) {
  if (level.is_dram()) return 0.0;
  if (level.partitions.empty()) return model.area(level.cls, level.capacity_bits());
  // Each partition is its own macro (Eyeriss's three scratch pads are three memories).
  double a = 0.0;
  for (const Partition& p : level.partitions)
    a += model.area(p.cls.empty() ? level.cls : p.cls,
                    checked_mul(p.capacity_words, p.word_bits > 0 ? p.word_bits : level.word_bits, "partition bits"));
  return a;
}

double on_chip_storage_area(const Architecture& arch, const StorageAreaModel& model) {
  double a = 0.0;
  for (size_t i = 0; i < arch.levels.size(); ++i)
    a += level_storage_area(arch.levels[i], model) * static_cast<double>(arch.total_instances(i));
  return a;
}

const std::vector<std::string>& equal_area_dataflows() {
  static const std::vector<std::string> kNames = {"ws", "os_a", "os_b", "os_c", "nlr", "rs"};
  return kNames;
}

std::vector<Partition> equal_area_rf_partitions(std::string_view dataflow) {
  if (dataflow == "ws") return {Partition{"weight_reg", {"Weights"}, 1, "", 0}};
  if (dataflow == "os_a" || dataflow == "os_b" || dataflow == "os_c")
    return {Partition{"psum_reg", {"Outputs"}, 1, "", 0}};
  if (dataflow == "nlr" || dataflow == "rs") return {};
  throw InputError(fmt::format("equal-area rule: unknown dataflow '{}'; expected ws, os_a, os_b, os_c, nlr or rs",
                               dataflow));
}

Architecture equal_area_variant(const Architecture& base, std::string_view dataflow, const StorageAreaModel& model) {
  std::vector<Partition> rf = equal_area_rf_partitions(dataflow);  // validates the name
  const size_t n = base.levels.size();
  if (n != 3 || !base.levels[0].is_dram() || !base.levels[n - 1].partitions.empty() || base.levels[n - 2].cls != "sram" ||
      !base.levels[n - 2].partitions.empty() || base.levels[n - 2].instances_per_parent() != 1 ||
      base.levels[n - 1].is_dram())
    throw InputError(fmt::format(
        "equal-area rule: architecture '{}' must be DRAM -> an unpartitioned SRAM global buffer (one instance) "
        "-> an unpartitioned per-PE register file",
        base.name));
  const StorageLevel& glb = base.levels[n - 2];
  const StorageLevel& pe = base.levels[n - 1];
  const double total = on_chip_storage_area(base, model);

  Architecture v = base;
  v.name = fmt::format("{}-{}", base.name, std::string(dataflow == "os_a"   ? "os-a"
                                                       : dataflow == "os_b" ? "os-b"
                                                       : dataflow == "os_c" ? "os-c"
                                                                            : dataflow));
  v.dataflow = std::string(dataflow);
  StorageLevel& vpe = v.levels[n - 1];
  if (dataflow == "nlr") {
    // No PE-local storage: the MAC units hang directly below the global buffer.
    v.compute.mesh_x = checked_mul(pe.mesh_x, base.compute.mesh_x, "MAC units");
    v.compute.mesh_y = checked_mul(pe.mesh_y, base.compute.mesh_y, "MAC units");
    v.levels.pop_back();
  } else if (!rf.empty()) {
    vpe.partitions = rf;
    vpe.capacity_words = 0;
    for (const Partition& p : rf) vpe.capacity_words += p.capacity_words;
    vpe.keeps.clear();
    vpe.block_words = 1;
  }
  // Everything but the global buffer is fixed; the global buffer gets the rest of the area.
  v.levels[n - 2].capacity_words = 0;
  const double others = on_chip_storage_area(v, model);
  const double budget = total - others;
  // Largest whole number of blocks that fits; the relative slack absorbs rounding so that the
  // baseline itself (rs) gets exactly its own buffer back.
  const int64_t block_bits = checked_mul(glb.block_words, glb.word_bits, "block bits");
  int64_t lo = 0, hi = std::min<int64_t>(int64_t{1} << 40, INT64_MAX / block_bits);
  auto fits = [&](int64_t blocks) { return model.area("sram", blocks * block_bits) <= budget * (1.0 + 1e-12); };
  if (budget <= 0 || !fits(1))
    throw InputError(fmt::format("equal-area rule: dataflow '{}' leaves no area for the global buffer of '{}'",
                                 dataflow, base.name));
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  v.levels[n - 2].capacity_words = checked_mul(lo, glb.block_words, "global buffer words");
  const double kib = static_cast<double>(v.levels[n - 2].capacity_bits()) / 8.0 / 1024.0;
  const double rf_bytes = v.levels.size() == n ? static_cast<double>(v.levels[n - 1].capacity_bits()) / 8.0 : 0.0;
  v.description = fmt::format("{} with the equal-area allocation for {}: {} B RF per PE, {:.1f} kB global buffer",
                              base.name, dataflow, rf_bytes, kib);
  v.origin.where = fmt::format("{} (equal-area rule, dataflow {})", base.origin.where, dataflow);
  return v;
}

}  // namespace coda::arch
