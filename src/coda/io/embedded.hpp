#pragma once
// Access to the data files embedded into the binary at build time (data/ in the repository:
// zoo networks, architecture presets, default experiments). See cmake/EmbedData.cmake.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coda::io {

/// Contents of an embedded file by its path relative to data/ ("zoo/alexnet.yaml").
std::optional<std::string_view> embedded_file(std::string_view path);
/// Paths of the embedded files under a folder ("zoo/"), sorted.
std::vector<std::string> embedded_files_under(std::string_view prefix);

}  // namespace coda::io
