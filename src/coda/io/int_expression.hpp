#pragma once
// Integer expressions for parameterised files (architecture presets: `${N*N}`, `${GLB_KIB*1024}`).
// Grammar (whitespace ignored):
//   expr    := term (('+' | '-') term)*
//   term    := unary (('*' | '/' | '%') unary)*
//   unary   := ('+' | '-') unary | primary
//   primary := integer | name | '(' expr ')'
//   name    := [A-Za-z_][A-Za-z0-9_]*
// Arithmetic is on int64_t; '/' and '%' truncate toward zero as in C++. Division by zero,
// overflow, unknown names, malformed text and nesting deeper than 64 throw InputError.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace coda::io {

/// Looks a name up; nullopt if the name is unknown.
using IntLookup = std::function<std::optional<int64_t>(std::string_view)>;

/// Evaluates `expr`. Error messages start with "expression '<expr>': " (the caller prefixes the
/// file and key).
int64_t evaluate_int_expression(std::string_view expr, const IntLookup& lookup);

}  // namespace coda::io
