#include "coda/arch/architecture.hpp"

#include <algorithm>
#include <stdexcept>

#include "coda/common/checked.hpp"

namespace coda::arch {

namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::string_view topology_name(Topology t) {
  switch (t) {
    case Topology::Bus: return "bus";
    case Topology::Mesh: return "mesh";
    case Topology::Systolic: return "systolic";
  }
  return "bus";
}

std::optional<Topology> parse_topology(std::string_view name) {
  if (name == "bus") return Topology::Bus;
  if (name == "mesh") return Topology::Mesh;
  if (name == "systolic") return Topology::Systolic;
  return std::nullopt;
}

bool Network::names(std::string_view tensor) const { return contains(tensors, tensor); }

bool Partition::holds(std::string_view tensor) const { return contains(tensors, tensor); }

int64_t StorageLevel::instances_per_parent() const { return checked_mul(mesh_x, mesh_y, "level instances"); }

bool StorageLevel::may_keep(std::string_view tensor) const {
  if (!keeps.empty() && !contains(keeps, tensor)) return false;
  if (!partitions.empty()) return partition_for(tensor) != nullptr;
  return true;
}

const Partition* StorageLevel::partition_for(std::string_view tensor) const {
  for (const Partition& p : partitions)
    if (p.holds(tensor)) return &p;
  return nullptr;
}

int64_t StorageLevel::capacity_for(std::string_view tensor) const {
  if (!may_keep(tensor))
    throw std::invalid_argument("level '" + name + "' may not keep tensor '" + std::string(tensor) + "'");
  if (const Partition* p = partition_for(tensor)) return p->capacity_words;
  return capacity_words;
}

int StorageLevel::word_bits_for(std::string_view tensor) const {
  const Partition* p = partition_for(tensor);
  return p && p->word_bits > 0 ? p->word_bits : word_bits;
}

const Network& StorageLevel::network_for(std::string_view tensor) const {
  static const Network kDefault{};
  for (const Network& n : networks)
    if (n.names(tensor)) return n;
  for (const Network& n : networks)
    if (n.is_catch_all()) return n;
  return kDefault;
}

int64_t StorageLevel::capacity_bits() const {
  if (partitions.empty()) return checked_mul(capacity_words, word_bits, "level capacity in bits");
  int64_t bits = 0;
  for (const Partition& p : partitions)
    bits = checked_add(bits, checked_mul(p.capacity_words, p.word_bits > 0 ? p.word_bits : word_bits,
                                         "partition capacity in bits"),
                       "level capacity in bits");
  return bits;
}

int64_t StorageLevel::capacity_bits_of_class(std::string_view c) const {
  if (partitions.empty()) return cls == c ? capacity_bits() : 0;
  int64_t bits = 0;
  for (const Partition& p : partitions)
    if ((p.cls.empty() ? cls : p.cls) == c)
      bits = checked_add(bits, checked_mul(p.capacity_words, p.word_bits > 0 ? p.word_bits : word_bits,
                                           "partition capacity in bits"),
                         "level capacity in bits");
  return bits;
}

int64_t Compute::instances_per_parent() const { return checked_mul(mesh_x, mesh_y, "compute instances"); }

std::vector<std::string> default_tensor_names() { return {"Weights", "Inputs", "Outputs"}; }

int64_t Architecture::total_instances(size_t i) const {
  if (i >= levels.size()) throw std::out_of_range("level index out of range");
  int64_t n = 1;
  for (size_t k = 0; k <= i; ++k) n = checked_mul(n, levels[k].instances_per_parent(), "total instances");
  return n;
}

int64_t Architecture::total_macs() const {
  const int64_t leaves = levels.empty() ? 1 : total_instances(levels.size() - 1);
  return checked_mul(leaves, compute.instances_per_parent(), "MAC units");
}

int64_t Architecture::pe_count() const {
  if (levels.size() >= 2 && levels.back().instances_per_parent() > 1) return total_instances(levels.size() - 1);
  return total_macs();
}

double Architecture::peak_macs_per_second() const { return static_cast<double>(total_macs()) * clock_hz; }

std::optional<size_t> Architecture::level_index(std::string_view n) const {
  for (size_t i = 0; i < levels.size(); ++i)
    if (levels[i].name == n) return i;
  return std::nullopt;
}

int64_t Architecture::on_chip_bits() const {
  int64_t bits = 0;
  for (size_t i = 0; i < levels.size(); ++i) {
    if (levels[i].is_dram()) continue;
    bits = checked_add(bits, checked_mul(levels[i].capacity_bits(), total_instances(i), "on-chip bits"),
                       "on-chip bits");
  }
  return bits;
}

int64_t Architecture::on_chip_bits_of_class(std::string_view c) const {
  int64_t bits = 0;
  for (size_t i = 0; i < levels.size(); ++i) {
    if (levels[i].is_dram()) continue;
    bits = checked_add(bits, checked_mul(levels[i].capacity_bits_of_class(c), total_instances(i), "on-chip bits"),
                       "on-chip bits");
  }
  return bits;
}

bool Architecture::knows_tensor(std::string_view tensor) const { return contains(tensors, tensor); }

}  // namespace coda::arch
