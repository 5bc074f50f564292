// End-to-end tests of what `wattsim run` and `wattsim batch` may write over (app/output_guard.hpp)
// and of Ctrl-C / SIGTERM during a run (app/interrupt.hpp): never an input, a folder or a path in
// a missing folder; an existing file that is not a result set only with --force; an interrupted
// run leaves neither its temporary file nor a result, and exits 130 / 143; temporary files of
// processes that are gone are removed.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "results/result_reader.hpp"
#include "tests/app/cli_helpers.hpp"

extern char** environ;

using namespace wattsim;
using Catch::Matchers::Contains;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

// A scenario that runs in well under a second, reading a trace and a carbon-intensity CSV from
// its own folder: three files to protect.
struct SmallScenario {
  std::string scenario, trace, intensity;
  explicit SmallScenario(const test::TempDir& dir) {
    trace = dir.write("jobs.csv", "job_id,submit_s,gpus,duration_s,util\n0,0,8,3600,1\n1,600,8,1800,0.5\n");
    intensity = dir.write("intensity.csv", "time,intensity\n2023-01-01T00:00:00Z,300\n2023-01-01T12:00:00Z,200\n");
    scenario = dir.write(
        "small.json", json{{"name", "small"},
                           {"start", "2023-01-01T00:00:00Z"},
                           {"horizon", "1 d"},
                           {"facility", {{"pue", 1.2}, {"racks", {{{"count", 2}, {"node", "DGX-H100"}}}}}},
                           {"carbon", {{"intensity", {{"csv", "intensity.csv"}, {"unit", "g/kWh"}, {"repeat", true}}}}},
                           {"workload", {{"trace", {{"path", "jobs.csv"}}}}},
                           {"policy", {{"name", "fifo"}}}}
                          .dump(2));
  }
};

// A batch over the demand of a result set, with an intensity CSV of its own.
std::string write_batch(const test::TempDir& dir, const std::string& demand_result) {
  dir.write("batch-intensity.csv", "time,intensity\n2023-01-01T00:00:00Z,300\n2023-01-01T12:00:00Z,200\n");
  return dir.write(
      "batch.json",
      json{{"name", "small-batch"},
           {"demand", {{"result", demand_result}}},
           {"regions", {{"X", {{"intensity", {{"csv", "batch-intensity.csv"}, {"unit", "g/kWh"}, {"repeat", true}}}}}}},
           {"grid", {{"export", {false, true}}}}}
          .dump(2));
}

// scenarios/default.json over most of 2023: a run of tens of seconds (only ever interrupted).
std::string long_run_args() {
  return test::source_path("scenarios/default.json") + " --set start=2023-01-02T00:00:00Z --set 'horizon=300 d'";
}

bool has_temporary(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  }
  return false;
}

bool wait_until(const std::function<bool()>& done, double timeout_s) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// Whether process `pid` has a handler for `signal` (Linux: the SigCgt mask of /proc/PID/status).
bool catches(pid_t pid, int signal) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("SigCgt:", 0) == 0) return (std::stoull(line.substr(7), nullptr, 16) >> (signal - 1)) & 1u;
  }
  return false;
}

// wattsim started without a shell (so that its pid is known), stdout and stderr into `log`,
// SIGINT and SIGTERM at their default actions whatever this process does with them.
struct Child {
  pid_t pid = -1;
  std::string log;

  Child(const std::vector<std::string>& args, std::string log_path) : log(std::move(log_path)) {
    std::vector<std::string> all = {WATTSIM_BINARY};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&files, 1, 2);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t signals;
    sigemptyset(&signals);
    posix_spawnattr_setsigmask(&attributes, &signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    posix_spawnattr_setsigdefault(&attributes, &signals);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (posix_spawn(&pid, WATTSIM_BINARY, &files, &attributes, argv.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attributes);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }

  // The raw wait status, or nothing when it is still running after timeout_s (it is then killed).
  std::optional<int> wait(double timeout_s) {
    int status = 0;
    const bool ended = wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, timeout_s);
    if (!ended) return std::nullopt;
    pid = -1;
    return status;
  }
};

// Starts a long run writing `out`, sends `signal` once its temporary file exists, and returns
// the run's wait status and what it printed.
std::pair<int, std::string> interrupt_run(const test::TempDir& dir, const std::string& out, int signal) {
  Child child({"run", test::source_path("scenarios/default.json"), "--set", "start=2023-01-02T00:00:00Z", "--set",
               "horizon=300 d", "-o", out},
              dir.file("log.txt"));
  REQUIRE(child.pid > 0);
  const std::string temp = out + ".tmp-" + std::to_string(child.pid);
  int status = 0;
  const bool started =
      wait_until([&] { return fs::exists(temp) || ::waitpid(child.pid, &status, WNOHANG) == child.pid; }, 120);
  INFO(read_file(child.log));
  REQUIRE(started);
  REQUIRE(fs::exists(temp));  // (not ended before writing)
  REQUIRE(::kill(child.pid, signal) == 0);
  const auto ended = child.wait(60);
  REQUIRE(ended);
  return {*ended, read_file(child.log)};
}

}  // namespace

TEST_CASE("run never writes over its scenario, its trace or a series it reads, even with --force",
          "[app][e2e][output]") {
  test::TempDir dir("guard-inputs");
  const SmallScenario s(dir);
  fs::create_directory(dir.path / "sub");
  fs::create_hard_link(s.scenario, dir.file("hard-link.json"));
  const std::string scenario_bytes = read_file(s.scenario);
  const std::string trace_bytes = read_file(s.trace);
  const std::string intensity_bytes = read_file(s.intensity);
  for (const std::string& out :
       {s.scenario, dir.file("sub/../small.json"), dir.file("hard-link.json"), s.trace, s.intensity}) {
    for (const std::string force : {"", " --force"}) {
      const auto r = test::wattsim("run " + s.scenario + " -q -o " + quoted(out) + force);
      INFO(out + force + "\n" + r.output);
      CHECK(r.status == 2);
      CHECK_THAT(r.output, Contains("-o: " + out) && Contains("input") && Contains("choose another path with -o"));
    }
  }
  // The scenario's own output.path naming one of its inputs.
  const auto named = test::wattsim("run " + s.scenario + " -q --set output.path=" + s.trace);
  INFO(named.output);
  CHECK(named.status == 2);
  CHECK_THAT(named.output, Contains("output.path: " + s.trace));
  CHECK(read_file(s.scenario) == scenario_bytes);
  CHECK(read_file(s.trace) == trace_bytes);
  CHECK(read_file(s.intensity) == intensity_bytes);
  CHECK_FALSE(has_temporary(dir.path));
  // The run itself is fine.
  CHECK(test::wattsim("run " + s.scenario + " -q -o " + dir.file("small.h5")).status == 0);
}

TEST_CASE("run replaces an earlier result set, but another file only with --force", "[app][e2e][output]") {
  test::TempDir dir("guard-existing");
  const SmallScenario s(dir);
  const std::string out = dir.file("out.h5");
  REQUIRE(test::wattsim("run " + s.scenario + " -q -o " + out).status == 0);
  const auto again = test::wattsim("run " + s.scenario + " -q -o " + out + " --set seed=7");
  INFO(again.output);
  CHECK(again.status == 0);
  CHECK(results::is_result_set(out));

  const std::string notes = dir.write("notes.txt", "my notes\n");
  const auto refused = test::wattsim("run " + s.scenario + " -q -o " + notes);
  INFO(refused.output);
  CHECK(refused.status == 2);
  CHECK_THAT(refused.output,
             Contains("-o: " + notes + " exists and is not a wattsim result set; use --force to replace it"));
  CHECK(read_file(notes) == "my notes\n");
  // A file that merely starts like HDF5 is no result set either, and HDF5 prints nothing about it.
  const std::string fake = dir.write("fake.h5", std::string("\x89HDF\r\n\x1a\n", 8) + std::string(100, 'x'));
  const auto fake_run = test::wattsim("run " + s.scenario + " -q -o " + fake);
  CHECK(fake_run.status == 2);
  CHECK_THAT(fake_run.output, !Contains("HDF5-DIAG"));
  CHECK_THAT(fake_run.output, Contains("is not a wattsim result set"));

  const auto forced = test::wattsim("run " + s.scenario + " -q --force -o " + notes);
  INFO(forced.output);
  CHECK(forced.status == 0);
  CHECK(results::is_result_set(notes));
  CHECK_FALSE(has_temporary(dir.path));
}

TEST_CASE("run refuses a folder and a missing folder before running, with exit status 2", "[app][e2e][output]") {
  test::TempDir dir("guard-folder");
  fs::create_directory(dir.path / "results");
  // A run of tens of seconds if it started: the refusal must come first.
  const auto start = std::chrono::steady_clock::now();
  const auto folder = test::wattsim("run " + long_run_args() + " -q -o " + dir.file("results"));
  const auto missing = test::wattsim("run " + long_run_args() + " -q -o " + dir.file("no-such-folder/out.h5"));
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(folder.output + missing.output);
  CHECK(folder.status == 2);
  CHECK_THAT(folder.output, Contains("results is a folder; give a file path, e.g. " + dir.file("results/result.h5")));
  CHECK(missing.status == 2);
  CHECK_THAT(missing.output, Contains("is in a folder that does not exist (" + dir.file("no-such-folder") + ")"));
  CHECK_FALSE(fs::exists(dir.file("no-such-folder")));
  CHECK(fs::is_empty(dir.path / "results"));
  CHECK(elapsed_s < 10);
  // Reported with the scenario's own problems, all at once.
  const auto both = test::wattsim("run " + long_run_args() + " --set policy.name=fif -o " + dir.file("results"));
  CHECK(both.status == 2);
  CHECK_THAT(both.output, Contains("invalid input (2 problems)") && Contains("policy.name") && Contains("is a folder"));
}

TEST_CASE("batch never writes over its inputs, a folder or another file, and replaces an earlier result set",
          "[app][e2e][output][batch]") {
  test::TempDir dir("guard-batch");
  const SmallScenario s(dir);
  const std::string demand = dir.file("demand.h5");
  REQUIRE(test::wattsim("run " + s.scenario + " -q -o " + demand).status == 0);
  const std::string batch = write_batch(dir, demand);
  const std::string batch_bytes = read_file(batch);
  const std::string demand_bytes = read_file(demand);
  // Its inputs: the batch file, the demand's result set, a series; never, even with --force.
  for (const std::string& out : {batch, demand, dir.file("batch-intensity.csv")}) {
    for (const std::string force : {"", " --force"}) {
      const auto r = test::wattsim("batch " + batch + " -q -o " + out + force);
      INFO(out + force + "\n" + r.output);
      CHECK(r.status == 2);
      CHECK_THAT(r.output, Contains("-o: " + out) && Contains("input"));
    }
  }
  CHECK(read_file(batch) == batch_bytes);
  CHECK(read_file(demand) == demand_bytes);

  const std::string notes = dir.write("notes.txt", "my notes\n");
  const auto refused = test::wattsim("batch " + batch + " -q -o " + notes);
  CHECK(refused.status == 2);
  CHECK_THAT(refused.output, Contains("exists and is not a wattsim result set; use --force to replace it"));
  CHECK(read_file(notes) == "my notes\n");
  fs::create_directory(dir.path / "results");
  const auto folder = test::wattsim("batch " + batch + " -q -o " + dir.file("results"));
  CHECK(folder.status == 2);
  CHECK_THAT(folder.output, Contains("is a folder"));
  const auto missing = test::wattsim("batch " + batch + " -q -o " + dir.file("no-such-folder/out.h5"));
  CHECK(missing.status == 2);
  CHECK_THAT(missing.output, Contains("is in a folder that does not exist"));
  CHECK_FALSE(fs::exists(dir.file("no-such-folder")));

  const std::string out = dir.file("variants.h5");
  CHECK(test::wattsim("batch " + batch + " -q -o " + out).status == 0);
  const auto again = test::wattsim("batch " + batch + " -q -o " + out);
  INFO(again.output);
  CHECK(again.status == 0);
  CHECK(results::ResultReader(out).records("/variants").rows() == 2);
  const auto forced = test::wattsim("batch " + batch + " -q --force -o " + notes);
  CHECK(forced.status == 0);
  CHECK(results::is_result_set(notes));
  CHECK_FALSE(has_temporary(dir.path));
}

TEST_CASE("a batch whose demand scenario takes long refuses a folder before running it", "[app][e2e][output][batch]") {
  test::TempDir dir("guard-batch-folder");
  fs::create_directory(dir.path / "results");
  const std::string batch = dir.write("batch.json", json{{"demand",
                                                          {{"scenario", test::source_path("scenarios/default.json")},
                                                           {"set", {"start=2023-01-02T00:00:00Z", "horizon=300 d"}}}},
                                                         {"regions", {{"X", {{"intensity", 300}}}}}}
                                                        .dump());
  const auto start = std::chrono::steady_clock::now();
  const auto r = test::wattsim("batch " + batch + " -q -o " + dir.file("results"));
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Contains("is a folder"));
  CHECK(elapsed_s < 10);
}

TEST_CASE("Ctrl-C during a run removes its temporary file, keeps the earlier result set and exits 130",
          "[app][e2e][output][signal]") {
  test::TempDir dir("sigint");
  const SmallScenario s(dir);
  const std::string out = dir.file("out.h5");
  REQUIRE(test::wattsim("run " + s.scenario + " -q -o " + out).status == 0);
  const std::string earlier = read_file(out);
  const auto [status, output] = interrupt_run(dir, out, SIGINT);
  INFO(output);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK_THAT(output, Contains("wattsim: interrupted (SIGINT); removed " + out + ".tmp-") &&
                         Contains("; no result written (" + out + " is left as it was)"));
  CHECK_FALSE(has_temporary(dir.path));
  CHECK(read_file(out) == earlier);
}

TEST_CASE("SIGTERM during a run removes its temporary file, writes no result and exits 143",
          "[app][e2e][output][signal]") {
  test::TempDir dir("sigterm");
  const std::string out = dir.file("out.h5");
  const auto [status, output] = interrupt_run(dir, out, SIGTERM);
  INFO(output);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 143);
  CHECK_THAT(output,
             Contains("wattsim: interrupted (SIGTERM); removed " + out + ".tmp-") && Contains("; no result written\n"));
  CHECK_FALSE(has_temporary(dir.path));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("Ctrl-C while a batch runs its demand scenario exits 130 and writes nothing",
          "[app][e2e][output][signal][batch]") {
  test::TempDir dir("sigint-batch");
  const std::string batch = dir.write("batch.json", json{{"demand",
                                                          {{"scenario", test::source_path("scenarios/default.json")},
                                                           {"set", {"start=2023-01-02T00:00:00Z", "horizon=300 d"}}}},
                                                         {"regions", {{"X", {{"intensity", 300}}}}}}
                                                        .dump());
  const std::string out = dir.file("out.h5");
  Child child({"batch", batch, "-o", out}, dir.file("log.txt"));
  REQUIRE(child.pid > 0);
  // Once it handles Ctrl-C, it is reading the batch file or running the demand's scenario (seconds).
  REQUIRE(wait_until([&] { return catches(child.pid, SIGINT); }, 60));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  REQUIRE(::kill(child.pid, SIGINT) == 0);
  const auto status = child.wait(60);
  const std::string output = read_file(child.log);
  INFO(output);
  REQUIRE(status);
  REQUIRE(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 130);
  CHECK_THAT(output, Contains("wattsim: interrupted (SIGINT); ") && Contains("no result written"));
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(has_temporary(dir.path));
}

TEST_CASE("run and batch remove their output's temporary files whose process is gone, and no others",
          "[app][e2e][output]") {
  test::TempDir dir("stale");
  const SmallScenario s(dir);
  long pid_max = 0;
  std::ifstream("/proc/sys/kernel/pid_max") >> pid_max;
  REQUIRE(pid_max > 0);
  const std::string gone = std::to_string(pid_max + 1);  // no process can have it
  const std::string live = std::to_string(::getpid());
  for (const std::string command : {"run", "batch"}) {
    const std::string out = dir.file(command + ".h5");
    const std::string input = command == "run" ? s.scenario : write_batch(dir, dir.file("run.h5"));
    const std::string stale = dir.write(command + ".h5.tmp-" + gone, "left by a killed run");
    const std::string running = dir.write(command + ".h5.tmp-" + live, "being written by a live process");
    const std::string other_output = dir.write("other.h5.tmp-" + gone, "another output's");
    const std::string not_a_pid = dir.write(command + ".h5.tmp-12ab", "not a temporary file of ours");
    const auto r = test::wattsim(command + " " + input + " -o " + out);
    INFO(command + "\n" + r.output);
    REQUIRE(r.status == 0);
    CHECK_THAT(r.output, Contains("wattsim: removed " + stale + ", left by a process that has ended"));
    CHECK_FALSE(fs::exists(stale));
    CHECK(read_file(running) == "being written by a live process");
    CHECK(fs::exists(other_output));
    CHECK(fs::exists(not_a_pid));
    CHECK(results::is_result_set(out));
  }
}
