#pragma once
// coda's architecture format (documented key by key in docs/formats.md, "Architecture YAML").
// A file may declare `parameters:` (integers or names) with defaults and use them in any value as
// `${NAME}` or as integer expressions `${ROWS*COLS}` (io/int_expression.hpp); callers override
// the defaults (`coda arch check squeezelerator --set N=16`).
#include <string>
#include <utility>
#include <vector>

#include "coda/arch/architecture.hpp"

namespace coda::io {

/// Parameter overrides, "NAME" -> "value" as written on the command line, in order.
using ParameterOverrides = std::vector<std::pair<std::string, std::string>>;

/// A parameter a file declares, with its default (as text) and whether it is an integer.
struct ArchParameter {
  std::string name;
  std::string default_value;
  bool is_integer = true;
};

/// Parses an architecture YAML document; `file` is used in messages and as Architecture::source.
/// Throws InputError naming file:line and key. Does not run arch::validate().
arch::Architecture parse_arch_yaml(const std::string& text, const std::string& file,
                                   const ParameterOverrides& overrides = {});
/// Reads an architecture YAML file.
arch::Architecture read_arch_yaml(const std::string& path, const ParameterOverrides& overrides = {});
/// The parameters a document declares (empty if none), in file order.
std::vector<ArchParameter> arch_yaml_parameters(const std::string& text, const std::string& file);
/// Writes an Architecture in the same format, fully resolved (no parameters); reading the result
/// gives back an equal Architecture.
std::string write_arch_yaml(const arch::Architecture& arch);
/// Parses "K=V" (a --set argument); InputError if malformed.
std::pair<std::string, std::string> parse_parameter_override(const std::string& text);

}  // namespace coda::io
