// coda: co-design of deep neural networks and their hardware accelerators.
// Exit codes: 0 success, 2 bad input (file, flag, name; message on stderr), 1 internal error.
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <iostream>

#include "coda/cli/commands.hpp"
#include "coda/common/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "coda: co-design of deep neural networks and their hardware accelerators.\n"
      "Describe a DNN (zoo, ONNX or YAML) and an accelerator; coda counts MACs and weights per layer,\n"
      "and models the energy, cycles and data movement of mapping it onto the hardware.",
      "coda"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "coda 0.1.0");
  app.footer("Run 'coda <command> --help' for the options of a command. Exit codes: 0 ok, 2 bad input, 1 internal error.");
  coda::cli::register_zoo(app);
  coda::cli::register_stats(app);
  coda::cli::register_arch(app);
  coda::cli::register_arch_show(app);
  coda::cli::register_tech(app);
  coda::cli::register_eval(app);
  coda::cli::register_convert(app);
  coda::cli::register_map(app);
  coda::cli::register_run(app);
  coda::cli::register_study(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const coda::InputError& e) {
    std::fflush(stdout);
    std::cerr << "coda: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::cerr << "coda: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
