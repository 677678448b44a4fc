#pragma once
// Overflow-checked 64-bit arithmetic for counts (MACs, weights, accesses). Counts in coda are
// int64_t; an overflow throws OverflowError instead of wrapping (DEVELOPERS.md, "Correctness").
#include <cstdint>
#include <string>

#include "coda/common/error.hpp"

namespace coda {

/// Throws OverflowError for `what`; out of line so that the checks inline to a test and a jump.
[[noreturn]] void throw_overflow(const char* what);

inline int64_t checked_mul(int64_t a, int64_t b, const char* what = "count") {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) [[unlikely]]
    throw_overflow(what);
  return r;
}

inline int64_t checked_add(int64_t a, int64_t b, const char* what = "count") {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) [[unlikely]]
    throw_overflow(what);
  return r;
}

/// ceil(a / b) for a >= 0, b > 0.
constexpr int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace coda
