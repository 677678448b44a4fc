#include "coda/model/counts.hpp"

#include <algorithm>

#include "coda/common/checked.hpp"
#include "coda/model/mixed_counts.hpp"
#include "coda/model/perfect_counts.hpp"
#include "coda/model/transfers.hpp"

namespace coda::model {

SpatialBits spatial_bits(const Nest& n) {
  SpatialBits bits{};
  for (int k = 0; k < n.num_loops; ++k)
    if (n.loops[size_t(k)].spatial && n.loops[size_t(k)].factor > 1)
      bits[size_t(n.loops[size_t(k)].level)] |= uint64_t(1) << k;
  return bits;
}

uint64_t group_mask(const workload::Problem& p, const Machine& m, const SpatialBits& bits, int tensor,
                    int parent, int child) {
  const bool output = p.tensors[size_t(tensor)].is_output;
  uint64_t mask = 0;
  for (int lv = parent; lv < child; ++lv)
    if (output ? m.levels[size_t(lv)].reduction[size_t(tensor)]
               : m.levels[size_t(lv)].multicast[size_t(tensor)])
      mask |= bits[size_t(lv)];
  return mask;
}

uint64_t group_mask(const workload::Problem& p, const Machine& m, const Nest& n, int tensor, int parent,
                    int child) {
  return group_mask(p, m, spatial_bits(n), tensor, parent, child);
}

void compute_counts(const workload::Problem& p, const Machine& m, const mapping::Mapping& map, const Nest& n,
                    Counts& out) {
  std::array<Ranks, kMaxTensors> ranks;
  for (int t = 0; t < p.num_tensors(); ++t) build_ranks(p, t, ranks[size_t(t)]);
  compute_counts(p, m, map, n, ranks.data(), out);
}

void compute_counts(const workload::Problem& p, const Machine& m, const mapping::Mapping& map, const Nest& n,
                    const Ranks* ranks_of, Counts& out) {
  NestFacts facts;
  facts.reset(n);
  compute_counts(p, m, map, n, ranks_of, facts, out);
}

void compute_counts(const workload::Problem& p, const Machine& m, const mapping::Mapping& map, const Nest& n,
                    const Ranks* ranks_of, NestFacts& facts, Counts& out) {
  const int L = n.num_levels;
  const int T = p.num_tensors();
  // Clear only the entries this or the previous use of `out` touched (everything else is already
  // zero): the whole table is kilobytes, and this runs once per evaluation.
  for (int i = 0; i < std::max(L, out.num_levels); ++i)
    for (int t = 0; t < std::max(T, out.num_tensors); ++t) out.at[size_t(i)][size_t(t)] = TensorLevelCounts{};
  out.num_levels = L;
  out.num_tensors = T;
  out.macs = p.points();
  // Perfect nests (what the mapper produces) take the O(loops) shortcuts of perfect_counts.hpp
  // where they apply; everything else, and any rank they do not cover, the general counting.
  const bool all_perfect = facts.perfect;
  out.compute_steps = all_perfect ? facts.tb.temporal_prefix[size_t(n.num_loops)] : count_compute_steps(n);
  const SpatialBits bits = spatial_bits(n);  // once per nest; each group is an OR of levels
  for (int t = 0; t < T; ++t) {
    const bool output = p.tensors[size_t(t)].is_output;
    const Ranks& ranks = ranks_of[size_t(t)];
    auto tile = [&](int level) {
      const RankLengths* len = facts.lengths(ranks, n, t, level);
      return len ? len->size : tile_footprint(ranks, n, level);
    };
    // A group whose loops all run over perfectly factored dimensions the tensor does not depend on
    // (the usual multicast or reduction) changes no rank's sets, only how many instances there
    // are: each group of `members` children shares one transfer, so the group's count is the
    // child's divided by `members` (each such dimension's pseudo rank contributes its instance
    // count linearly to every term; transfers.cpp). 0 when the group is not of this kind.
    auto alias_members = [&](uint64_t group) -> int64_t {
      int64_t members = 1;
      for (uint64_t g = group; g; g &= g - 1) {
        const auto& l = n.loops[size_t(__builtin_ctzll(g))];
        if (!n.perfect[size_t(l.dim)] || (ranks.relevant_dims >> l.dim & 1u)) return 0;
        members *= l.factor;
      }
      return members;
    };
    // Imperfect nests, and perfect ones where a shortcut declines: the O(loops) walk of
    // mixed_counts.hpp, or the general counting where the walk declines too.
    ImperfectSplit split;
    bool split_ready = false;
    auto general = [&](int child, uint64_t group, TransferMode mode) {
      if (facts.tb.num_moving < 0) build_moving(n, facts.tb);
      if (!split_ready) split_ranks(ranks, n, split);
      split_ready = true;
      const int64_t c = mixed_count(ranks, n, facts.tb, split, child, group, mode);
      return c >= 0 ? c : count_transfers(ranks, n, child, group, mode);
    };
    // The child's own transfers (group 0) and the parent's side of them (group `group`).
    auto count2 = [&](int child, uint64_t group, TransferMode mode, int64_t& own, int64_t& shared) {
      own = shared = -1;
      if (const RankLengths* len = all_perfect ? facts.lengths(ranks, n, t, child) : nullptr) {
        const uint64_t groups[2] = {0, group};
        int64_t c[2];
        perfect_counts(ranks, n, facts.tb, *len, child, groups, group ? 2 : 1, mode, c);
        own = c[0];
        shared = group ? c[1] : c[0];
      }
      if (own < 0) own = general(child, 0, mode);
      if (shared < 0) {
        const int64_t members = group ? alias_members(group) : 1;
        shared = members ? own / members : general(child, group, mode);
      }
    };
    int parent = 0;  // level 0 keeps every tensor (checked by model::check)
    auto& root = out.at[0][size_t(t)];
    root.kept = true;
    root.tile = tile(0);
    if (output) {
      int64_t own, unused;
      count2(0, 0, TransferMode::Fill, own, unused);
      root.fills = own;
    }
    for (int child = 1; child <= L; ++child) {
      if (child < L && !map.levels[size_t(child)].keeps(t)) continue;
      const uint64_t group = group_mask(p, m, bits, t, parent, child);
      auto& pc = out.at[size_t(parent)][size_t(t)];
      if (child < L) {
        auto& cc = out.at[size_t(child)][size_t(t)];
        cc.kept = true;
        cc.tile = tile(child);
        int64_t own, shared;
        // Imperfect outputs take their parent's updates from the drains below, not from the fills.
        count2(child, output && !all_perfect ? 0 : group, TransferMode::Fill, own, shared);
        cc.fills = own;
        if (output) {
          // A child's own drains equal its own fills in any nest: per instance and element, every
          // residency begins with one fill and ends with one drain (the last tile is drained at
          // the end). With perfect factors the group's drains equal its fills too (transfers.cpp,
          // perfect_transfers); with imperfect ones a group's union of drains is not its union
          // of fills, so the parent's updates take the drains.
          cc.reads = own;
          if (all_perfect) {
            pc.updates = shared;
          } else {
            const int64_t members = group ? alias_members(group) : 1;
            pc.updates = members ? cc.reads / members : general(child, group, TransferMode::Drain);
          }
          pc.deliveries = cc.reads;
        } else {
          pc.deliveries = own;
          pc.reads = shared;
        }
      } else {
        // MAC units retain nothing: every operation reads its operands and emits its result. So
        // the MAC units' own transfers are one per executed MAC, i.e. the problem's points, in
        // any nest (docs/model.md §3, "Stream at the MAC units"): the nest's (step, instance)
        // pairs with every index in bounds are the iteration space, each point once, and the
        // others do no work. Only a group's shared transfers need counting.
        int64_t all = out.macs, shared = out.macs;
        if (const int64_t members = group ? alias_members(group) : 1; members) {
          shared = all / members;
        } else if (all_perfect) {
          int64_t own;  // perfect_counts gives both at once; its own count is `all` again
          count2(L, group, TransferMode::Stream, own, shared);
        } else {
          shared = general(L, group, TransferMode::Stream);
        }
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
