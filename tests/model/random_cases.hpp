#pragma once
// Random small (Problem, Machine, Mapping) triples for the oracle property tests.
#include <algorithm>
#include <string>
#include <vector>

#include "coda/common/checked.hpp"
#include "coda/common/rng.hpp"
#include "coda/mapping/mapping.hpp"
#include "coda/model/machine.hpp"
#include "coda/workload/builders.hpp"

namespace coda::testing {

struct Case {
  workload::Problem problem;
  model::Machine machine;
  mapping::Mapping mapping;
  std::string kind;
};

inline workload::Problem random_problem(Rng& rng, std::string& kind) {
  switch (rng.below(4)) {
    case 0: {  // conv with strides and dilation
      workload::ConvShape s;
      s.n = rng.between(1, 2);
      s.m = rng.between(1, 3);
      s.c = rng.between(1, 3);
      s.p = rng.between(1, 4);
      s.q = rng.between(1, 3);
      s.r = rng.between(1, 3);
      s.s = rng.between(1, 2);
      s.stride_h = rng.between(1, 2);
      s.stride_w = rng.between(1, 3);
      s.dilation_h = rng.between(1, 2);
      s.dilation_w = rng.between(1, 2);
      kind = "conv";
      return workload::make_conv("conv", s);
    }
    case 1: {  // grouped / depthwise conv
      workload::ConvShape s;
      s.g = rng.between(2, 3);
      bool dw = rng.below(2) == 0;
      s.m = dw ? 1 : rng.between(1, 2);
      s.c = dw ? 1 : rng.between(1, 2);
      s.p = rng.between(2, 4);
      s.q = rng.between(1, 3);
      s.r = rng.between(1, 3);
      s.s = rng.between(1, 3);
      s.stride_h = rng.between(1, 2);
      kind = dw ? "depthwise" : "grouped";
      return workload::make_conv("gconv", s);
    }
    case 2: {
      kind = "matmul";
      return workload::make_matmul("mm", rng.between(1, 2), rng.between(1, 5), rng.between(1, 5),
                                   rng.between(1, 5), rng.below(2) == 0);
    }
    default: {  // 1-D sliding window with large stride vs dilation (sets with holes)
      workload::ConvShape s;
      s.m = rng.between(1, 2);
      s.p = rng.between(2, 6);
      s.r = rng.between(1, 4);
      s.stride_h = rng.between(1, 4);
      s.dilation_h = rng.between(1, 3);
      kind = "conv1d";
      return workload::make_conv("conv1d", s);
    }
  }
}

inline model::Machine random_machine(Rng& rng, int num_tensors) {
  model::Machine m;
  m.num_levels = int(rng.between(2, 5));
  for (int i = 0; i < m.num_levels; ++i) {
    auto& lv = m.levels[size_t(i)];
    lv.name = "L" + std::to_string(i);
    if (i > 0) {
      lv.fanout_x = rng.between(1, 3);
      lv.fanout_y = rng.between(1, 2);
    }
    for (int t = 0; t < num_tensors; ++t) {
      lv.multicast[size_t(t)] = rng.below(2) == 0;
      lv.reduction[size_t(t)] = rng.below(2) == 0;
    }
  }
  m.compute.fanout_x = rng.between(1, 3);
  m.compute.fanout_y = rng.between(1, 2);
  return m;
}

// Splits every dimension's bound over the loop slots of the machine: temporal slots at every
// level, spatial X/Y slots limited by the fanout of the children. Imperfect (ceil) factors with
// probability 1/3 per dimension.
inline mapping::Mapping random_mapping(Rng& rng, const workload::Problem& p, const model::Machine& m) {
  mapping::Mapping map;
  map.levels.resize(size_t(m.num_levels));
  std::vector<int64_t> cap_x(size_t(m.num_levels)), cap_y(size_t(m.num_levels));
  for (int i = 0; i < m.num_levels; ++i) {
    bool last = i + 1 == m.num_levels;
    cap_x[size_t(i)] = last ? m.compute.fanout_x : m.levels[size_t(i + 1)].fanout_x;
    cap_y[size_t(i)] = last ? m.compute.fanout_y : m.levels[size_t(i + 1)].fanout_y;
  }
  std::vector<std::vector<mapping::Loop>> temporal(size_t(m.num_levels));
  for (int d = 0; d < p.num_dims(); ++d) {
    int64_t bound = p.bounds[size_t(d)];
    bool imperfect = rng.below(3) == 0;
    int64_t covered = 1;
    // Innermost level first; level 0's first temporal loop takes what remains.
    for (int i = m.num_levels - 1; i >= 0 && covered < bound; --i) {
      // Nest order within a level is temporal then spatial, so the spatial loops (inner) are
      // chosen first: kind 1 = X, 2 = Y, then 0 = temporal.
      for (int kind : {1, 2, 0}) {
        if (covered >= bound) break;
        if (kind == 0 && i == 0) continue;  // level 0's one temporal loop per dimension takes the rest
        int64_t room = ceil_div(bound, covered);
        int64_t f = 1;
        if (kind == 0) {
          f = rng.between(1, std::min<int64_t>(room, 3));
        } else {
          int64_t& cap = kind == 1 ? cap_x[size_t(i)] : cap_y[size_t(i)];
          if (cap <= 1) continue;
          f = rng.between(1, std::min(room, cap));
          cap /= f;
        }
        if (!imperfect) {  // keep only factors that divide what remains
          int64_t rem = bound / covered;
          if (bound % covered != 0 || rem % f != 0) f = 1;
        }
        if (f == 1) continue;
        covered *= f;
        mapping::Loop l{d, f, kind == 2 ? mapping::Axis::Y : mapping::Axis::X};
        if (kind == 0)
          temporal[size_t(i)].push_back(l);
        else  // chosen inner-first, so each new spatial loop goes outside the previous ones
          map.levels[size_t(i)].spatial.insert(map.levels[size_t(i)].spatial.begin(), l);
      }
    }
    if (covered < bound) {
      int64_t f = imperfect ? ceil_div(bound, covered) : bound / covered;
      temporal[0].push_back({d, f, mapping::Axis::X});
    }
  }
  for (int i = 0; i < m.num_levels; ++i) {
    auto& t = temporal[size_t(i)];
    // Random order, with a loop of factor 1 sometimes (it must not change anything).
    for (size_t k = t.size(); k > 1; --k) std::swap(t[k - 1], t[size_t(rng.below(k))]);
    if (rng.below(4) == 0)
      t.insert(t.begin() + int64_t(rng.below(t.size() + 1)), mapping::Loop{0, 1, mapping::Axis::X});
    map.levels[size_t(i)].temporal = t;
    uint32_t keep = 0;
    for (int tt = 0; tt < p.num_tensors(); ++tt)
      if (i == 0 || rng.below(3) != 0) keep |= 1u << tt;
    map.levels[size_t(i)].keep = keep;
  }
  return map;
}

inline Case random_case(uint64_t seed) {
  Rng rng(seed);
  Case c;
  c.problem = random_problem(rng, c.kind);
  c.machine = random_machine(rng, c.problem.num_tensors());
  c.mapping = random_mapping(rng, c.problem, c.machine);
  return c;
}

}  // namespace coda::testing
