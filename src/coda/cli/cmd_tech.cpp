// `coda tech`: prints the technology library: reference components priced at a node, and every
// table entry with its unit and source (docs/tech.md explains each).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "coda/cli/commands.hpp"
#include "coda/report/table.hpp"
#include "coda/tech/library.hpp"

namespace coda::cli {
namespace {

struct TechOptions {
  std::string model = "horowitz45";
  int node = 0;  // 0: the model's base node
  std::string format = "table";
  std::vector<std::string> tables, erts, arts;
};

struct Reference {
  std::string label;
  tech::ComponentDesc desc;
};

// A fixed set of components that shows every class at typical sizes, all with 16-bit words.
std::vector<Reference> reference_components() {
  std::vector<Reference> r;
  auto add = [&](std::string label, std::string cls, std::string sub, int64_t words, int operand_bits,
                 double mm) {
    tech::ComponentDesc d;
    d.cls = std::move(cls);
    d.subclass = std::move(sub);
    d.capacity_words = words;
    d.word_bits = 16;
    d.operand_bits = operand_bits;
    d.wire_mm = mm;
    d.name = label;
    r.push_back({std::move(label), std::move(d)});
  };
  add("mac int8", "mac", "int", 0, 8, 0);
  add("mac int16", "mac", "int", 0, 16, 0);
  add("mac fp16", "mac", "fp", 0, 16, 0);
  add("mac fp32", "mac", "fp", 0, 32, 0);
  add("adder int16", "adder", "int", 0, 16, 0);
  add("multiplier int16", "multiplier", "int", 0, 16, 0);
  add("latch 1 x 16b", "latch", "", 1, 16, 0);
  add("regfile 512 B", "regfile", "", 256, 16, 0);
  add("sram 8 KB", "sram", "", 4096, 16, 0);
  add("sram 128 KB", "sram", "", 65536, 16, 0);
  add("sram 1 MB", "sram", "", 524288, 16, 0);
  for (const char* s : {"lpddr4", "ddr3", "ddr4", "hbm2", "gddr5"})
    add(fmt::format("dram {}", s), "dram", s, 0, 16, 0);
  add("wire 1 mm", "wire", "", 0, 16, 1.0);
  return r;
}

std::string num(double v) { return v == 0 ? "-" : fmt::format("{:.4g}", v); }

void run_tech(const TechOptions& o) {
  tech::Library lib = tech::Library::builtin(tech::parse_model(o.model));
  for (const auto& f : o.tables) lib.load_user_table(f);
  for (const auto& f : o.erts) lib.load_accelergy_ert(f);
  for (const auto& f : o.arts) lib.load_accelergy_art(f);
  const int node = o.node == 0 ? lib.base_node_nm() : o.node;
  std::vector<std::pair<Reference, tech::ComponentCost>> priced;
  for (const Reference& r : reference_components()) priced.emplace_back(r, lib.price(r.desc, node));
  const std::vector<tech::TableEntry> entries = lib.describe();

  if (o.format == "json") {
    nlohmann::json j;
    j["model"] = tech::model_name(lib.model());
    j["base_node_nm"] = lib.base_node_nm();
    j["node_nm"] = node;
    j["units"] = {{"energy", "pJ per word (16-bit words) or per operation"},
                  {"leak", "pJ per cycle at 1 GHz"},
                  {"area", "um^2 per instance"}};
    for (const auto& [r, c] : priced)
      j["components"].push_back({{"component", r.label},
                                 {"class", r.desc.cls},
                                 {"read_pj", c.read_pj},
                                 {"write_pj", c.write_pj},
                                 {"update_pj", c.update_pj},
                                 {"op_pj", c.op_pj},
                                 {"hop_pj", c.hop_pj},
                                 {"leak_pj_per_cycle", c.leak_pj_per_cycle},
                                 {"area_um2", c.area_um2},
                                 {"source", c.source}});
    for (const auto& e : entries)
      j["entries"].push_back({{"component", e.component},
                              {"quantity", e.quantity},
                              {"value", e.value},
                              {"unit", e.unit},
                              {"source", e.source}});
    std::cout << j.dump(2) << "\n";
    return;
  }
  report::Table comps;
  comps.add_column("component", report::Table::Align::Left);
  for (const char* h : {"read pJ", "write pJ", "update pJ", "op pJ", "hop pJ", "leak pJ/cyc", "area um^2"})
    comps.add_column(h);
  for (const auto& [r, c] : priced)
    comps.add_row({r.label, num(c.read_pj), num(c.write_pj), num(c.update_pj), num(c.op_pj), num(c.hop_pj),
                   num(c.leak_pj_per_cycle), num(c.area_um2)});
  report::Table tab;
  tab.add_column("entry", report::Table::Align::Left);
  tab.add_column("quantity", report::Table::Align::Left);
  tab.add_column("value");
  tab.add_column("unit", report::Table::Align::Left);
  tab.add_column("source", report::Table::Align::Left);
  for (const auto& e : entries)
    tab.add_row({e.component, e.quantity, fmt::format("{:.6g}", e.value), e.unit, e.source});
  if (o.format == "csv") {
    std::cout << comps.to_csv() << "\n" << tab.to_csv();
    return;
  }
  std::cout << fmt::format("Technology model {} (tables at {} nm), priced at {} nm.\n",
                           tech::model_name(lib.model()), lib.base_node_nm(), node)
            << "Energies per 16-bit word (memories, wires: per hop) or per operation (arithmetic); "
               "leakage per cycle at 1 GHz; area per instance.\n\n"
            << comps.to_text() << "\nTable entries (docs/tech.md):\n\n"
            << tab.to_text();
}

}  // namespace

void register_tech(CLI::App& app) {
  auto opt = std::make_shared<TechOptions>();
  auto* cmd = app.add_subcommand(
      "tech",
      "Print the technology library: energy per action and area of reference components at a node, "
      "and every table entry with its unit and source");
  cmd->add_option("--model", opt->model, "Built-in technology model")
      ->check(CLI::IsMember({"horowitz45", "eyeriss65"}))
      ->default_val("horowitz45");
  cmd->add_option("--node", opt->node,
                  "Technology node in nm (7..130; default: the model's own node, 45 or 65)");
  cmd->add_option("--table", opt->tables,
                  "User technology table (.yaml or .csv) overriding entries (repeatable)");
  cmd->add_option("--ert", opt->erts, "Accelergy ERT YAML to import (repeatable)");
  cmd->add_option("--art", opt->arts, "Accelergy ART YAML to import (repeatable)");
  cmd->add_option("--format", opt->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->default_val("table");
  cmd->callback([opt] { run_tech(*opt); });
}

}  // namespace coda::cli
