// `coda zoo`: lists the built-in networks.
#include <iostream>

#include "coda/cli/commands.hpp"
#include "coda/io/zoo.hpp"
#include "coda/report/table.hpp"

namespace coda::cli {

void register_zoo(CLI::App& app) {
  auto* cmd = app.add_subcommand("zoo", "List the built-in networks (usable wherever a network is expected)");
  cmd->callback([] {
    report::Table t;
    t.add_column("name", report::Table::Align::Left);
    t.add_column("description", report::Table::Align::Left);
    for (const io::ZooEntry& e : io::zoo_list()) t.add_row({e.name, e.title});
    std::cout << t.to_text();
  });
}

}  // namespace coda::cli
