#include "coda/io/embedded.hpp"

#include <utility>

namespace coda::io {
namespace detail {
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files();
}  // namespace detail

std::optional<std::string_view> embedded_file(std::string_view path) {
  for (const auto& [p, text] : detail::embedded_files())
    if (p == path) return text;
  return std::nullopt;
}

std::vector<std::string> embedded_files_under(std::string_view prefix) {
  std::vector<std::string> out;
  for (const auto& [p, text] : detail::embedded_files())
    if (p.substr(0, prefix.size()) == prefix) out.emplace_back(p);
  return out;
}

}  // namespace coda::io
