#pragma once
// `wattsim run`: scenario -> simulation -> HDF5 result set -> a short summary on stdout.

#include <string>
#include <vector>

namespace wattsim::app {

struct RunOptions {
  std::string scenario;
  std::string output;  // empty: the scenario's output.path, else "<name>.h5"
  std::vector<std::string> sets;
  bool quiet = false;
  std::string command_line;
};

// Returns the process exit status: 0 success, 2 invalid input, 1 failure while running.
// Never leaves a partial result file behind.
int run_command(const RunOptions& options);
int check_command(const std::string& scenario, const std::vector<std::string>& sets);

}  // namespace wattsim::app
