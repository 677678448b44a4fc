// `coda arch list | check | dump`: the built-in accelerator presets and architecture files.
// (`coda arch show`, with energies and areas per component, comes with the technology library.)
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>

#include "coda/arch/validate.hpp"
#include "coda/cli/commands.hpp"
#include "coda/common/error.hpp"
#include "coda/io/arch_loader.hpp"
#include "coda/report/table.hpp"

namespace coda::cli {
namespace {

struct ArchOptions {
  std::string arch;
  std::vector<std::string> sets;
  std::string output;
};

io::ParameterOverrides overrides_of(const std::vector<std::string>& sets) {
  io::ParameterOverrides o;
  for (const std::string& s : sets) o.push_back(io::parse_parameter_override(s));
  return o;
}

// 33.64 -> "33.6", 45875.23 -> "45,875.2" (rounded to one decimal, thousands grouped).
std::string one_decimal(double v) {
  const long long tenths = std::llround(v * 10.0);
  return fmt::format("{}.{}", report::grouped(tenths / 10), tenths % 10);
}

std::string kib(int64_t bits) { return one_decimal(static_cast<double>(bits) / 8.0 / 1024.0); }

std::string gmacs(double per_second) { return one_decimal(per_second / 1e9); }

std::string mhz(double hz) { return fmt::format("{:g}", hz / 1e6); }

std::string pes_text(const arch::Architecture& a) {
  const int64_t pes = a.pe_count(), macs = a.total_macs();
  return pes == macs ? report::grouped(pes) : fmt::format("{} ({} MACs)", report::grouped(pes), report::grouped(macs));
}

void run_list() {
  report::Table t;
  t.add_column("name", report::Table::Align::Left);
  t.add_column("PEs");
  t.add_column("on-chip kB");
  t.add_column("MHz");
  t.add_column("dataflow", report::Table::Align::Left);
  t.add_column("description", report::Table::Align::Left);
  std::string footnotes;
  for (const io::PresetInfo& p : io::preset_list()) {
    const arch::Architecture a = io::load_preset(p.name);
    if (!p.parameters.empty()) {
      std::string params;
      for (const io::ArchParameter& q : p.parameters)
        params += fmt::format("{}{}={}", params.empty() ? "" : " ", q.name, q.default_value);
      footnotes += fmt::format("  {}: {}\n", p.name, params);
    }
    t.add_row({p.name + (p.parameters.empty() ? "" : " *"), pes_text(a), kib(a.on_chip_bits()), mhz(a.clock_hz),
               a.dataflow.empty() ? "-" : a.dataflow, a.description});
  }
  std::cout << t.to_text();
  if (!footnotes.empty())
    std::cout << "\n* parameterised (defaults shown above; override with --set NAME=VALUE):\n" << footnotes;
}

void run_check(const ArchOptions& o) {
  const arch::Architecture a = io::load_architecture(o.arch, overrides_of(o.sets));
  const std::vector<std::string> warnings = arch::validate(a);
  for (const std::string& w : warnings) std::cerr << "coda: warning: " << w << "\n";
  std::cout << fmt::format("OK: architecture '{}' ({})\n", a.name, a.source());
  std::string chain;
  for (size_t i = 0; i < a.levels.size(); ++i)
    chain += fmt::format("{} x{} -> ", a.levels[i].name, report::grouped(a.total_instances(i)));
  chain += fmt::format("{} x{}", a.compute.name, report::grouped(a.total_macs()));
  std::cout << fmt::format("  levels          {}\n", chain);
  std::cout << fmt::format("  PEs             {}\n", report::grouped(a.pe_count()));
  std::cout << fmt::format("  MAC units       {} ({}-bit {})\n", report::grouped(a.total_macs()), a.compute.operand_bits,
                           a.compute.floating_point ? "floating point" : "integer");
  std::string by_class;
  for (std::string_view cls : arch::kStorageClasses) {
    const int64_t bits = a.on_chip_bits_of_class(cls);
    if (bits > 0) by_class += fmt::format("{}{} {} kB", by_class.empty() ? "" : ", ", cls, kib(bits));
  }
  std::cout << fmt::format("  on-chip storage {} kB ({})\n", kib(a.on_chip_bits()), by_class.empty() ? "none" : by_class);
  std::cout << fmt::format("  clock           {} MHz\n", mhz(a.clock_hz));
  std::cout << fmt::format("  peak            {} MACs/cycle, {} GMAC/s\n", report::grouped(a.peak_macs_per_cycle()),
                           gmacs(a.peak_macs_per_second()));
  if (!a.dataflow.empty()) std::cout << fmt::format("  dataflow        {}\n", a.dataflow);
  if (!warnings.empty()) std::cout << fmt::format("  warnings        {}\n", warnings.size());
}

void run_dump(const ArchOptions& o) {
  const arch::Architecture a = io::load_architecture(o.arch, overrides_of(o.sets));
  std::string header = fmt::format("# coda architecture '{}', resolved from {}", a.name, a.source());
  if (!o.sets.empty()) {
    header += " with";
    for (const std::string& s : o.sets) header += " " + s;
  }
  const std::string text = header + "\n" + io::write_arch_yaml(a);
  if (o.output.empty() || o.output == "-") {
    std::cout << text;
    return;
  }
  std::ofstream out(o.output, std::ios::binary);
  if (!out) throw InputError(fmt::format("{}: cannot open for writing", o.output));
  out << text;
  if (!out) throw InputError(fmt::format("{}: cannot write", o.output));
}

void add_arch_arguments(CLI::App* cmd, const std::shared_ptr<ArchOptions>& opt) {
  cmd->add_option("architecture", opt->arch, "A preset name (see 'coda arch list') or an architecture YAML file")
      ->required();
  cmd->add_option("--set", opt->sets, "Override a parameter of a parameterised architecture, NAME=VALUE (repeatable)")
      ->type_name("NAME=VALUE");
}

}  // namespace

void register_arch(CLI::App& app) {
  auto* arch = app.add_subcommand("arch", "Accelerator architectures: list the presets, show a priced description, check or dump one");
  arch->require_subcommand(1);

  auto* list = arch->add_subcommand("list", "List the built-in architecture presets");
  list->callback([] { run_list(); });

  auto check_opt = std::make_shared<ArchOptions>();
  auto* check = arch->add_subcommand(
      "check", "Validate an architecture (preset or file) and print its totals: PEs, on-chip storage, peak GMAC/s");
  add_arch_arguments(check, check_opt);
  check->callback([check_opt] { run_check(*check_opt); });

  auto dump_opt = std::make_shared<ArchOptions>();
  auto* dump = arch->add_subcommand("dump", "Write the resolved architecture YAML (parameters substituted)");
  add_arch_arguments(dump, dump_opt);
  dump->add_option("-o,--output", dump_opt->output, "Output file (default: standard output)");
  dump->callback([dump_opt] { run_dump(*dump_opt); });
}

}  // namespace coda::cli
