#pragma once
// Line-oriented text formats (energy-estimation-tool layer files, SCALE-Sim topology CSVs): split a
// file into records of fields, keeping the 1-based line number of every record so that each error
// names the file, the line and the field. Typed field getters throw InputError with that context.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coda::io {

struct DelimitedOptions {
  char delimiter = ',';        ///< field separator; '\0' splits on runs of spaces and tabs
  bool skip_blank = true;      ///< drop lines that are empty or only whitespace
  char comment = '\0';         ///< if set, a line whose first non-blank character is this is dropped
};

/// One non-blank line of a delimited text file.
struct TextRecord {
  std::string file;                 ///< for messages
  int line = 0;                     ///< 1-based line number in the file
  std::vector<std::string> fields;  ///< trimmed of spaces and tabs

  size_t size() const { return fields.size(); }
  /// "file:line".
  std::string where() const;
  /// "file:line: field k (what)" (k is 1-based).
  std::string where(size_t index, const std::string& what) const;
  /// The field as an integer; InputError naming file, line, field and `what` if it is not one.
  int64_t get_int(size_t index, const std::string& what) const;
  /// get_int() with a lower bound (`min` is named in the message).
  int64_t get_int(size_t index, const std::string& what, int64_t min) const;
  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void fail(size_t index, const std::string& what, const std::string& message) const;
};

/// Splits `text` into records. Accepts LF and CRLF line ends and a leading UTF-8 byte-order mark;
/// a NUL byte anywhere is an error (binary file given by mistake).
std::vector<TextRecord> split_delimited(std::string_view text, const std::string& file,
                                        const DelimitedOptions& options = {});

/// Parses a whole string as a base-10 int64; false if it is not exactly one (no sign-less
/// garbage, no overflow). Leading '+' is accepted.
bool parse_int64(std::string_view s, int64_t& out);

}  // namespace coda::io
