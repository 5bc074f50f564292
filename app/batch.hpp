#pragma once
// `wattsim batch BATCH.json -o OUT.h5 [--device auto|cpu|cuda] [--threads N] [--yes]`: thousands
// of supply-side variants of one facility demand (DESIGN.md §8), evaluated by batch/ on all CPU
// cores or a CUDA GPU; the variants, their Pareto front (annual cost vs operational carbon)
// and the cheapest net-zero variant. The batch file format is in docs/batch.md.

#include <string>

namespace wattsim::app {

struct BatchOptions {
  std::string file;
  std::string output;        // empty: the file's output.path, else NAME.h5
  std::string device = "auto";
  unsigned threads = 0;      // 0: every core
  bool yes = false;          // accept a variant count over the limit
  bool quiet = false;
  std::string command_line;
};

// Exit status: 0 success, 2 invalid input, 1 failure while running.
int batch_command(const BatchOptions& options);

}  // namespace wattsim::app
