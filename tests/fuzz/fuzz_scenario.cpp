// Fuzzes app::load_scenario (the scenario JSON and every file it names) and app::apply_set
// (the --set overrides). Input: any number of leading "--set KEY=VALUE" lines, then the
// scenario document:
//
//   --set facility.racks[0].count=64
//   --set policy.name=fifo
//   {"name": "x", ...}
//
// The document is written to a scratch folder beside a link "data" to scenarios/data and a
// small "jobs.csv", so the shipped scenarios' relative paths resolve.
//
// For an accepted scenario, what `wattsim run` does next must not fail on input: the resolved
// document and the hardware are written as JSON, and the workload yields its first jobs.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "app/scenario.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace wattsim;

namespace {

const std::string& scenario_folder() {
  static const std::string folder = [] {
    const std::filesystem::path dir = fuzz::ScratchDir::path() / "scenario";
    std::filesystem::create_directories(dir);
    std::filesystem::create_directory_symlink(std::filesystem::path(WATTSIM_SOURCE_DIR) / "scenarios" / "data",
                                              dir / "data");
    fuzz::write_file("scenario/jobs.csv",
                     "job_id,submit_s,gpus,duration_s,util,beta,user,queue\n"
                     "0,0,8,3600,0.9,0.8,alice,training\n"
                     "1,60,1,600,0.5,,bob,batch\n"
                     "2,120,16,7200,1,1,alice,training\n");
    return dir.string();
  }();
  return folder;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> sets;
  constexpr std::string_view kSet = "--set ";
  while (input.substr(0, kSet.size()) == kSet) {
    const std::size_t end = input.find('\n');
    sets.emplace_back(input.substr(kSet.size(), end == std::string_view::npos ? end : end - kSet.size()));
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
  }
  static_cast<void>(scenario_folder());
  const std::string path = fuzz::write_file("scenario/scenario.json", input);
  fuzz::expect_input_error([&] {
    const app::Scenario sc = app::load_scenario(path, sets);
    static_cast<void>(sc.resolved.dump(2));
    static_cast<void>(sc.hardware_json().dump(2));
    auto jobs = sc.make_job_source();
    for (int i = 0; i < 16 && jobs->next(); ++i) {
    }
  });
  return 0;
}
