#include "coda/model/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "coda/common/checked.hpp"
#include "coda/model/perfect_counts.hpp"
#include "coda/model/transfers.hpp"

namespace coda::model {
namespace {

template <class... A>
bool fail(Result& r, const char* fmt, A... a) {
  r.valid = false;
  std::snprintf(r.reason.data(), r.reason.size(), fmt, a...);
  return false;
}

int64_t physical_instances(const Machine& m, int level) {
  int64_t n = 1;
  for (int i = 1; i <= level; ++i) n *= m.levels[size_t(i)].fanout_x * m.levels[size_t(i)].fanout_y;
  return n;
}

// Time (cycles) to move r words out of and w words into one instance (0 bandwidth = unlimited).
double transfer_cycles(double r, double w, const LevelSpec& lv) {
  double c = 0;
  if (lv.read_bandwidth > 0) c = std::max(c, r / lv.read_bandwidth);
  if (lv.write_bandwidth > 0) c = std::max(c, w / lv.write_bandwidth);
  if (lv.shared_bandwidth > 0) c = std::max(c, (r + w) / lv.shared_bandwidth);
  return c;
}

// Results that cannot be right (design.md §7; issue 4): checked on every evaluation in debug and
// sanitizer builds, where a violation aborts with the field that broke.
[[maybe_unused]] void verify(const workload::Problem& p, const Result& r) {
  auto fail_if = [](bool bad, const char* what) {
    if (!bad) return;
    std::fprintf(stderr, "coda: internal error: impossible evaluation result: %s\n", what);
    std::abort();
  };
  const Counts& c = r.counts;
  fail_if(!(r.utilization > 0 && r.utilization <= 1.0 + 1e-9), "utilization outside (0, 1]");
  fail_if(r.cycles < double(r.compute_cycles), "cycles below the compute cycles");
  fail_if(c.macs > c.compute_steps * r.active_units, "more MACs than steps x active units");
  fail_if(r.energy_pj < 0 || !std::isfinite(r.energy_pj), "negative or non-finite energy");
  for (int i = 0; i < c.num_levels; ++i)
    for (int t = 0; t < c.num_tensors; ++t) {
      const auto& x = c.at[size_t(i)][size_t(t)];
      if (!x.kept) continue;
      fail_if(x.fills < 0 || x.reads < 0 || x.updates < 0 || x.rmw < 0 || x.deliveries < 0, "negative count");
      fail_if(x.tile > p.tensor_box_size(t), "tile larger than the tensor");
      if (p.tensors[size_t(t)].is_output) {
        fail_if(x.updates > x.deliveries, "more updates than partial sums sent");
        fail_if(x.fills > x.updates, "a residency without an update");
      } else {
        // One read per multicast group: reads >= deliveries / (largest group) and <= deliveries.
        fail_if(x.reads > x.deliveries, "more reads than deliveries");
        fail_if(x.reads * r.active_units < x.deliveries, "reads below deliveries / multicast factor");
      }
    }
}

// `r = Result{}` for a result about to hold an evaluation of L levels and T tensors, writing only
// what a previous evaluation can have set: assigning a fresh Result stores kilobytes, a large
// share of an evaluation. Invariant (kept by every path of Evaluator::operator()): the per-level
// and per-tensor arrays are zero outside [0, counts.num_levels) x [0, counts.num_tensors).
void reset_for(Result& r, int L, int T) {
  const int nl = std::min(std::max(L, r.counts.num_levels), kMaxLevels);
  const int nt = std::min(std::max(T, r.counts.num_tensors), kMaxTensors);
  r.valid = false;
  r.reason[0] = '\0';
  for (int i = 0; i < nl; ++i) {
    for (int t = 0; t < nt; ++t) r.energy[size_t(i)][size_t(t)] = TensorEnergy{};
    r.level_energy_pj[size_t(i)] = 0;
    r.leak_pj[size_t(i)] = 0;
    r.level_cycles[size_t(i)] = 0;
  }
  // r.counts: compute_counts clears the entries it and the previous use touched.
  r.mac_energy_pj = r.compute_leak_pj = r.energy_pj = 0;
  r.compute_cycles = 0;
  r.exposed_cycles = r.cycles = 0;
  r.bottleneck = -1;
  r.total_units = r.active_units = 0;
  r.nonzero_macs = r.utilization = r.area_um2 = r.dram_accesses_per_mac = 0;
}

}  // namespace

Evaluator::Evaluator(const workload::Problem& p, const Machine& m) : p_(&p), m_(&m) {
  const int T = std::min(p.num_tensors(), kMaxTensors);
  for (int t = 0; t < T; ++t) {
    unsupported_[size_t(t)] = unsupported_projection(p, t);
    build_ranks(p, t, ranks_[size_t(t)]);
  }
  fixed_.build(p, ranks_.data());
  supported_ = p.num_tensors() <= kMaxTensors;
  for (int t = 0; t < T; ++t) {
    supported_ = supported_ && !unsupported_[size_t(t)][0];
    all_tensors_ |= 1u << t;
  }
  for (int i = 0; i < std::min(m.num_levels, kMaxLevels); ++i) {
    const auto& lv = m.levels[size_t(i)];
    for (int t = 0; t < T; ++t)
      if (lv.may_keep[size_t(t)]) may_keep_[size_t(i)] |= 1u << t;
    // Bits of tensors the problem does not have are never kept: model::check tests only these.
    may_keep_[size_t(i)] |= ~all_tensors_;
    bounded_[size_t(i)] = lv.capacity_words > 0;
    for (int64_t w : lv.partition_words) bounded_[size_t(i)] = bounded_[size_t(i)] || w > 0;
  }
  // Figures of the machine and problem alone, in the same operation order as a per-evaluation
  // computation would use, so the results do not depend on where they are computed.
  out_ = p.output_index();
  dprod_ = 1;
  for (int t = 0; t < T; ++t)
    if (t != out_) dprod_ *= p.tensors[size_t(t)].density;
  for (int t = 0; t < T; ++t) {
    if (t == out_) {
      gate_f_[size_t(t)] = dprod_;
    } else {
      gate_f_[size_t(t)] = 1;
      for (int u = 0; u < T; ++u)
        if (u != out_ && u != t) gate_f_[size_t(t)] *= p.tensors[size_t(u)].density;
    }
    const auto& ten = p.tensors[size_t(t)];
    compress_[size_t(t)] = 1;
    if (m.num_levels > 0 && m.sparsity.compressed[size_t(t)])
      compress_[size_t(t)] =
          std::min(1.0, ten.density * (1.0 + double(m.sparsity.metadata_bits) / double(ten.bits)));
  }
  const int L = std::min(m.num_levels, kMaxLevels);
  for (int i = 0; i < L; ++i) {
    const auto& lv = m.levels[size_t(i)];
    for (int t = 0; t < T; ++t)
      words_per_element_[size_t(i)][size_t(t)] = double(p.tensors[size_t(t)].bits) / double(lv.word_bits);
    const double inst = double(physical_instances(m, i));
    leak_rate_[size_t(i)] = lv.leak_pj_per_cycle * inst;
    area_um2_ += lv.area_um2 * inst;
  }
  if (L > 0) total_units_ = physical_instances(m, L - 1) * m.compute.fanout_x * m.compute.fanout_y;
  compute_leak_rate_ = m.compute.leak_pj_per_cycle * double(total_units_);
  area_um2_ += m.compute.area_um2 * double(total_units_);
}

bool check(const workload::Problem& p, const Machine& m, const mapping::Mapping& map, Nest& nest, Result& r) {
  return Evaluator(p, m).check(map, nest, r);
}

bool Evaluator::check(const mapping::Mapping& map, Nest& nest, Result& r) const {
  NestFacts facts;
  return check(map, nest, facts, r);
}

bool Evaluator::check(const mapping::Mapping& map, Nest& nest, NestFacts& facts, Result& r) const {
  const workload::Problem& p = *p_;
  const Machine& m = *m_;
  r.valid = false;
  r.reason[0] = '\0';
  if (p.num_tensors() > kMaxTensors)
    return fail(r, "problem '%s' has %d tensors; coda's model supports at most %d", p.name.c_str(),
                p.num_tensors(), kMaxTensors);
  {
    // build_nest reports in a std::string; only on the error path.
    std::string why = build_nest(p, map, m.num_levels, nest);
    if (!why.empty()) return fail(r, "%s", why.c_str());
  }
  // Keep/bypass rules as bit masks; the loop below, which names the first broken rule, runs only
  // when one is broken.
  bool keep_ok = supported_ && (map.levels[0].keep & all_tensors_) == all_tensors_;
  for (int i = 0; i < m.num_levels && keep_ok; ++i)
    keep_ok = (map.levels[size_t(i)].keep & ~may_keep_[size_t(i)]) == 0;
  for (int t = 0; t < p.num_tensors() && !keep_ok; ++t) {
    const char* why = unsupported_[size_t(t)];
    if (why[0]) return fail(r, "tensor %s: %s", p.tensors[size_t(t)].name.c_str(), why);
    if (!map.levels[0].keeps(t))
      return fail(r, "level %s (the outermost) must keep every tensor; the mapping bypasses %s",
                  m.levels[0].name.c_str(), p.tensors[size_t(t)].name.c_str());
    for (int i = 0; i < m.num_levels; ++i)
      if (map.levels[size_t(i)].keeps(t) && !m.levels[size_t(i)].may_keep[size_t(t)])
        return fail(r, "level %s may not keep %s (the architecture bypasses it there)",
                    m.levels[size_t(i)].name.c_str(), p.tensors[size_t(t)].name.c_str());
  }
  for (int i = 0; i < m.num_levels; ++i) {
    int64_t fx = i + 1 < m.num_levels ? m.levels[size_t(i + 1)].fanout_x : m.compute.fanout_x;
    int64_t fy = i + 1 < m.num_levels ? m.levels[size_t(i + 1)].fanout_y : m.compute.fanout_y;
    int64_t px = 1, py = 1;
    for (const auto& l : map.levels[size_t(i)].spatial) (l.axis == mapping::Axis::X ? px : py) *= l.factor;
    const char* child = i + 1 < m.num_levels ? m.levels[size_t(i + 1)].name.c_str() : m.compute.name.c_str();
    if (px > fx)
      return fail(r, "level %s: spatial-X factors multiply to %lld but there are %lld %s instances along X",
                  m.levels[size_t(i)].name.c_str(), (long long)px, (long long)fx, child);
    if (py > fy)
      return fail(r, "level %s: spatial-Y factors multiply to %lld but there are %lld %s instances along Y",
                  m.levels[size_t(i)].name.c_str(), (long long)py, (long long)fy, child);
  }
  // Capacity: per pool (the shared capacity, or a partition), tiles x bits x buffering.
  facts.reset(nest, &fixed_);
  auto tile_of = [&](int t, int level) {
    const Ranks& ranks = ranks_[size_t(t)];
    const RankLengths* len = facts.lengths(ranks, nest, t, level);
    return len ? len->size : tile_footprint(ranks, nest, level);
  };
  for (int i = 0; i < m.num_levels; ++i) {
    const auto& lv = m.levels[size_t(i)];
    if (!bounded_[size_t(i)]) continue;                // no capacity to exceed
    std::array<int64_t, kMaxTensors + 1> need_bits{};  // [0] shared, [1 + k] partition k
    std::array<int, kMaxTensors + 1> last_tensor{};
    last_tensor.fill(-1);
    for (int t = 0; t < p.num_tensors(); ++t) {
      if (!map.levels[size_t(i)].keeps(t)) continue;
      int64_t tile = tile_of(t, i);
      int64_t bits = 0;
      if (__builtin_mul_overflow(tile, int64_t(p.tensors[size_t(t)].bits) * lv.multiple_buffering, &bits))
        return fail(r, "level %s: tile of %s overflows", lv.name.c_str(), p.tensors[size_t(t)].name.c_str());
      size_t pool = size_t(lv.partition[size_t(t)] + 1);
      need_bits[pool] += bits;
      last_tensor[pool] = t;
    }
    for (size_t pool = 0; pool < need_bits.size(); ++pool) {
      if (last_tensor[pool] < 0) continue;
      int64_t cap_words = pool == 0 ? lv.capacity_words : lv.partition_words[pool - 1];
      if (cap_words <= 0) continue;  // unbounded
      int64_t cap_bits = cap_words * lv.word_bits;
      if (need_bits[pool] > cap_bits) {
        int64_t need_words = (need_bits[pool] + lv.word_bits - 1) / lv.word_bits;
        return fail(r,
                    "level %s: the tiles %s need %lld words of %d bits (x%d buffering) but the %s "
                    "holds %lld words (%.2fx over)",
                    lv.name.c_str(), pool == 0 ? "kept in the shared capacity" : "of its partition",
                    (long long)need_words, lv.word_bits, lv.multiple_buffering,
                    pool == 0 ? "level" : "partition", (long long)cap_words,
                    double(need_words) / double(cap_words));
      }
    }
  }
  r.valid = true;
  return true;
}

void evaluate(const workload::Problem& p, const Machine& m, const mapping::Mapping& map, Result& r) {
  Evaluator(p, m)(map, r);
}

void Evaluator::operator()(const mapping::Mapping& map, Result& r) const {
  const workload::Problem& p = *p_;
  const Machine& m = *m_;
  Nest nest;
  NestFacts facts;
  reset_for(r, m.num_levels, p.num_tensors());
  if (!check(map, nest, facts, r)) {
    // An invalid result is all zero but for its reason (as a fresh Result would be).
    const auto reason = r.reason;
    r = Result{};
    r.reason = reason;
    return;
  }
  compute_counts(p, m, map, nest, ranks_.data(), facts, r.counts);
  const Counts& c = r.counts;
  const int L = m.num_levels;
  const int T = p.num_tensors();
  const int out = out_;
  const NestTables& tb = facts.tb;  // spatial_above and temporal_prefix hold for any nest

  // Sparsity (docs/model.md §6): densities are independent; a MAC is effectual when all its
  // operands are non-zero (dprod_, gate_f_: worked out in the constructor).
  const double dprod = dprod_;
  const bool gate = m.sparsity.gating || m.sparsity.skipping;
  r.nonzero_macs = double(c.macs) * dprod;

  std::array<int, kMaxTensors> innermost{};
  for (int t = 0; t < T; ++t) {
    int k = 0;
    for (int i = 0; i < L; ++i)
      if (c.at[size_t(i)][size_t(t)].kept) k = i;
    innermost[size_t(t)] = k;
  }

  double dram_words = 0;
  std::array<double, kMaxLevels> rd_words{}, wr_words{}, net_words{};
  for (int i = 0; i < L; ++i) {
    const auto& lv = m.levels[size_t(i)];
    for (int t = 0; t < T; ++t) {
      const auto& x = c.at[size_t(i)][size_t(t)];
      if (!x.kept) continue;
      const double rd_pj = lv.read_pj[size_t(t)], wr_pj = lv.write_pj[size_t(t)];
      const double upd_pj = lv.update_pj[size_t(t)] > 0 ? lv.update_pj[size_t(t)] : rd_pj + wr_pj;
      const double s = words_per_element_[size_t(i)][size_t(t)];
      const double compress = i == 0 ? compress_[size_t(t)] : 1.0;
      // Gating at the innermost keeper: operand reads of t are skipped when another operand is
      // zero; accumulations of an all-zero product are skipped.
      const double gate_f = gate && i == innermost[size_t(t)] ? gate_f_[size_t(t)] : 1.0;
      auto& e = r.energy[size_t(i)][size_t(t)];
      if (t == out) {
        const double first = double(x.fills) * compress, rmw = double(x.rmw) * compress * gate_f,
                     rd = double(x.reads) * compress;
        e.write = first * s * wr_pj;
        e.update = rmw * s * upd_pj;
        e.read = rd * s * rd_pj;
        rd_words[size_t(i)] += (rd + rmw) * s;
        wr_words[size_t(i)] += (first + rmw) * s;
        if (i == 0) dram_words += first + rmw + rd;
      } else {
        const double rd = double(x.reads) * compress * gate_f, fl = double(x.fills) * compress;
        e.read = rd * s * rd_pj;
        e.write = fl * s * wr_pj;
        rd_words[size_t(i)] += rd * s;
        wr_words[size_t(i)] += fl * s;
        if (i == 0) dram_words += rd + fl;
      }
      const double del = double(x.deliveries) * (i == innermost[size_t(t)] ? gate_f : 1.0);
      e.network = del * s * lv.hop_pj[size_t(t)];
      net_words[size_t(i)] += del * s;
      r.level_energy_pj[size_t(i)] += e.total();
    }
  }
  r.mac_energy_pj = double(c.macs) * m.compute.mac_pj * (gate ? dprod : 1.0);

  // Time (docs/model.md §5).
  r.compute_cycles =
      m.sparsity.skipping ? int64_t(std::ceil(double(c.compute_steps) * dprod)) : c.compute_steps;
  double steady = double(r.compute_cycles);
  r.bottleneck = -1;
  for (int i = 0; i < L; ++i) {
    const auto& lv = m.levels[size_t(i)];
    const double u = double(tb.spatial_above[size_t(i)]);  // instances of level i the mapping uses
    double cyc = transfer_cycles(rd_words[size_t(i)] / u, wr_words[size_t(i)] / u, lv);
    if (lv.network_bandwidth > 0) cyc = std::max(cyc, net_words[size_t(i)] / u / lv.network_bandwidth);
    r.level_cycles[size_t(i)] = cyc;
    if (cyc > steady) {
      steady = cyc;
      r.bottleneck = i;
    }
  }
  // Exposed time: a single-buffered level cannot fill while its children compute; latency of a
  // level is paid per transfer burst unless its children double-buffer; systolic arrays pay the
  // fill/drain skew of the array each time their tile changes.
  double exposed = 0;
  for (int i = 1; i < L; ++i) {
    const auto& lv = m.levels[size_t(i)];
    if (lv.multiple_buffering >= 2 || lv.write_bandwidth <= 0) continue;
    double fill_words = 0;
    for (int t = 0; t < T; ++t)
      if (c.at[size_t(i)][size_t(t)].kept && t != out)
        fill_words +=
            double(c.at[size_t(i)][size_t(t)].fills) * double(p.tensors[size_t(t)].bits) / lv.word_bits;
    exposed += fill_words / double(tb.spatial_above[size_t(i)]) / lv.write_bandwidth;
  }
  for (int i = 0; i + 1 < L; ++i) {
    const auto& lv = m.levels[size_t(i)];
    if (lv.latency_cycles <= 0) continue;
    // Bursts: iterations of the temporal loops above level i + 1 (one if it double-buffers).
    const int64_t bursts = m.levels[size_t(i + 1)].multiple_buffering < 2
                               ? tb.temporal_prefix[size_t(nest.level_begin[size_t(i + 1)])]
                               : 1;
    exposed += double(lv.latency_cycles) * double(bursts);
  }
  for (int i = 0; i < L; ++i) {
    const auto& lv = m.levels[size_t(i)];
    if (lv.topology != Topology::Systolic) continue;
    int64_t ux = 1, uy = 1;
    for (const auto& l : map.levels[size_t(i)].spatial) (l.axis == mapping::Axis::X ? ux : uy) *= l.factor;
    const int64_t passes = tb.temporal_prefix[size_t(nest.level_begin[size_t(i + 1 < L ? i + 1 : L)])];
    exposed += double(ux + uy - 2) * double(passes);
  }
  r.exposed_cycles = exposed;
  r.cycles = steady + exposed;

  r.total_units = total_units_;
  r.active_units = tb.spatial_above[size_t(L)];
  const double useful = m.sparsity.skipping ? r.nonzero_macs : double(c.macs);
  r.utilization = r.cycles > 0 ? useful / (r.cycles * double(r.total_units)) : 0;

  double leak = 0;
  for (int i = 0; i < L; ++i) {
    r.leak_pj[size_t(i)] = leak_rate_[size_t(i)] * r.cycles;
    leak += r.leak_pj[size_t(i)];
  }
  r.compute_leak_pj = compute_leak_rate_ * r.cycles;
  r.area_um2 = area_um2_;
  double e = r.mac_energy_pj + leak + r.compute_leak_pj;
  for (int i = 0; i < L; ++i) e += r.level_energy_pj[size_t(i)];
  r.energy_pj = e;
  r.dram_accesses_per_mac = c.macs ? dram_words / double(c.macs) : 0;
#ifndef NDEBUG
  verify(p, r);
#endif
}

}  // namespace coda::model
