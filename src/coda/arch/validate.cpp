#include "coda/arch/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "coda/common/checked.hpp"
#include "coda/common/error.hpp"

namespace coda::arch {
namespace {

template <size_t N>
bool one_of(std::string_view s, const std::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

template <size_t N>
std::string join(const std::string_view (&list)[N]) {
  std::string out;
  for (std::string_view s : list) out += (out.empty() ? "" : ", ") + std::string(s);
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

// Builds messages of the form "<file:line>: architecture 'x', level 'y', key 'z': <problem>".
class Checker {
 public:
  explicit Checker(const Architecture& a) : a_(a) {}

  std::vector<std::string> run() {
    check_top();
    check_tensors();
    if (a_.levels.empty()) fail(a_.origin, "", "levels", "expected at least one storage level");
    std::set<std::string> names;
    for (size_t i = 0; i < a_.levels.size(); ++i) {
      const StorageLevel& l = a_.levels[i];
      if (l.name.empty()) fail(l.origin, fmt::format("#{}", i + 1), "name", "expected a non-empty level name");
      if (!names.insert(l.name).second)
        fail(l.origin, l.name, "name", "duplicate level name (level names must be unique)");
      check_level(i);
    }
    if (names.count(a_.compute.name))
      fail(a_.compute.origin, "", "compute.name",
           fmt::format("the compute units are named '{}' like a storage level; names must be unique", a_.compute.name));
    check_compute();
    check_sparsity();
    check_outermost_keeps_everything();
    check_bandwidth_balance();
    return warnings_;
  }

 private:
  [[noreturn]] void fail(const Origin& o, const std::string& level, const std::string& key,
                         const std::string& problem) const {
    std::string where = !o.where.empty() ? o.where : a_.origin.where;
    std::string what = fmt::format("architecture '{}'", a_.name);
    if (!level.empty()) what += fmt::format(", level '{}'", level);
    if (!key.empty()) what += fmt::format(", key '{}'", key);
    throw InputError(fmt::format("{}{}{}: {}", where, where.empty() ? "" : ": ", what, problem));
  }

  void warn(const std::string& level, const std::string& text) {
    warnings_.push_back(fmt::format("architecture '{}', level '{}': {}", a_.name, level, text));
  }

  void check_top() {
    if (a_.name.empty()) fail(a_.origin, "", "name", "expected a non-empty architecture name");
    if (!(std::isfinite(a_.clock_hz) && a_.clock_hz > 0))
      fail(a_.origin, "", "clock_mhz", fmt::format("expected a clock frequency > 0, got {} Hz", a_.clock_hz));
    if (!one_of(a_.tech.model, kTechnologyModels))
      fail(a_.origin, "", "technology.model",
           fmt::format("unknown technology model '{}'; expected one of: {}", a_.tech.model, join(kTechnologyModels)));
    if (a_.tech.node_nm < 1 || a_.tech.node_nm > 1000)
      fail(a_.origin, "", "technology.node_nm", fmt::format("expected a node in [1, 1000] nm, got {}", a_.tech.node_nm));
    if (!a_.dataflow.empty()) {
      size_t start = 0;
      for (;;) {
        const size_t slash = a_.dataflow.find('/', start);
        const std::string part = a_.dataflow.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (!one_of(part, kDataflows))
          fail(a_.origin, "", "dataflow",
               fmt::format("unknown dataflow '{}'; expected one of {} (several joined with '/')", part, join(kDataflows)));
        if (slash == std::string::npos) break;
        start = slash + 1;
      }
    }
  }

  void check_tensors() {
    if (a_.tensors.empty()) fail(a_.origin, "", "tensors", "expected at least one tensor name");
    std::set<std::string> seen;
    for (const std::string& t : a_.tensors) {
      if (!is_identifier(t)) fail(a_.origin, "", "tensors", fmt::format("'{}' is not a valid tensor name", t));
      if (!seen.insert(t).second) fail(a_.origin, "", "tensors", fmt::format("tensor '{}' is listed twice", t));
    }
  }

  void check_known(const Origin& o, const std::string& level, const std::string& key, const std::string& t) const {
    if (!a_.knows_tensor(t))
      fail(o, level, key,
           fmt::format("unknown tensor '{}'; known tensors: {} (declare others under 'tensors')", t, join(a_.tensors)));
  }

  void check_bandwidth(const StorageLevel& l, const std::string& key, double v) const {
    if (!(std::isfinite(v) && v >= 0))
      fail(l.origin, l.name, key, fmt::format("expected a bandwidth >= 0 words/cycle (0 = unlimited), got {}", v));
  }

  void check_optional_energy(const Origin& o, const std::string& level, const std::string& key,
                             const std::optional<double>& v) const {
    if (v && !(std::isfinite(*v) && *v >= 0)) fail(o, level, key, fmt::format("expected a value >= 0, got {}", *v));
  }

  void check_level(size_t i) {
    const StorageLevel& l = a_.levels[i];
    const std::string& n = l.name;
    if (!one_of(l.cls, kStorageClasses))
      fail(l.origin, n, "class", fmt::format("unknown storage class '{}'; expected one of: {}", l.cls, join(kStorageClasses)));
    if (l.is_dram()) {
      if (i != 0) fail(l.origin, n, "class", "a DRAM level must be the outermost level (levels[0])");
      if (!l.subclass.empty() && !one_of(l.subclass, kDramSubclasses))
        fail(l.origin, n, "subclass",
             fmt::format("unknown DRAM type '{}'; expected one of: {} (or none for a generic DRAM)", l.subclass,
                         join(kDramSubclasses)));
    }
    if (l.mesh_x < 1 || l.mesh_y < 1)
      fail(l.origin, n, "mesh", fmt::format("expected a fanout of at least 1 x 1, got {} x {}", l.mesh_x, l.mesh_y));
    (void)a_.total_instances(i);  // throws OverflowError on absurd fanouts
    if (l.word_bits < 1 || l.word_bits > 1024)
      fail(l.origin, n, "word_bits", fmt::format("expected a word width in [1, 1024] bits, got {}", l.word_bits));
    if (l.block_words < 1) fail(l.origin, n, "block_words", fmt::format("expected block_words >= 1, got {}", l.block_words));
    if (l.multiple_buffering < 1 || l.multiple_buffering > 16)
      fail(l.origin, n, "multiple_buffering",
           fmt::format("expected a multiple-buffering factor in [1, 16], got {}", l.multiple_buffering));
    if (l.latency_cycles < 0)
      fail(l.origin, n, "latency_cycles", fmt::format("expected a latency >= 0 cycles, got {}", l.latency_cycles));
    check_bandwidth(l, "read_bandwidth", l.read_bandwidth);
    check_bandwidth(l, "write_bandwidth", l.write_bandwidth);
    check_bandwidth(l, "shared_bandwidth", l.shared_bandwidth);
    check_optional_energy(l.origin, n, "read_energy_pj", l.read_energy_pj);
    check_optional_energy(l.origin, n, "write_energy_pj", l.write_energy_pj);
    check_optional_energy(l.origin, n, "area_um2", l.area_um2);
    check_capacity(l);
    std::set<std::string> kept;
    for (const std::string& t : l.keeps) {
      check_known(l.origin, n, "keeps", t);
      if (!kept.insert(t).second) fail(l.origin, n, "keeps", fmt::format("tensor '{}' is listed twice", t));
      if (!l.partitions.empty() && l.partition_for(t) == nullptr)
        fail(l.origin, n, "keeps", fmt::format("tensor '{}' is kept but no partition holds it", t));
    }
    check_networks(l);
  }

  void check_capacity(const StorageLevel& l) {
    const std::string& n = l.name;
    if (l.partitions.empty()) {
      if (l.capacity_words < 0)
        fail(l.origin, n, "capacity_words", fmt::format("expected a capacity >= 0 words, got {}", l.capacity_words));
      if (l.capacity_words == 0 && !l.is_dram())
        fail(l.origin, n, "capacity_words",
             "missing capacity (capacity_words or capacity_bytes); only a DRAM level may be unbounded");
      if (l.capacity_words > 0 && l.capacity_words < l.block_words)
        fail(l.origin, n, "block_words",
             fmt::format("a block of {} words is larger than the capacity of {} words", l.block_words, l.capacity_words));
      if (l.capacity_words > 0 && l.capacity_words % l.block_words != 0)
        warn(n, fmt::format("capacity {} words is not a multiple of block_words {}", l.capacity_words, l.block_words));
      return;
    }
    if (l.is_dram()) fail(l.origin, n, "partitions", "a DRAM level cannot be partitioned");
    std::set<std::string> names, held;
    int64_t sum = 0;
    bool same_width = true;
    for (const Partition& p : l.partitions) {
      const std::string key = fmt::format("partitions.{}", p.name.empty() ? "?" : p.name);
      if (!is_identifier(p.name)) fail(l.origin, n, key, fmt::format("'{}' is not a valid partition name", p.name));
      if (!names.insert(p.name).second) fail(l.origin, n, key, "duplicate partition name");
      if (p.tensors.empty()) fail(l.origin, n, key + ".tensors", "expected at least one tensor");
      for (const std::string& t : p.tensors) {
        check_known(l.origin, n, key + ".tensors", t);
        if (!held.insert(t).second)
          fail(l.origin, n, key + ".tensors", fmt::format("tensor '{}' is held by two partitions", t));
      }
      if (p.capacity_words < 1)
        fail(l.origin, n, key + ".capacity_words", fmt::format("expected a capacity >= 1 word, got {}", p.capacity_words));
      if (!p.cls.empty() && !one_of(p.cls, kStorageClasses))
        fail(l.origin, n, key + ".class",
             fmt::format("unknown storage class '{}'; expected one of: {}", p.cls, join(kStorageClasses)));
      if (p.cls == "dram") fail(l.origin, n, key + ".class", "a partition of an on-chip level cannot be DRAM");
      if (p.word_bits < 0 || p.word_bits > 1024)
        fail(l.origin, n, key + ".word_bits", fmt::format("expected a word width in [1, 1024] bits, got {}", p.word_bits));
      if (p.word_bits != 0 && p.word_bits != l.word_bits) same_width = false;
      sum = checked_add(sum, p.capacity_words, "partition capacities");
    }
    // With one width for every partition the level capacity is their sum in words; with mixed
    // widths a word count is meaningless and the level capacity is not used (partitions rule).
    if (same_width && l.capacity_words != sum)
      fail(l.origin, n, "capacity_words",
           fmt::format("the partitions add up to {} words but the level capacity is {} words", sum, l.capacity_words));
    if (!same_width && l.capacity_words != 0)
      fail(l.origin, n, "capacity_words",
           "partitions of different word widths: give capacities per partition only, not for the level");
  }

  void check_networks(const StorageLevel& l) {
    const std::string& n = l.name;
    std::set<std::string> carried;
    int catch_all = 0;
    for (size_t k = 0; k < l.networks.size(); ++k) {
      const Network& net = l.networks[k];
      const std::string key = fmt::format("network[{}]", k);
      if (net.is_catch_all() && ++catch_all > 1)
        fail(l.origin, n, key + ".tensors", "only one network may omit 'tensors' (the one carrying the rest)");
      for (const std::string& t : net.tensors) {
        check_known(l.origin, n, key + ".tensors", t);
        if (!carried.insert(t).second)
          fail(l.origin, n, key + ".tensors", fmt::format("tensor '{}' is carried by two networks", t));
      }
      if (!(std::isfinite(net.bandwidth_words) && net.bandwidth_words >= 0))
        fail(l.origin, n, key + ".bandwidth",
             fmt::format("expected a bandwidth >= 0 words/cycle (0 = unlimited), got {}", net.bandwidth_words));
      if (!(std::isfinite(net.hop_mm) && net.hop_mm >= 0))
        fail(l.origin, n, key + ".hop_mm", fmt::format("expected a wire length >= 0 mm, got {}", net.hop_mm));
      check_optional_energy(l.origin, n, key + ".hop_energy_pj", net.hop_energy_pj);
    }
    if (!l.networks.empty() && catch_all == 0)
      for (const std::string& t : a_.tensors)
        if (!carried.count(t))
          fail(l.origin, n, "network",
               fmt::format("no network carries tensor '{}' to the children (name it, or add a network without "
                           "'tensors' for the rest)",
                           t));
  }

  void check_compute() {
    const Compute& c = a_.compute;
    if (c.name.empty()) fail(c.origin, "", "compute.name", "expected a non-empty name");
    if (c.mesh_x < 1 || c.mesh_y < 1)
      fail(c.origin, "", "compute.mesh", fmt::format("expected at least 1 x 1 MAC units, got {} x {}", c.mesh_x, c.mesh_y));
    (void)a_.total_macs();
    if (c.operand_bits < 1 || c.operand_bits > 64)
      fail(c.origin, "", "compute.operand_bits", fmt::format("expected operand bits in [1, 64], got {}", c.operand_bits));
    if (c.pipeline_depth < 1 || c.pipeline_depth > 1024)
      fail(c.origin, "", "compute.pipeline_depth",
           fmt::format("expected a pipeline depth in [1, 1024] cycles, got {}", c.pipeline_depth));
    check_optional_energy(c.origin, "", "compute.mac_energy_pj", c.mac_energy_pj);
  }

  void check_sparsity() {
    const Sparsity& s = a_.sparsity;
    if (s.gating && s.skipping)
      fail(a_.origin, "", "sparsity", "gating and skipping are alternatives (skipping saves the cycle too); choose one");
    std::set<std::string> seen;
    for (const std::string& t : s.compressed_tensors) {
      check_known(a_.origin, "", "sparsity.compressed_tensors", t);
      if (!seen.insert(t).second)
        fail(a_.origin, "", "sparsity.compressed_tensors", fmt::format("tensor '{}' is listed twice", t));
    }
    if (!one_of(s.compression, kCompressionFormats))
      fail(a_.origin, "", "sparsity.compression",
           fmt::format("unknown compression '{}'; expected one of: {}", s.compression, join(kCompressionFormats)));
  }

  // The outermost level is where every tensor lives before and after the layer.
  void check_outermost_keeps_everything() {
    const StorageLevel& top = a_.levels.front();
    for (const std::string& t : a_.tensors)
      if (!top.may_keep(t))
        fail(top.origin, top.name, top.partitions.empty() ? "keeps" : "partitions",
             fmt::format("the outermost level must be able to keep every tensor, but not '{}'", t));
  }

  static double read_supply(const StorageLevel& l) {
    if (l.read_bandwidth > 0 && l.shared_bandwidth > 0) return std::min(l.read_bandwidth, l.shared_bandwidth);
    return l.read_bandwidth > 0 ? l.read_bandwidth : l.shared_bandwidth;
  }
  static double fill_demand(const StorageLevel& l) {
    if (l.write_bandwidth > 0 && l.shared_bandwidth > 0) return std::min(l.write_bandwidth, l.shared_bandwidth);
    return l.write_bandwidth > 0 ? l.write_bandwidth : l.shared_bandwidth;
  }

  // A parent that cannot supply what all its children can absorb is legal (the children wait),
  // but worth pointing out: it is often a typo in the bandwidth units. With multicast, one read
  // may fill several children, so the comparison is only meaningful without it.
  void check_bandwidth_balance() {
    for (size_t i = 0; i + 1 < a_.levels.size(); ++i) {
      const StorageLevel& parent = a_.levels[i];
      const StorageLevel& child = a_.levels[i + 1];
      const double supply = read_supply(parent);
      const double per_child = fill_demand(child);
      if (supply <= 0 || per_child <= 0) continue;
      bool multicast = parent.networks.empty();
      for (const Network& net : parent.networks) multicast = multicast || net.multicast;
      const double demand = per_child * static_cast<double>(child.instances_per_parent());
      if (!multicast && demand > supply)
        warn(child.name, fmt::format("its {} instances can absorb {} words/cycle but '{}' delivers at most {} "
                                     "words/cycle without multicast",
                                     child.instances_per_parent(), demand, parent.name, supply));
    }
  }

  const Architecture& a_;
  std::vector<std::string> warnings_;
};

}  // namespace

std::vector<std::string> validate(const Architecture& arch) { return Checker(arch).run(); }

}  // namespace coda::arch
