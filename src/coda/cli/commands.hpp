#pragma once
// Each subcommand lives in its own file (cmd_<name>.cpp) and registers itself on the app.
// The CLI is a thin driver: it parses flags, calls the library, and hands results to writers.
#include <CLI/CLI.hpp>

namespace coda::cli {

void register_zoo(CLI::App& app);
void register_stats(CLI::App& app);
void register_arch(CLI::App& app);
void register_tech(CLI::App& app);
void register_eval(CLI::App& app);
/// Adds `show` to the `arch` command (call after register_arch).
void register_arch_show(CLI::App& app);
void register_convert(CLI::App& app);
void register_map(CLI::App& app);
void register_run(CLI::App& app);
void register_study(CLI::App& app);

}  // namespace coda::cli
