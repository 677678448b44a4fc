// `coda arch show <preset | file>`: every component with instances, capacity, bandwidth, energy per
// action and area, and the totals. Registered under the `arch` command of cmd_arch.cpp.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "coda/cli/commands.hpp"
#include "coda/io/arch_loader.hpp"
#include "coda/model/bind.hpp"
#include "coda/model/price.hpp"
#include "coda/report/table.hpp"

namespace coda::cli {
namespace {

struct ShowOptions {
  std::string arch, format = "table", tech_table;
  std::vector<std::string> sets;
};

std::string num(double v) { return v == 0 ? "-" : fmt::format("{:.4g}", v); }

void run_show(const ShowOptions& o) {
  io::ParameterOverrides ov;
  for (const auto& s : o.sets) ov.push_back(io::parse_parameter_override(s));
  auto a = io::load_architecture(o.arch, ov);
  auto lib = model::library_for(a);
  if (!o.tech_table.empty()) lib.load_user_table(o.tech_table);
  auto priced = model::price_architecture(a, lib);
  const double sram_kb = double(a.on_chip_bits_of_class("sram")) / 8.0 / 1024.0;
  const double onchip_kb = double(a.on_chip_bits()) / 8.0 / 1024.0;
  if (o.format == "json") {
    nlohmann::json j;
    j["name"] = a.name;
    j["technology"] = {{"model", a.tech.model}, {"node_nm", a.tech.node_nm}};
    j["clock_hz"] = a.clock_hz;
    j["pes"] = a.pe_count();
    j["mac_units"] = a.total_macs();
    j["on_chip_bytes"] = double(a.on_chip_bits()) / 8.0;
    j["on_chip_sram_bytes"] = double(a.on_chip_bits_of_class("sram")) / 8.0;
    j["peak_macs_per_cycle"] = a.peak_macs_per_cycle();
    j["peak_macs_per_second"] = a.peak_macs_per_second();
    j["area_um2"] = priced.total_area_um2;
    j["dataflow"] = a.dataflow;
    for (const auto& c : priced.components)
      j["components"].push_back({{"name", c.name},
                                 {"kind", c.kind},
                                 {"class", c.cls},
                                 {"instances", c.instances},
                                 {"capacity_words", c.capacity_words},
                                 {"word_bits", c.word_bits},
                                 {"read_bandwidth_words_per_cycle", c.read_bandwidth},
                                 {"write_bandwidth_words_per_cycle", c.write_bandwidth},
                                 {"read_pj", c.read_pj},
                                 {"write_pj", c.write_pj},
                                 {"update_pj", c.update_pj},
                                 {"mac_pj", c.op_pj},
                                 {"hop_pj", c.hop_pj},
                                 {"leak_pj_per_cycle", c.leak_pj_per_cycle},
                                 {"area_um2", c.area_um2},
                                 {"source", c.source}});
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("{}: {}\ntechnology {} at {} nm, {:.0f} MHz; native dataflow {}\n\n", a.name,
                           a.description, a.tech.model, a.tech.node_nm, a.clock_hz / 1e6,
                           a.dataflow.empty() ? "-" : a.dataflow);
  report::Table t;
  t.add_column("component", report::Table::Align::Left);
  t.add_column("class", report::Table::Align::Left);
  for (const char* h : {"instances", "words", "bits", "rd BW w/c", "wr BW w/c", "read pJ", "write pJ",
                        "update pJ", "MAC pJ", "hop pJ", "area um^2"})
    t.add_column(h);
  for (const auto& c : priced.components)
    t.add_row({c.name, c.cls, report::grouped(c.instances),
               c.capacity_words ? report::grouped(c.capacity_words) : "-",
               c.word_bits ? std::to_string(c.word_bits) : "-", num(c.read_bandwidth), num(c.write_bandwidth),
               num(c.read_pj), num(c.write_pj), num(c.update_pj), num(c.op_pj), num(c.hop_pj),
               num(c.area_um2)});
  std::cout << t.to_text() << "\n";
  std::cout << fmt::format("PEs              {}\n", report::grouped(a.pe_count()));
  std::cout << fmt::format("MAC units        {} ({}-bit {})\n", report::grouped(a.total_macs()),
                           a.compute.operand_bits, a.compute.floating_point ? "floating point" : "integer");
  std::cout << fmt::format("on-chip storage  {:.1f} kB, of which SRAM {:.1f} kB (kB = 1024 bytes)\n",
                           onchip_kb, sram_kb);
  std::cout << fmt::format("peak             {} MACs/cycle, {:.1f} GMAC/s\n",
                           report::grouped(a.peak_macs_per_cycle()), a.peak_macs_per_second() / 1e9);
  std::cout << fmt::format("area             {:.3f} mm^2 (storage, networks and MACs; DRAM excluded)\n",
                           priced.total_area_um2 * 1e-6);
  std::cout << "energies are per word of the component's width; update = read-modify-write (docs/tech.md)\n";
}

}  // namespace

void register_arch_show(CLI::App& app) {
  auto* arch = app.get_subcommand("arch");
  auto o = std::make_shared<ShowOptions>();
  auto* show = arch->add_subcommand(
      "show",
      "Print every component with instances, capacity, bandwidth, energy per action (pJ) and area (um^2),\n"
      "and the totals (PEs, on-chip storage, peak MACs/cycle and GMAC/s, area)");
  show->add_option("arch", o->arch, "Preset name (coda arch list) or architecture YAML file")->required();
  show->add_option("--set", o->sets, "Override a parameter, NAME=VALUE (repeatable)");
  show->add_option("--tech-table", o->tech_table,
                   "User energy/area table (YAML or CSV) overriding built-in prices");
  show->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  show->callback([o] { run_show(*o); });
}

}  // namespace coda::cli
