#include "coda/io/network_loader.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "coda/common/error.hpp"
#include "coda/io/network_yaml.hpp"
#include "coda/io/yaml_reader.hpp"
#include "coda/io/zoo.hpp"

namespace coda::io {
namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace

workload::NetworkSpec load_network_spec(const std::string& name_or_path) {
  std::error_code ec;
  const bool is_file = std::filesystem::is_regular_file(name_or_path, ec);
  if (!is_file) {
    if (zoo_has(name_or_path)) return zoo_network(name_or_path);
    if (std::filesystem::exists(name_or_path, ec))
      throw InputError(fmt::format("{}: not a regular file", name_or_path));
    if (name_or_path.find('/') != std::string::npos || name_or_path.find('.') != std::string::npos)
      throw InputError(fmt::format("{}: no such file (and not a zoo network name; see 'coda zoo')", name_or_path));
    return zoo_network(name_or_path);  // throws "unknown zoo network" with the list
  }
  const std::string ext = lower_extension(name_or_path);
  if (ext == ".yaml" || ext == ".yml") return read_network_yaml(name_or_path);
  throw InputError(fmt::format("{}: unsupported network file extension '{}'; expected .yaml/.yml (coda network)",
                               name_or_path, ext));
}

}  // namespace coda::io
