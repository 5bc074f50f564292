// Replays fuzz inputs through a harness's LLVMFuzzerTestOneInput, deterministically: every
// file under the folders given on the command line, in sorted order, once each. No random
// exploration; a finding aborts (or escapes as an exception) and fails the ctest entry.
//
//   fuzz_replay_<target> tests/fuzz/corpus/<target> tests/fuzz/regressions/<target>
//
// A folder that does not exist holds no inputs (git keeps no empty folder); at least one input
// in all is required, so that a replay cannot pass by reading nothing.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_support.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path folder(argv[i]);
    if (!fs::is_directory(folder)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
      if (entry.is_regular_file()) inputs.push_back(entry.path());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  if (inputs.empty()) {
    std::fprintf(stderr, "fuzz replay: no input files under the folders given; expected a seed corpus\n");
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  for (const auto& path : inputs) {
    std::printf("%s\n", path.string().c_str());
    std::fflush(stdout);  // the last name printed is the input that failed
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("fuzz replay: %zu inputs passed in %.2f s\n", inputs.size(), seconds);
  return 0;
}
