#pragma once
// A plain table of strings that renders as aligned text (terminal) or CSV. Writers format
// figures; they never compute them (design.md §1).
#include <string>
#include <vector>

namespace coda::report {

class Table {
 public:
  enum class Align { Left, Right };
  void add_column(std::string header, Align align = Align::Right);
  void add_row(std::vector<std::string> cells);
  void add_separator();  ///< a rule before the next row (text only; e.g. before totals)

  std::string to_text() const;
  std::string to_csv() const;

  size_t rows() const { return rows_.size(); }

 private:
  std::vector<std::string> headers_;
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<size_t> separators_;  ///< row indices preceded by a rule
};

/// Quotes a CSV field if needed (RFC 4180).
std::string csv_escape(const std::string& s);
/// 724406816 -> "724.4M"; keeps 4 significant digits, k/M/G/T suffixes.
std::string human_count(double v);
/// 724406816 -> "724,406,816".
std::string grouped(long long v);

}  // namespace coda::report
