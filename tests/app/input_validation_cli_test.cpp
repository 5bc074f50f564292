// End-to-end tests of input that used to be silently wrong: repeated JSON keys and job_ids,
// --set paths, deadlines that cannot be met, jobs larger than the facility, and scenarios that
// need more memory than there is.

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>

#include "results/result_reader.hpp"
#include "tests/app/cli_helpers.hpp"

using namespace wattsim;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const std::string kDefault = test::source_path("scenarios/default.json");
const std::string kBench = test::source_path("scenarios/bench/fifo-gpu-cluster.json");  // 64 nodes of 8: 512 GPUs

std::map<std::string, double> summary_of(const std::string& h5) {
  std::map<std::string, double> out;
  for (const auto& s : results::ResultReader(h5).summary("/summary")) out[s.name] = s.value;
  return out;
}

// A trace of `rows` jobs of 8 accelerators, one per second, with ids 0, 1, 2, ...
std::string trace_rows(int rows) {
  std::string text = "job_id,submit_s,gpus,duration_s,util\n";
  for (int i = 0; i < rows; ++i) text += std::to_string(i) + "," + std::to_string(i) + ",8,60,0.5\n";
  return text;
}

}  // namespace

TEST_CASE("a repeated key in a scenario is invalid input, located, for check and run", "[app][e2e][errors][json]") {
  test::TempDir dir("cli-dupkey");
  const std::string scenario =
      dir.write("dup.json",
                "{\n  \"horizon\": \"1 h\",\n  \"horizon\": \"2 h\",\n"
                "  \"facility\": {\"racks\": [{\"node\": \"DGX-H100\"}]},\n"
                "  \"workload\": {\"generator\": {\"mean_interarrival\": \"1 h\", \"sizes\": [[8, 1]],\n"
                "    \"durations\": {\"lognormal\": {\"median\": \"1 h\", \"sigma\": 0}}}}\n}\n");
  const auto check = test::wattsim("check " + scenario);
  CHECK(check.status == 2);
  CHECK_THAT(check.output, Contains("dup.json:3:3: duplicate key: horizon is given twice (first at line 2, column 3)"));
  const std::string out = dir.file("o.h5");
  const auto run = test::wattsim("run " + scenario + " -q -o " + out);
  CHECK(run.status == 2);
  CHECK_FALSE(fs::exists(out));
  const auto set = test::wattsim("check " + kDefault + R"( --set 'policy={"name": "fifo", "name": "easy-backfill"}')");
  CHECK(set.status == 2);
  CHECK_THAT(set.output, Contains("--set policy:1:18: duplicate key: name is given twice"));
}

TEST_CASE("check reads the whole trace: repeated ids, unmeetable deadlines and bad rows, all at once",
          "[app][e2e][errors][trace]") {
  test::TempDir dir("cli-trace");
  std::string text = "job_id,submit_s,gpus,duration_s,util,deadline_s\n";
  for (int i = 0; i < 3000; ++i) {
    const int id = i == 2500 ? 7 : i;                      // line 2502 repeats id 7 (line 9)
    const std::string deadline = i == 1500 ? "1530" : "";  // 1500 + 60 s cannot end by 1530
    const std::string util = i == 2999 ? "2" : "0.5";
    text += std::to_string(id) + "," + std::to_string(i) + ",8,60," + util + "," + deadline + "\n";
  }
  const std::string trace = dir.write("jobs.csv", text);
  const auto r = test::wattsim("check " + kBench + " --set workload.trace.path=" + trace);
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Contains("invalid input (3 problems)"));
  CHECK_THAT(r.output,
             Contains("jobs.csv:1502:20: deadline_s is \"1530\", before the job can end; expected at least 1560"));
  CHECK_THAT(r.output, Contains("jobs.csv:2502:1: job_id 7 is used again (first on line 9)"));
  CHECK_THAT(r.output, Contains("jobs.csv:3001:16: util is \"2\""));
  // The same trace without its problems is valid; check says how much it read.
  const auto ok =
      test::wattsim("check " + kBench + " --set workload.trace.path=" + dir.write("ok.csv", trace_rows(3000)));
  CHECK(ok.status == 0);
  CHECK_THAT(ok.output, Contains("valid") && Contains("trace: 3,000 jobs"));
}

TEST_CASE("a job larger than the facility: an error at its row, or skipped and counted",
          "[app][e2e][errors][oversize]") {
  test::TempDir dir("cli-oversize");
  std::string text = trace_rows(10);
  text += "10,10,4096,60,0.5\n11,11,8,60,0.5\n12,12,513,60,0.5\n";
  const std::string trace = dir.write("jobs.csv", text);
  const std::string set = " --set workload.trace.path=" + trace;
  const auto strict = test::wattsim("check " + kBench + set);
  INFO(strict.output);
  CHECK(strict.status == 2);
  CHECK_THAT(strict.output, Contains("jobs.csv:12: job 10 needs 4096 accelerators; the largest site has 512; set "
                                     "workload.oversize to \"skip\" to drop such jobs"));
  CHECK_THAT(strict.output, Contains("jobs.csv:14: job 12 needs 513 accelerators"));
  const std::string out = dir.file("o.h5");
  const auto run = test::wattsim("run " + kBench + set + " -q -o " + out);
  CHECK(run.status == 2);
  CHECK_THAT(run.output, Contains("jobs.csv:12: job 10 needs 4096 accelerators"));
  CHECK_FALSE(fs::exists(out));

  const std::string skip = set + " --set workload.oversize=skip";
  const auto checked = test::wattsim("check " + kBench + skip);
  INFO(checked.output);
  CHECK(checked.status == 0);
  CHECK_THAT(checked.output,
             Contains("trace: 11 jobs, and 2 larger than the largest site (512 accelerators) that a run skips"));
  const auto ran = test::wattsim("run " + kBench + skip + " -q -o " + out);
  INFO(ran.output);
  REQUIRE(ran.status == 0);
  // One warning, at the first skip.
  CHECK_THAT(ran.output, Contains("wattsim: warning: " + trace + ":12: job 10 needs 4096 accelerators"));
  CHECK(ran.output.find("wattsim: warning", ran.output.find("wattsim: warning") + 1) == std::string::npos);
  const auto summary = summary_of(out);
  CHECK(summary.at("jobs_skipped_oversize") == 2);
  CHECK(summary.at("jobs_submitted") == 11);
  CHECK(summary.at("jobs_completed") == 11);
  CHECK(summary.at("jobs_rejected") == 0);
}

TEST_CASE("a generator that can draw a job larger than the facility is refused by check",
          "[app][e2e][errors][oversize]") {
  const auto r = test::wattsim("check " + kDefault + " --set 'workload.generator[0].sizes=[[8, 1], [2048, 1]]'");
  CHECK(r.status == 2);
  CHECK_THAT(r.output,
             Contains("workload.generator[0].sizes[1]: a job of 2048 accelerators cannot fit: the largest site "
                      "has 1024"));
}

TEST_CASE("paths in an object given with --set are relative to the scenario's folder", "[app][e2e][paths]") {
  // The benchmark scenario's folder holds no jobs.csv, so the path resolves there and fails,
  // naming the folder, however the test is started.
  const auto r = test::wattsim("check " + kBench + R"( --set 'workload.trace={"path": "jobs.csv"}')");
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Contains(test::source_path("scenarios/bench/jobs.csv")) &&
                           Contains("relative paths are resolved against the scenario's folder, " +
                                    test::source_path("scenarios/bench") + ")"));
  const auto ok = test::wattsim("check " + kBench +
                                R"( --set 'workload.trace={"path": "../../tests/data/bench/jobs-64x10k.csv"}')");
  CHECK(ok.status == 0);
}

TEST_CASE("check estimates the run's memory and refuses what exceeds the limit, naming the key", "[app][e2e][memory]") {
  SECTION("the default scenario fits the available memory, and not 1 MB") {
    const auto ok = test::wattsim("check " + kDefault);
    CHECK(ok.status == 0);
    CHECK_THAT(ok.output, Contains("memory: about") && Contains("available memory"));
    const auto small = test::wattsim("check " + kDefault + " --max-memory '1 MB'");
    CHECK(small.status == 2);
    CHECK_THAT(small.output, Contains("the run needs about") && Contains("limit 1.0 MB (--max-memory)"));
    test::TempDir dir("cli-memory");
    const std::string out = dir.file("o.h5");
    const auto run = test::wattsim("run " + kDefault + " -q -o " + out + " --max-memory 1MB");
    CHECK(run.status == 2);
    CHECK_FALSE(fs::exists(out));
    const auto bad = test::wattsim("check " + kDefault + " --max-memory '32 gigs'");
    CHECK(bad.status == 2);
    CHECK_THAT(bad.output, Contains("--max-memory: cannot read \"32 gigs\" as a data size"));
  }
  SECTION("10^10 nodes") {
    const auto r =
        test::wattsim("check " + kDefault +
                      " --set 'facility.racks[0].count=1000000' --set 'facility.racks[0].nodes_per_rack=10000'");
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains("facility.racks[0].count: the run needs about") &&
                             Contains("nodes 14.6 TB (10,000,000,000 nodes x 1.2 kB"));
  }
  SECTION("a year of /racks rows at a 1 s interval") {
    const auto r =
        test::wattsim("check " + kDefault +
                      " --set 'facility.racks[0].count=4096' --set horizon='365 d' --set output.interval='1 s'"
                      " --set carbon.intensity.repeat=true");
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains("output.interval: the run needs about 2.1 TB") &&
                             Contains("/racks/power_kw 2.1 TB (8 B x 4,096 racks x 31,536,000 intervals") &&
                             Contains("raise output.interval or shorten the horizon"));
  }
}

#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("a run that runs out of memory anyway exits 1 and says what it was doing", "[app][e2e][memory]") {
  // 3,000,000 nodes need about 3.6 GB; address space is limited to 1 GiB and the estimate's
  // check is raised past it, so the allocation itself fails.
  test::TempDir dir("cli-oom");
  const std::string out = dir.file("o.h5");
  const auto r =
      test::run_command("ulimit -v 1048576; " + std::string(WATTSIM_BINARY) + " run " + kDefault + " -q -o " + out +
                        " --set 'facility.racks[0].count=30000' --set 'facility.racks[0].nodes_per_rack=100'"
                        " --set 'facility.racks[0].capacity=\"1 GW\"' --max-memory '1 TB'");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Contains("wattsim: out of memory while building the world"));
  CHECK_FALSE(fs::exists(out));
}
#endif
