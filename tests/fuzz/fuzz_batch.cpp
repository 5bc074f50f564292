// Fuzzes the batch file parser (app::check_batch_file: everything `wattsim batch` reads and
// validates before it evaluates). Input: the batch file.
//
// The file is written to a scratch folder beside a link "data" to scenarios/data, a small
// demand scenario "default.json" (two nodes for 30 days from 2023-06-01, a dozen jobs) and its
// result set "default.h5", so the shipped batch files' relative paths resolve. A file holding
// "set" is skipped: overrides of the demand scenario (e.g. a horizon of centuries) make runs
// as long as asked for, and fuzz_scenario covers --set.

#include <filesystem>
#include <string>
#include <string_view>

#include "app/batch.hpp"
#include "app/run.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace wattsim;

namespace {

constexpr std::string_view kDemandScenario = R"({
  "name": "fuzz-demand",
  "start": "2023-06-01T00:00:00Z",
  "horizon": "30 d",
  "facility": {"pue": 1.2, "racks": [{"count": 1, "node": "DGX-H100", "nodes_per_rack": 2}]},
  "carbon": {"intensity": 300},
  "workload": {"generator": {"mean_interarrival": "2 h", "sizes": [[8, 1], [16, 1]],
                             "durations": {"lognormal": {"median": "3 h", "sigma": 1.0}}, "jobs": 12}},
  "policy": {"name": "fifo"},
  "output": {"path": "default.h5"}
}
)";

const std::string& batch_folder() {
  static const std::string folder = [] {
    const std::filesystem::path dir = fuzz::ScratchDir::path() / "batch";
    std::filesystem::create_directories(dir);
    std::filesystem::create_directory_symlink(std::filesystem::path(WATTSIM_SOURCE_DIR) / "scenarios" / "data",
                                              dir / "data");
    app::RunOptions run;
    run.scenario = fuzz::write_file("batch/default.json", kDemandScenario);
    run.output = (dir / "default.h5").string();
    run.quiet = true;
    if (app::run_command(run) != 0) throw std::runtime_error("fuzz_batch: the demand scenario did not run");
    return dir.string();
  }();
  return folder;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.find("\"set\"") != std::string_view::npos) return 0;
  static_cast<void>(batch_folder());
  const std::string path = fuzz::write_file("batch/batch.json", input);
  fuzz::expect_input_error([&] { app::check_batch_file(path); });
  return 0;
}
