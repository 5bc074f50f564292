#pragma once
// Running the wattsim command line from tests: its exit status and everything it printed.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/temp_dir.hpp"

namespace wattsim::test {

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr together
};

inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int raw = pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

inline CommandResult wattsim(const std::string& args) { return run_command(std::string(WATTSIM_BINARY) + " " + args); }

inline std::string source_path(const std::string& relative) { return std::string(WATTSIM_SOURCE_DIR) + "/" + relative; }

inline bool python_has(const std::string& modules) {
  return run_command("/usr/bin/python3 -c 'import " + modules + "'").status == 0;
}

}  // namespace wattsim::test
