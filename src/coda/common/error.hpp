#pragma once
// Errors that coda reports to the user. Every error caused by bad input (a file, a flag, a zoo
// name) is an InputError: the CLI prints its message and exits with code 2. Anything else that
// escapes is a bug in coda (exit code 1 with "internal error").
#include <stdexcept>
#include <string>

namespace coda {

/// Bad input from the user: the message names the file, line or key, and what was expected.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

/// A 64-bit count overflowed. This is an input problem (a workload too large to count), so it
/// derives from InputError and exits with code 2, never wraps around silently.
class OverflowError : public InputError {
 public:
  explicit OverflowError(const std::string& what) : InputError(what) {}
};

}  // namespace coda
