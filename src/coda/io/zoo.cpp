#include "coda/io/zoo.hpp"

#include <fmt/format.h>

#include "coda/common/error.hpp"
#include "coda/io/embedded.hpp"
#include "coda/io/network_yaml.hpp"

namespace coda::io {
namespace {

constexpr std::string_view kPrefix = "zoo/";
constexpr std::string_view kSuffix = ".yaml";

std::string name_of(const std::string& path) {
  return path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
}

}  // namespace

std::vector<ZooEntry> zoo_list() {
  std::vector<ZooEntry> out;
  for (const std::string& path : embedded_files_under(kPrefix)) {
    if (path.size() <= kSuffix.size() || path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0)
      continue;
    workload::NetworkSpec spec = parse_network_yaml(std::string(*embedded_file(path)), "<zoo>/" + name_of(path) + ".yaml");
    out.push_back(ZooEntry{name_of(path), spec.title, spec.source});
  }
  return out;
}

bool zoo_has(const std::string& name) {
  return embedded_file(std::string(kPrefix) + name + std::string(kSuffix)).has_value();
}

workload::NetworkSpec zoo_network(const std::string& name) {
  auto text = embedded_file(std::string(kPrefix) + name + std::string(kSuffix));
  if (!text) {
    std::string names;
    for (const std::string& path : embedded_files_under(kPrefix)) names += (names.empty() ? "" : ", ") + name_of(path);
    throw InputError(fmt::format("unknown zoo network '{}'; available: {}", name, names));
  }
  return parse_network_yaml(std::string(*text), "<zoo>/" + name + ".yaml");
}

}  // namespace coda::io
