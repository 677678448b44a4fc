#include "coda/mapping/mapping.hpp"

#include <fmt/format.h>

#include "coda/common/checked.hpp"

namespace coda::mapping {

int64_t Mapping::factor_product(int dim) const {
  int64_t p = 1;
  for (const auto& lv : levels) {
    for (const auto& l : lv.temporal)
      if (l.dim == dim) p = checked_mul(p, l.factor, "mapping factor product");
    for (const auto& l : lv.spatial)
      if (l.dim == dim) p = checked_mul(p, l.factor, "mapping factor product");
  }
  return p;
}

uint64_t Mapping::hash() const {
  // FNV-1a over the fields; stable across runs (the mapper's tie-breaking must be deterministic).
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](uint64_t v) {
    for (int b = 0; b < 8; ++b) {
      h ^= (v >> (8 * b)) & 0xff;
      h *= 1099511628211ull;
    }
  };
  for (const auto& lv : levels) {
    mix(0xA5A5);
    for (const auto& l : lv.temporal) mix((uint64_t(l.dim) << 56) ^ uint64_t(l.factor));
    mix(0x5A5A);
    for (const auto& l : lv.spatial)
      mix((uint64_t(l.dim) << 56) ^ (uint64_t(l.axis == Axis::Y) << 48) ^ uint64_t(l.factor));
    mix(lv.keep);
  }
  return h;
}

std::string to_loop_nest(const Mapping& m, const workload::Problem& p,
                         const std::vector<std::string>& level_names) {
  std::string out;
  int indent = 0;
  auto dim_name = [&p](int d) {
    return d >= 0 && d < p.num_dims() ? p.dim_names[size_t(d)] : std::string("?");
  };
  for (size_t i = 0; i < m.levels.size(); ++i) {
    const auto& lv = m.levels[i];
    std::string name = i < level_names.size() ? level_names[i] : fmt::format("L{}", i);
    std::string bypass;
    for (int t = 0; t < p.num_tensors(); ++t)
      if (!lv.keeps(t)) bypass += (bypass.empty() ? "" : ", ") + p.tensors[size_t(t)].name;
    out += fmt::format("{}{}{}\n", name,
                       bypass.empty() ? "" : "  (bypass: ", bypass.empty() ? "" : bypass + ")");
    for (const auto& l : lv.temporal) {
      if (l.factor == 1) continue;
      out += fmt::format("| {:{}}for {} in [0:{})\n", "", 2 * indent, dim_name(l.dim), l.factor);
      ++indent;
    }
    for (const auto& l : lv.spatial) {
      if (l.factor == 1) continue;
      out += fmt::format("| {:{}}spatial-{} for {} in [0:{})\n", "", 2 * indent,
                         l.axis == Axis::X ? "X" : "Y", dim_name(l.dim), l.factor);
      ++indent;
    }
  }
  return out;
}

}  // namespace coda::mapping
