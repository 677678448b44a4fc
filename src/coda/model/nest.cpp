#include "coda/model/nest.hpp"

#include <fmt/format.h>

namespace coda::model {

std::string build_nest(const workload::Problem& p, const mapping::Mapping& m, int machine_levels, Nest& out) {
  if (static_cast<int>(m.levels.size()) != machine_levels)
    return fmt::format("the mapping has {} levels but the architecture has {} storage levels",
                       m.levels.size(), machine_levels);
  if (p.num_dims() > kMaxDims)
    return fmt::format("problem '{}' has {} dimensions; coda's model supports at most {}", p.name,
                       p.num_dims(), kMaxDims);
  if (machine_levels > kMaxLevels || machine_levels < 1)
    return fmt::format("{} storage levels; coda's model supports 1 to {}", machine_levels, kMaxLevels);
  out.num_dims = p.num_dims();
  out.num_levels = machine_levels;
  for (int d = 0; d < p.num_dims(); ++d) out.bound[size_t(d)] = p.bounds[size_t(d)];
  int n = 0;
  for (int i = 0; i < machine_levels; ++i) {
    out.level_begin[size_t(i)] = n;
    const auto& lv = m.levels[size_t(i)];
    for (int pass = 0; pass < 2; ++pass) {
      const auto& loops = pass == 0 ? lv.temporal : lv.spatial;
      for (const auto& l : loops) {
        if (l.dim < 0 || l.dim >= p.num_dims())
          return fmt::format("level {}: loop over unknown dimension index {}", i, l.dim);
        if (l.factor < 1)
          return fmt::format("level {}: loop over {} has factor {} (must be >= 1)", i,
                             p.dim_names[size_t(l.dim)], l.factor);
        if (n == kMaxLoops) return fmt::format("more than {} loops in the mapping", kMaxLoops);
        out.loops[size_t(n)] = FlatLoop{l.dim, i, pass == 1, l.axis, l.factor, 1};
        ++n;
      }
    }
  }
  out.level_begin[size_t(machine_levels)] = n;
  out.num_loops = n;
  // Strides: walk from the innermost loop outwards, per dimension.
  std::array<int64_t, kMaxDims> running{};
  running.fill(1);
  for (int k = n - 1; k >= 0; --k) {
    auto& l = out.loops[size_t(k)];
    l.stride = running[size_t(l.dim)];
    if (__builtin_mul_overflow(running[size_t(l.dim)], l.factor, &running[size_t(l.dim)]))
      return fmt::format("the factors of {} overflow 64 bits", p.dim_names[size_t(l.dim)]);
  }
  // A loop never has more iterations than its stride can use: ceil tiling leaves the last tile
  // partial, but a loop whose later iterations are all empty is a malformed mapping.
  for (int k = 0; k < n; ++k) {
    const auto& l = out.loops[size_t(k)];
    // factor > ceil(bound / stride) <=> (factor - 1) * stride >= bound; no overflow, since
    // factor * stride is at most the product of the dimension's factors. (No division: this runs
    // for every loop of every evaluation.)
    if ((l.factor - 1) * l.stride >= p.bounds[size_t(l.dim)]) {
      const int64_t useful = (p.bounds[size_t(l.dim)] + l.stride - 1) / l.stride;
      return fmt::format(
          "level {}: loop {}{} has {} iterations but {} (bound {}, {} per iteration) needs at most {}",
          l.level, p.dim_names[size_t(l.dim)], l.factor, l.factor, p.dim_names[size_t(l.dim)],
          p.bounds[size_t(l.dim)], l.stride, useful);
    }
  }
  for (int d = 0; d < p.num_dims(); ++d) {
    if (running[size_t(d)] < p.bounds[size_t(d)])
      return fmt::format("the factors of {} multiply to {}, less than its bound {}", p.dim_names[size_t(d)],
                         running[size_t(d)], p.bounds[size_t(d)]);
    out.perfect[size_t(d)] = running[size_t(d)] == p.bounds[size_t(d)];
  }
  return {};
}

}  // namespace coda::model
