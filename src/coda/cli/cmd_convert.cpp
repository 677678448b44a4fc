// `coda convert`: reads a network in any supported format (or a zoo name) and writes it in one of
// the formats coda can write: coda network YAML, energy-estimation-tool text, SCALE-Sim CSV.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <memory>

#include "coda/cli/commands.hpp"
#include "coda/common/error.hpp"
#include "coda/io/energy_tool_text.hpp"
#include "coda/io/network_loader.hpp"
#include "coda/io/network_yaml.hpp"
#include "coda/io/scalesim_csv.hpp"

namespace coda::cli {
namespace {

struct ConvertOptions {
  std::string input;
  std::string output;
  std::string to;
};

std::string lower_extension(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

// The output format: --to, or the output file's extension.
std::string target_format(const ConvertOptions& o) {
  if (!o.to.empty()) return o.to;
  if (o.output == "-") return "yaml";
  const std::string ext = lower_extension(o.output);
  if (ext == ".yaml" || ext == ".yml") return "yaml";
  if (ext == ".txt") return "energy-tool";
  if (ext == ".csv") return "scalesim";
  throw InputError(fmt::format("{}: cannot tell the output format from the extension '{}'; give --to yaml, "
                               "energy-tool, scalesim or scalesim-gemm",
                               o.output, ext));
}

void run_convert(const ConvertOptions& o) {
  const std::string to = target_format(o);
  workload::NetworkSpec spec = io::load_network_spec(o.input);
  // Building checks the whole network (and the text formats need its shapes).
  workload::Network net = workload::build_network(spec, spec.batch);
  std::vector<std::string> notes;
  std::string text;
  if (to == "yaml") text = io::write_network_yaml(spec);
  else if (to == "energy-tool") text = io::write_energy_tool_text(net, &notes);
  else if (to == "scalesim") text = io::write_scalesim_csv(net, io::ScaleSimForm::Conv, &notes);
  else text = io::write_scalesim_csv(net, io::ScaleSimForm::Gemm, &notes);
  for (const std::string& w : net.warnings) std::cerr << "coda: warning: " << w << "\n";
  for (const std::string& n : notes) std::cerr << "coda: note: " << n << "\n";
  if (o.output == "-") {
    std::cout << text;
    return;
  }
  std::ofstream out(o.output, std::ios::binary);
  if (!out) throw InputError(fmt::format("{}: cannot open for writing", o.output));
  out << text;
  out.close();
  if (!out) throw InputError(fmt::format("{}: cannot write", o.output));
}

}  // namespace

void register_convert(CLI::App& app) {
  auto opt = std::make_shared<ConvertOptions>();
  auto* cmd = app.add_subcommand(
      "convert",
      "Convert a network between formats: reads a zoo name or a file (coda YAML, ONNX, Timeloop problem YAML, "
      "energy-tool .txt, SCALE-Sim .csv) and writes coda YAML, energy-tool text or a SCALE-Sim topology "
      "(docs/importers.md)");
  cmd->add_option("input", opt->input,
                  "A zoo name (see 'coda zoo') or a network file: .yaml/.yml (coda network or Timeloop problem), "
                  ".onnx, .txt (energy estimation tool), .csv (SCALE-Sim topology)")
      ->required();
  cmd->add_option("-o,--output", opt->output, "Output file ('-' for standard output)")->required();
  cmd->add_option("--to", opt->to,
                  "Output format: yaml (coda network), energy-tool (25-field layer text), scalesim (SCALE-Sim "
                  "conv form), scalesim-gemm (SCALE-Sim M, N, K form); default: from the output extension "
                  "(.yaml/.yml, .txt, .csv); yaml for '-o -'")
      ->check(CLI::IsMember({"yaml", "energy-tool", "scalesim", "scalesim-gemm"}));
  cmd->callback([opt] { run_convert(*opt); });
}

}  // namespace coda::cli
