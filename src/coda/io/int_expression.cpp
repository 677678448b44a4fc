#include "coda/io/int_expression.hpp"

#include <fmt/format.h>

#include <cctype>

#include "coda/common/error.hpp"

namespace coda::io {
namespace {

// A recursive-descent parser over the text; `pos_` always points at the next unread character.
class Parser {
 public:
  Parser(std::string_view text, const IntLookup& lookup) : text_(text), lookup_(lookup) {}

  int64_t parse() {
    const int64_t v = expr(0);
    skip_space();
    if (pos_ != text_.size()) fail(fmt::format("unexpected '{}' at position {}", text_[pos_], pos_ + 1));
    return v;
  }

 private:
  static constexpr int kMaxDepth = 64;

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(fmt::format("expression '{}': {}", text_, what));
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool accept(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  int64_t expr(int depth) {
    int64_t v = term(depth);
    for (;;) {
      if (accept('+')) {
        const int64_t r = term(depth);
        if (__builtin_add_overflow(v, r, &v)) fail("64-bit overflow in '+'");
      } else if (accept('-')) {
        const int64_t r = term(depth);
        if (__builtin_sub_overflow(v, r, &v)) fail("64-bit overflow in '-'");
      } else {
        return v;
      }
    }
  }

  int64_t term(int depth) {
    int64_t v = unary(depth);
    for (;;) {
      if (accept('*')) {
        const int64_t r = unary(depth);
        if (__builtin_mul_overflow(v, r, &v)) fail("64-bit overflow in '*'");
      } else if (const bool divide = accept('/'), modulo = !divide && accept('%'); divide || modulo) {
        const int64_t r = unary(depth);
        if (r == 0) fail(modulo ? "modulo by zero" : "division by zero");
        if (v == INT64_MIN && r == -1) fail("64-bit overflow in '/'");
        v = modulo ? v % r : v / r;
      } else {
        return v;
      }
    }
  }

  int64_t unary(int depth) {
    if (depth > kMaxDepth) fail("nested too deeply");
    if (accept('-')) {
      const int64_t v = unary(depth + 1);
      if (v == INT64_MIN) fail("64-bit overflow in unary '-'");
      return -v;
    }
    if (accept('+')) return unary(depth + 1);
    return primary(depth);
  }

  int64_t primary(int depth) {
    skip_space();
    if (pos_ >= text_.size()) fail(pos_ == 0 ? "empty expression" : "unexpected end");
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      const int64_t v = expr(depth + 1);
      if (!accept(')')) fail(fmt::format("expected ')' at position {}", pos_ + 1));
      return v;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      int64_t v = 0;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
        if (__builtin_mul_overflow(v, int64_t{10}, &v) || __builtin_add_overflow(v, int64_t{text_[pos_] - '0'}, &v))
          fail("integer literal does not fit in 64 bits");
        ++pos_;
      }
      return v;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const size_t start = pos_;
      while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
        ++pos_;
      const std::string_view name = text_.substr(start, pos_ - start);
      std::optional<int64_t> v = lookup_ ? lookup_(name) : std::nullopt;
      if (!v) fail(fmt::format("unknown parameter '{}'", name));
      return *v;
    }
    fail(fmt::format("unexpected '{}' at position {}", c, pos_ + 1));
  }

  std::string_view text_;
  const IntLookup& lookup_;
  size_t pos_ = 0;
};

}  // namespace

int64_t evaluate_int_expression(std::string_view expr, const IntLookup& lookup) {
  return Parser(expr, lookup).parse();
}

}  // namespace coda::io
