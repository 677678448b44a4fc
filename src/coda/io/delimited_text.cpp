#include "coda/io/delimited_text.hpp"

#include <fmt/format.h>

#include <charconv>

#include "coda/common/error.hpp"

namespace coda::io {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_blank(s[b])) ++b;
  while (e > b && is_blank(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

bool parse_int64(std::string_view s, int64_t& out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return false;
  out = v;
  return true;
}

std::string TextRecord::where() const { return fmt::format("{}:{}", file, line); }

std::string TextRecord::where(size_t index, const std::string& what) const {
  return fmt::format("{}:{}: field {} ({})", file, line, index + 1, what);
}

void TextRecord::fail(const std::string& message) const {
  throw InputError(fmt::format("{}: {}", where(), message));
}

void TextRecord::fail(size_t index, const std::string& what, const std::string& message) const {
  throw InputError(fmt::format("{}: {}", where(index, what), message));
}

int64_t TextRecord::get_int(size_t index, const std::string& what) const {
  if (index >= fields.size())
    fail(fmt::format("missing field {} ({}); the line has {} fields", index + 1, what, fields.size()));
  int64_t v = 0;
  if (!parse_int64(fields[index], v))
    fail(index, what, fmt::format("expected an integer, got '{}'", fields[index]));
  return v;
}

int64_t TextRecord::get_int(size_t index, const std::string& what, int64_t min) const {
  int64_t v = get_int(index, what);
  if (v < min) fail(index, what, fmt::format("expected an integer >= {}, got {}", min, v));
  return v;
}

std::vector<TextRecord> split_delimited(std::string_view text, const std::string& file,
                                        const DelimitedOptions& options) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<TextRecord> out;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find('\0') != std::string_view::npos)
      throw InputError(fmt::format("{}:{}: unexpected NUL byte; expected a text file", file, line_no));
    const std::string trimmed = trim(line);
    if (trimmed.empty() && options.skip_blank) continue;
    if (options.comment != '\0' && !trimmed.empty() && trimmed[0] == options.comment) continue;
    TextRecord r;
    r.file = file;
    r.line = line_no;
    if (options.delimiter == '\0') {
      size_t i = 0;
      while (i < trimmed.size()) {
        while (i < trimmed.size() && is_blank(trimmed[i])) ++i;
        size_t j = i;
        while (j < trimmed.size() && !is_blank(trimmed[j])) ++j;
        if (j > i) r.fields.push_back(trimmed.substr(i, j - i));
        i = j;
      }
    } else {
      size_t i = 0;
      while (true) {
        size_t j = trimmed.find(options.delimiter, i);
        if (j == std::string::npos) {
          r.fields.push_back(trim(std::string_view(trimmed).substr(i)));
          break;
        }
        r.fields.push_back(trim(std::string_view(trimmed).substr(i, j - i)));
        i = j + 1;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace coda::io
