#pragma once
// Runs the built `coda` binary and captures its exit code, stdout and stderr, so that the CLI's
// contract (exit 0 / 2, messages) is tested end to end.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace coda::test {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs `coda <args>` (args are passed to the shell as written).
inline CliResult run_coda(const std::string& args) {
  static int counter = 0;
  const std::string base = std::string(CODA_BINARY_DIR) + "/cli_test_" + std::to_string(::getpid()) + "_" +
                           std::to_string(counter++);
  const std::string cmd = std::string(CODA_BINARY_DIR) + "/coda " + args + " >" + base + ".out 2>" + base + ".err";
  int status = std::system(cmd.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

/// Writes a temporary file in the build directory and returns its path.
inline std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = std::string(CODA_BINARY_DIR) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace coda::test
