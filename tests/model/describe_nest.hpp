#pragma once
// A loop nest as text, for the failure messages of the model tests that compare counting paths on
// mapper-drawn nests.
#include <fmt/format.h>

#include <string>

#include "coda/model/nest.hpp"
#include "coda/workload/problem.hpp"

namespace coda::testing {

inline std::string describe(const workload::Problem& p, const model::Nest& n) {
  std::string s;
  for (int k = 0; k < n.num_loops; ++k) {
    const auto& l = n.loops[size_t(k)];
    s += fmt::format("  [{}] L{} {}{} {} stride {}{}\n", k, l.level, p.dim_names[size_t(l.dim)], l.factor,
                     l.spatial ? "spatial" : "", l.stride, n.perfect[size_t(l.dim)] ? "" : " (imperfect)");
  }
  return s;
}

}  // namespace coda::testing
