#include "coda/model/counts.hpp"

#include "coda/common/checked.hpp"
#include "coda/model/perfect_counts.hpp"
#include "coda/model/transfers.hpp"

namespace coda::model {

uint64_t group_mask(const workload::Problem& p, const Machine& m, const Nest& n, int tensor, int parent,
                    int child) {
  const bool output = p.tensors[size_t(tensor)].is_output;
  uint64_t mask = 0;
  for (int k = n.level_begin[size_t(parent)]; k < n.level_begin[size_t(child)]; ++k) {
    const auto& l = n.loops[size_t(k)];
    if (!l.spatial) continue;
    const auto& lv = m.levels[size_t(l.level)];
    if (output ? lv.reduction[size_t(tensor)] : lv.multicast[size_t(tensor)]) mask |= uint64_t(1) << k;
  }
  return mask;
}

void compute_counts(const workload::Problem& p, const Machine& m, const mapping::Mapping& map, const Nest& n,
                    Counts& out) {
  std::array<Ranks, kMaxTensors> ranks;
  for (int t = 0; t < p.num_tensors(); ++t) build_ranks(p, t, ranks[size_t(t)]);
  compute_counts(p, m, map, n, ranks.data(), out);
}

void compute_counts(const workload::Problem& p, const Machine& m, const mapping::Mapping& map, const Nest& n,
                    const Ranks* ranks_of, Counts& out) {
  const int L = n.num_levels;
  out = Counts{};
  out.num_levels = L;
  out.num_tensors = p.num_tensors();
  out.macs = p.points();
  bool all_perfect = true;
  for (int d = 0; d < n.num_dims; ++d) all_perfect &= n.perfect[size_t(d)];
  // Perfect nests (what the mapper produces) take the O(loops) shortcuts of perfect_counts.hpp
  // where they apply; everything else, and any rank they do not cover, the general counting.
  NestTables tb;
  if (all_perfect) {
    build_tables(n, tb);
    out.compute_steps = tb.temporal_prefix[size_t(n.num_loops)];
  } else {
    out.compute_steps = count_compute_steps(n);
  }
  for (int t = 0; t < p.num_tensors(); ++t) {
    const bool output = p.tensors[size_t(t)].is_output;
    const Ranks& ranks = ranks_of[size_t(t)];
    RankLengths len;
    bool fast = false;  // len holds the rank lengths of the current child level
    auto tile = [&](int level) {
      fast = all_perfect && rank_lengths(ranks, n, tb, level, len);
      if (!fast) return tile_footprint(ranks, n, level);
      int64_t size = 1;
      for (int ri = 0; ri < ranks.count; ++ri) size = checked_mul(size, len.len[size_t(ri)], "tile size");
      return size;
    };
    auto count = [&](int child, uint64_t group, TransferMode mode) {
      if (fast) {
        const int64_t c = perfect_count(ranks, n, tb, len, child, group, mode);
        if (c >= 0) return c;
      }
      return count_transfers(ranks, n, child, group, mode);
    };
    int parent = 0;  // level 0 keeps every tensor (checked by model::check)
    auto& root = out.at[0][size_t(t)];
    root.kept = true;
    root.tile = tile(0);
    if (output) root.fills = count(0, 0, TransferMode::Fill);
    for (int child = 1; child <= L; ++child) {
      if (child < L && !map.levels[size_t(child)].keeps(t)) continue;
      const uint64_t group = group_mask(p, m, n, t, parent, child);
      auto& pc = out.at[size_t(parent)][size_t(t)];
      if (child < L) {
        auto& cc = out.at[size_t(child)][size_t(t)];
        cc.kept = true;
        cc.tile = tile(child);
        cc.fills = count(child, 0, TransferMode::Fill);
        if (output) {
          // With perfect factors drains equal fills (transfers.cpp, perfect_transfers).
          cc.reads = all_perfect ? cc.fills : count(child, 0, TransferMode::Drain);
          pc.deliveries = cc.reads;
          pc.updates = count(child, group, all_perfect ? TransferMode::Fill : TransferMode::Drain);
        } else {
          pc.deliveries = cc.fills;
          pc.reads = count(child, group, TransferMode::Fill);
        }
      } else {
        // MAC units retain nothing: every operation reads its operands and emits its result.
        if (all_perfect) fast = rank_lengths(ranks, n, tb, L, len);
        const int64_t all = count(L, 0, TransferMode::Stream);
        const int64_t shared = count(L, group, TransferMode::Stream);
        pc.deliveries = all;
        if (output)
          pc.updates = shared;
        else
          pc.reads = shared;
      }
      parent = child;
    }
    if (output)
      for (int i = 0; i < L; ++i) {
        auto& c = out.at[size_t(i)][size_t(t)];
        if (c.kept) c.rmw = c.updates - c.fills;
      }
  }
}

}  // namespace coda::model
