#pragma once
// The built-in model zoo: network YAML files under data/zoo/, embedded in the binary.
#include <string>
#include <vector>

#include "coda/workload/network.hpp"

namespace coda::io {

struct ZooEntry {
  std::string name;   ///< "alexnet"
  std::string title;  ///< one-line description
  std::string source;
};

/// Every zoo network, sorted by name.
std::vector<ZooEntry> zoo_list();
/// True if `name` is a zoo network.
bool zoo_has(const std::string& name);
/// The zoo network `name`; InputError listing the available names if unknown.
workload::NetworkSpec zoo_network(const std::string& name);

}  // namespace coda::io
