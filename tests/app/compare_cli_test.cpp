// End-to-end tests of `wattsim compare`: variants side by side, the same rows whatever the
// number of workers, each variant equal to its own `wattsim run`, errors before anything runs,
// replicate seeds with intervals, the "did not finish the same work" warning, and signals.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <bit>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "app/compare.hpp"
#include "results/result_reader.hpp"
#include "tests/app/cli_helpers.hpp"

extern char** environ;

using namespace wattsim;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// 128 H100s for two days, jobs of 8-32 GPUs every 25 minutes on average: enough queueing that
// fifo and easy-backfill start jobs differently, small enough to run in a tenth of a second.
std::string small_scenario(const test::TempDir& dir, const std::string& extra = "") {
  return dir.write("small.json", R"({
  "name": "small",
  "seed": 7,
  "horizon": "2 d",
  "facility": {"pue": 1.25, "racks": [{"count": 4, "node": "DGX-H100", "nodes_per_rack": 4, "capacity": "45 kW"}]},
  "workload": {"generator": [{"mean_interarrival": "25 min", "sizes": [[8, 0.5], [16, 0.3], [32, 0.2]],
    "durations": {"lognormal": {"median": "2 h", "sigma": 1.0, "min": "10 min", "max": "1 d"}},
    "utilisation": [0.5, 1.0], "beta": [0.5, 0.9]}]},
  "policy": {"name": "fifo"})" + extra +
                                     R"(
})");
}

const std::string kTwoPolicies = " --policy fifo='{\"name\": \"fifo\"}' --policy easy=easy-backfill";

bool has_temporary(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  }
  return false;
}

// The bits of every number (NaN == NaN when their bits are).
std::vector<std::uint64_t> bits(const std::vector<double>& values) {
  std::vector<std::uint64_t> out;
  for (double v : values) out.push_back(std::bit_cast<std::uint64_t>(v));
  return out;
}

struct SummaryBits {
  std::vector<std::string> names, units, descriptions;
  std::vector<std::uint64_t> values;
  bool operator==(const SummaryBits&) const = default;
};
SummaryBits summary_bits(const results::ResultReader& r, const std::string& group) {
  SummaryBits out;
  for (const auto& s : r.summary(group)) {
    out.names.push_back(s.name);
    out.units.push_back(s.unit);
    out.descriptions.push_back(s.description);
    out.values.push_back(std::bit_cast<std::uint64_t>(s.value));
  }
  return out;
}

// Every /jobs row as its bytes in the file layout (NaN end times compare by their bits).
std::vector<std::vector<unsigned char>> job_bytes(const results::ResultReader& r, const std::string& path) {
  std::vector<std::vector<unsigned char>> out;
  for (const auto& row : r.jobs(path)) {
    out.emplace_back(results::kJobRecordBytes);
    results::pack_job(row, out.back().data());
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string with_commas(long long n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

TEST_CASE("compare gives the same rows bit for bit with 1 and 2 workers, and each variant equals its own run",
          "[app][e2e][compare]") {
  test::TempDir dir("compare-same");
  const std::string scenario = small_scenario(dir);
  const std::string one = dir.file("one.h5"), two = dir.file("two.h5");
  const auto r1 = test::wattsim("compare " + scenario + kTwoPolicies + " --jobs 1 -o " + one);
  INFO(r1.output);
  REQUIRE(r1.status == 0);
  const auto r2 = test::wattsim("compare " + scenario + kTwoPolicies + " --jobs 2 -q -o " + two);
  INFO(r2.output);
  REQUIRE(r2.status == 0);
  CHECK(r2.output.empty());  // --quiet
  CHECK_FALSE(has_temporary(dir.path));

  const results::ResultReader a(one), b(two);
  REQUIRE(a.is_compare());
  const auto ra = a.records("/compare/summary"), rb = b.records("/compare/summary");
  REQUIRE(ra.rows() == 2);
  CHECK(ra.fields == rb.fields);
  CHECK(bits(ra.values) == bits(rb.values));
  CHECK(ra.texts == rb.texts);
  CHECK(ra.text(0, "variant") == "fifo");
  CHECK(ra.text(1, "variant") == "easy");
  CHECK(ra.text(1, "policy") == "easy-backfill");
  CHECK(ra.text(1, "group") == "/runs/easy");
  CHECK(ra.at(0, "seed") == 7);
  // The two policies did schedule differently (else this test would prove little).
  CHECK(ra.at(0, "mean_wait_s") != ra.at(1, "mean_wait_s"));
  // Every /summary value of a run is a column, with its unit and description.
  const auto fifo_summary = a.summary("/runs/fifo/summary");
  // (after seed and forecast_seed; fifo and easy-backfill report no policy figures of their own)
  REQUIRE(ra.fields.size() == fifo_summary.size() + 2);
  CHECK(ra.fields[1] == "forecast_seed");
  CHECK(ra.at(0, "forecast_seed") == 1);
  CHECK(ra.text(0, "varies") == "none");
  for (std::size_t i = 0; i < fifo_summary.size(); ++i) {
    CHECK(ra.fields[i + 2] == fifo_summary[i].name);
    CHECK(ra.units[i + 2] == fifo_summary[i].unit);
    CHECK(std::bit_cast<std::uint64_t>(ra.values[i + 2]) == std::bit_cast<std::uint64_t>(fifo_summary[i].value));
  }
  for (const char* key : {"work_done", "mean_slowdown", "lost_work", "node_failures", "suspensions"}) {
    INFO(key);
    CHECK(std::find(ra.fields.begin(), ra.fields.end(), key) != ra.fields.end());
  }

  // Each variant, run on its own, gives the same summary (names, units, descriptions and value
  // bits, in order), the same /jobs rows and the same time series.
  for (const auto& [name, policy] :
       {std::pair<std::string, std::string>{"fifo", R"({"name": "fifo"})"}, {"easy", R"({"name": "easy-backfill"})"}}) {
    INFO(name);
    const std::string alone = dir.file(name + "-alone.h5");
    const auto r = test::wattsim("run " + scenario + " -q --set 'policy=" + policy + "' -o " + alone);
    INFO(r.output);
    REQUIRE(r.status == 0);
    const results::ResultReader single(alone);
    const std::string group = "/runs/" + name;
    CHECK(summary_bits(a, group + "/summary") == summary_bits(single, "/summary"));
    CHECK(summary_bits(b, group + "/summary") == summary_bits(single, "/summary"));
    const auto jobs = job_bytes(single, "/jobs");
    REQUIRE(jobs.size() > 50);
    CHECK(job_bytes(a, group + "/jobs") == jobs);
    CHECK(job_bytes(b, group + "/jobs") == jobs);
    CHECK(bits(a.column(group + "/timeseries", "facility_power_kw")) ==
          bits(single.column("/timeseries", "facility_power_kw")));
    CHECK(a.description(group + "/timeseries/facility_power_kw") ==
          single.description("/timeseries/facility_power_kw"));
    CHECK(a.unit(group + "/jobs") == single.unit("/jobs"));
    // The run's own /meta travels with it.
    std::map<std::string, std::string> meta;
    for (const auto& [k, v] : a.meta_strings()) meta[k] = v;
    CHECK(meta.at("kind") == "compare");
    CHECK_THAT(meta.at("command_line"), Contains("compare") && Contains("--jobs 1"));
    CHECK(a.contains(group + "/meta"));
  }
  CHECK(a.records("/compare/timing").rows() == 2);

  // The printed table: both blocks, units in the headers, the change against the first variant.
  CHECK_THAT(r1.output, Contains("kWh/acc-h") && Contains("facility MWh") && Contains("mean wait") &&
                            Contains("slowdown") && Contains("util. %") && Contains("change against fifo") &&
                            Contains(" %"));
  std::istringstream lines(r1.output);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.size() <= 120 + 2);  // "±" is two bytes
  }
  // inspect shows a comparison as such: its variants, their groups and policies, and the table.
  const auto shown = test::wattsim("inspect " + one);
  INFO(shown.output);
  CHECK(shown.status == 0);
  CHECK_THAT(shown.output, Contains("compare result set: 2 variants") && Contains("/runs/easy") &&
                               Contains("policy easy-backfill") && Contains("kWh/acc-h"));
  const auto as_json = test::wattsim("inspect --json " + one);
  REQUIRE(as_json.status == 0);
  const auto doc = nlohmann::json::parse(as_json.output);
  CHECK(doc["kind"] == "compare");
  CHECK(doc["variants"] == nlohmann::json({"fifo", "easy"}));
  CHECK(doc["runs"][1]["mean_wait_s"] == ra.at(1, "mean_wait_s"));
  CHECK(doc["timing"].size() == 2);
}

TEST_CASE("compare refuses a bad policy, an unknown policy or a bad --vary key before running anything",
          "[app][e2e][compare][errors]") {
  test::TempDir dir("compare-errors");
  const std::string scenario = small_scenario(dir);
  const std::string out = dir.file("out.h5");
  struct Case {
    std::string args, expected_where, expected_what;
  };
  const Case cases[] = {
      {" --policy fifo=fifo --policy broken='{\"name\": \"fifo\"'", "--policy broken:1:", "not valid JSON"},
      {" --policy fifo=fifo --policy typo='{\"name\": \"fifoo\"}'", "variant \"typo\" (--policy typo), policy.name",
       "unknown scheduler \"fifoo\""},
      {" --policy fifo=fifo --policy list='[1, 2]'", "--policy list", "found an array"},
      {" --vary 'facilty.pue=1.2,1.3'", "variant \"facilty.pue=1.2\" (--vary facilty.pue)", "facilty"},
      {" --vary 'facility.pue=1.2,0.5'", "variant \"facility.pue=0.5\" (--vary facility.pue), facility.pue", ""},
      {" --vary facility.pue", "--vary facility.pue", "expected KEY=V1,V2"},
      {" --policy a=fifo --vary facility.pue=1.2", "--policy, --vary", "not both"},
      {" --policy a=fifo --policy a=easy-backfill", "--policy a", "given twice"},
      {"", "small.json", "nothing to compare"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = test::wattsim("compare " + scenario + c.args + " -o " + out);
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains(c.expected_where) && Contains(c.expected_what));
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(has_temporary(dir.path));
  }
  // Every variant's problems at once, with the bad output path's.
  const auto r = test::wattsim("compare " + scenario + " --policy a=fifoo --policy b=esay-backfill -o " + scenario);
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Contains("variant \"a\"") && Contains("variant \"b\"") && Contains("did you mean") &&
                           Contains("-o: " + scenario));
}

TEST_CASE("compare with --seeds runs each variant on consecutive seeds and prints a t interval",
          "[app][e2e][compare]") {
  test::TempDir dir("compare-seeds");
  const std::string scenario = small_scenario(dir);
  const std::string out = dir.file("seeds.h5");
  const auto r = test::wattsim("compare " + scenario + kTwoPolicies + " --seeds 3 --jobs 2 -o " + out);
  INFO(r.output);
  REQUIRE(r.status == 0);
  const results::ResultReader reader(out);
  const auto rows = reader.records("/compare/summary");
  REQUIRE(rows.rows() == 6);
  const double seeds[] = {7, 8, 9, 7, 8, 9};
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(rows.at(i, "seed") == seeds[i]);
    CHECK(rows.text(i, "variant") == (i < 3 ? "fifo" : "easy"));
    CHECK(rows.text(i, "group") ==
          std::string(i < 3 ? "/runs/fifo" : "/runs/easy") + "/seed-" + std::to_string(static_cast<int>(seeds[i])));
    CHECK(reader.contains(rows.text(i, "group") + "/jobs"));
  }
  // Other seeds, other jobs; the same seed, the same jobs whatever the policy.
  CHECK(rows.at(0, "jobs_submitted") != rows.at(1, "jobs_submitted"));
  CHECK(rows.at(0, "jobs_submitted") == rows.at(3, "jobs_submitted"));
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(rows.at(i, "forecast_seed") == 1);  // the scenario has no forecast.seed: the default
    CHECK(rows.text(i, "varies") == "seed");
  }
  CHECK_THAT(r.output, Contains("95 % interval over 3 workload seeds") &&
                           Contains("Student's t, 2 degrees of freedom") && Contains(" ±"));
  // No flexible work, suspension, transfer or marginal figure: no carbon block.
  CHECK_THAT(r.output, !Contains("carbon and flexible work"));
  // The work column by hand: mean ± t(0.975, 2) x s / sqrt(3), whole accelerator-hours.
  for (std::size_t v = 0; v < 2; ++v) {
    double x[3], mean = 0;
    for (std::size_t s = 0; s < 3; ++s) mean += (x[s] = rows.at(3 * v + s, "work_done")) / 3;
    double squares = 0;
    for (double xi : x) squares += (xi - mean) * (xi - mean);
    const double half = 4.303 * std::sqrt(squares / 2) / std::sqrt(3.0);
    const std::string cell = with_commas(std::llround(mean)) + " ±" + with_commas(std::llround(half));
    INFO(cell);
    CHECK_THAT(r.output, Contains(cell));
  }
}

TEST_CASE("compare warns when the variants did not finish the same work, and only then", "[app][e2e][compare]") {
  test::TempDir dir("compare-work");
  const std::string scenario = small_scenario(dir);
  // A longer horizon finishes more jobs: totals are not comparable.
  const auto longer = test::wattsim("compare " + scenario + " --vary 'horizon=1 d,2 d' -o " + dir.file("h.h5"));
  INFO(longer.output);
  REQUIRE(longer.status == 0);
  CHECK_THAT(longer.output,
             Contains("warning: horizon=2 d did not finish the same work as horizon=1 d") && Contains("kWh/acc-h"));
  const results::ResultReader h(dir.file("h.h5"));
  CHECK(h.contains("/runs/horizon=2 d/summary"));
  // Another PUE changes the energy, not the schedule: the same work, no warning.
  const auto pue = test::wattsim("compare " + scenario + " --vary facility.pue=1.2,1.4 -o " + dir.file("p.h5"));
  INFO(pue.output);
  REQUIRE(pue.status == 0);
  CHECK_THAT(pue.output, !Contains("warning") && Contains("facility.pue=1.4"));
  const auto rows = results::ResultReader(dir.file("p.h5")).records("/compare/summary");
  CHECK(rows.at(0, "work_done") == rows.at(1, "work_done"));
  CHECK(rows.at(1, "facility_energy_kwh") > rows.at(0, "facility_energy_kwh"));
  // 1.4 / 1.2 of the facility energy (the IT energy is the same): +16.7 %.
  CHECK(rows.at(1, "facility_energy_kwh") / rows.at(0, "facility_energy_kwh") == Approx(1.4 / 1.2).epsilon(1e-9));
  CHECK_THAT(pue.output, Contains("+16.7 %"));
}

TEST_CASE("a scenario's compare.variants are compared in the order written; run ignores them and check loads them",
          "[app][e2e][compare][scenario]") {
  test::TempDir dir("compare-member");
  const std::string scenario = small_scenario(dir, R"(,
  "compare": {"variants": {"zz-easy": {"name": "easy-backfill"}, "aa-fifo": {"scheduler": "fifo"}}})");
  const std::string out = dir.file("member.h5");
  const auto r = test::wattsim("compare " + scenario + " --jobs 2 -o " + out);
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto rows = results::ResultReader(out).records("/compare/summary");
  REQUIRE(rows.rows() == 2);
  CHECK(rows.text(0, "variant") == "zz-easy");  // the file's order, not the names'
  CHECK(rows.text(1, "variant") == "aa-fifo");
  CHECK_THAT(r.output, Contains("change against zz-easy"));
  // run uses "policy" alone.
  const auto run = test::wattsim("run " + scenario + " -q -o " + dir.file("run.h5"));
  INFO(run.output);
  CHECK(run.status == 0);
  const auto check = test::wattsim("check " + scenario);
  INFO(check.output);
  CHECK(check.status == 0);
  CHECK_THAT(check.output, Contains("compare: 2 variants") && Contains("zz-easy: easy-backfill"));
  // A bad entry: the shape in the parser (run too), a policy's problem at its place (check, compare).
  const std::string shape = small_scenario(dir, R"(,
  "compare": {"variants": {"a/b": {"name": "fifo"}, "c": "fifo"}, "baseline": "a"})");
  const auto bad_shape = test::wattsim("run " + shape + " -q -o " + dir.file("x.h5"));
  INFO(bad_shape.output);
  CHECK(bad_shape.status == 2);
  CHECK_THAT(bad_shape.output,
             Contains("compare.variants.a/b") && Contains("compare.variants.c") && Contains("compare.baseline"));
  const std::string unknown = small_scenario(dir, R"(,
  "compare": {"variants": {"good": {"name": "fifo"}, "bad": {"scheduler": "fifoo"}}})");
  const auto bad_check = test::wattsim("check " + unknown);
  INFO(bad_check.output);
  CHECK(bad_check.status == 2);
  CHECK_THAT(bad_check.output, Contains("compare.variants.bad.scheduler") && Contains("fifoo"));
  const auto bad_compare = test::wattsim("compare " + unknown + " -o " + dir.file("y.h5"));
  INFO(bad_compare.output);
  CHECK(bad_compare.status == 2);
  CHECK_THAT(bad_compare.output, Contains("variant \"bad\" (compare.variants.bad)"));
  CHECK_FALSE(fs::exists(dir.file("y.h5")));
  // --policy replaces the scenario's variants.
  const auto given = test::wattsim("compare " + unknown + " --policy only=fifo -q -o " + dir.file("z.h5"));
  INFO(given.output);
  CHECK(given.status == 0);
}

TEST_CASE("SIGTERM to compare stops its runs and leaves no result and no temporary file",
          "[app][e2e][compare][signal]") {
  test::TempDir dir("compare-sigterm");
  const std::string scratch = dir.file("tmp");
  fs::create_directory(scratch);
  const std::string out = dir.file("out.h5");
  // Runs of tens of seconds (only ever interrupted), their scratch folder under our TMPDIR.
  std::vector<std::string> args = {WATTSIM_BINARY,
                                   "compare",
                                   test::source_path("scenarios/default.json"),
                                   "--set",
                                   "start=2023-01-02T00:00:00Z",
                                   "--set",
                                   "horizon=300 d",
                                   "--policy",
                                   "a=fifo",
                                   "--policy",
                                   "b=easy-backfill",
                                   "--jobs",
                                   "2",
                                   "-o",
                                   out};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text = {"TMPDIR=" + scratch};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string(*e).rfind("TMPDIR=", 0) != 0) env_text.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string log = dir.file("log.txt");
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&files, 1, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t signals;
  sigemptyset(&signals);
  posix_spawnattr_setsigmask(&attributes, &signals);
  sigaddset(&signals, SIGTERM);
  posix_spawnattr_setsigdefault(&attributes, &signals);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, WATTSIM_BINARY, &files, &attributes, argv.data(), envp.data()) == 0);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attributes);
  // Once both runs are writing their result sets, stop the comparison (not its runs: they are
  // its to stop).
  const auto writing = [&] {
    std::size_t temporaries = 0;
    for (const auto& e : fs::recursive_directory_iterator(scratch)) {
      temporaries += e.path().filename().string().find(".h5.tmp-") != std::string::npos;
    }
    return temporaries == 2;
  };
  int status = 0;
  bool started = false;
  for (int i = 0; i < 12000 && !started; ++i) {
    started = writing();
    if (!started) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  INFO(read_file(log));
  if (!started) ::kill(pid, SIGKILL);
  REQUIRE(started);
  REQUIRE(::kill(pid, SIGTERM) == 0);
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  INFO(read_file(log));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 143);
  CHECK_THAT(read_file(log), Contains("wattsim: interrupted (SIGTERM)") && Contains("no result written"));
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(has_temporary(dir.path));
  CHECK(fs::is_empty(scratch));  // the runs' folder is gone, with their files
}

TEST_CASE("compare removes the scratch folders of comparisons that were killed, and no others",
          "[app][e2e][compare][output]") {
  test::TempDir dir("compare-stale");
  const std::string scenario = small_scenario(dir);
  const fs::path scratch = dir.path / "tmp";
  long pid_max = 0;
  std::ifstream("/proc/sys/kernel/pid_max") >> pid_max;
  REQUIRE(pid_max > 0);
  const fs::path gone = scratch / ("wattsim-compare-" + std::to_string(pid_max + 1) + "-AbC123");  // no process has it
  const fs::path live = scratch / ("wattsim-compare-" + std::to_string(::getpid()) + "-AbC123");   // this test's
  const fs::path other = scratch / "wattsim-compare-notes";
  for (const auto& p : {gone, live, other}) {
    fs::create_directories(p);
    std::ofstream(p / "run-0-0.h5") << "x";
  }
  const auto r = test::run_command("TMPDIR=" + scratch.string() + " " + WATTSIM_BINARY + " compare " + scenario +
                                   " --policy a=fifo -q -o " + dir.file("out.h5"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_FALSE(fs::exists(gone));
  CHECK(fs::exists(live / "run-0-0.h5"));
  CHECK(fs::exists(other / "run-0-0.h5"));
  std::size_t left = 0;
  for (const auto& e : fs::directory_iterator(scratch)) left += e.path() != live && e.path() != other;
  CHECK(left == 0);  // its own folder is gone too
}

TEST_CASE("student_t_95 is the two-sided 95 % quantile of Student's t", "[app][compare]") {
  // Tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2): 12.706, 4.303, 2.228 (10), 2.042 (30);
  // 2.000 at 60, 1.984 at 100; the normal 1.960 in the limit.
  CHECK(app::student_t_95(1) == Approx(12.706).margin(5e-4));
  CHECK(app::student_t_95(2) == Approx(4.303).margin(5e-4));
  CHECK(app::student_t_95(10) == Approx(2.228).margin(5e-4));
  CHECK(app::student_t_95(30) == Approx(2.042).margin(5e-4));
  CHECK(app::student_t_95(60) == Approx(2.000).margin(1e-3));
  CHECK(app::student_t_95(100) == Approx(1.984).margin(1e-3));
  CHECK(app::student_t_95(100000) == Approx(1.960).margin(1e-3));
  for (std::size_t dof = 1; dof < 200; ++dof) CHECK(app::student_t_95(dof + 1) < app::student_t_95(dof));
}

TEST_CASE("batch takes --jobs, and --threads as its other name", "[app][e2e][compare]") {
  const auto help = test::wattsim("batch --help");
  CHECK_THAT(help.output, Contains("--jobs") && Contains("--threads"));
  const auto compare_help = test::wattsim("compare --help");
  CHECK_THAT(compare_help.output,
             Contains("--jobs") && Contains("--policy") && Contains("--vary") && Contains("--seeds"));
}

namespace {

// A row of a hand-built table: the values the carbon block reads, the rest absent (NaN).
app::CompareRow carbon_row(const std::string& variant, double seed, std::map<std::string, double> values) {
  app::CompareRow row;
  row.variant = variant;
  row.policy = variant;
  row.group = "/runs/" + variant;
  row.seed = seed;
  row.values = std::move(values);
  return row;
}

std::size_t widest(const std::string& text) {
  std::size_t widest = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::size_t n = 0;
    for (const char c : line) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // characters, not bytes
    widest = std::max(widest, n);
  }
  return widest;
}

}  // namespace

TEST_CASE("the carbon and flexible work block: paired savings and added delay over forecast-error seeds",
          "[app][compare]") {
  // Two variants, two forecast-error seeds each.
  app::CompareTable t;
  t.varies = "forecast_seed";
  const double kNaN = std::nan("");
  t.rows = {
      carbon_row("fifo", 7, {{"carbon_location_kg", 1000}, {"carbon_operational_kg", 900},
                             {"carbon_location_average_kg", 1000}, {"carbon_location_marginal_kg", kNaN},
                             {"flexible_jobs_started", 4}, {"flexible_mean_wait_s", 3600}, {"suspensions", 0},
                             {"checkpoint_energy_kwh", 0}, {"transfers", 0}}),
      carbon_row("fifo", 7, {{"carbon_location_kg", 1400}, {"carbon_operational_kg", 1300},
                             {"carbon_location_average_kg", 1400}, {"carbon_location_marginal_kg", kNaN},
                             {"flexible_jobs_started", 4}, {"flexible_mean_wait_s", 7200}, {"suspensions", 0},
                             {"checkpoint_energy_kwh", 0}, {"transfers", 0}}),
      carbon_row("carbon", 7, {{"carbon_location_kg", 800}, {"carbon_operational_kg", 760},
                               {"carbon_location_average_kg", 800}, {"carbon_location_marginal_kg", kNaN},
                               {"flexible_jobs_started", 4}, {"flexible_mean_wait_s", 10800}, {"suspensions", 2},
                               {"checkpoint_energy_kwh", 1.5}, {"transfers", 0}}),
      carbon_row("carbon", 7, {{"carbon_location_kg", 1300}, {"carbon_operational_kg", 1200},
                               {"carbon_location_average_kg", 1300}, {"carbon_location_marginal_kg", kNaN},
                               {"flexible_jobs_started", 4}, {"flexible_mean_wait_s", 18000}, {"suspensions", 4},
                               {"checkpoint_energy_kwh", 2.5}, {"transfers", 0}}),
  };
  REQUIRE(t.seeds() == 2);
  const std::string text = app::format_compare_table(t);
  INFO(text);
  CHECK_THAT(text, Contains("95 % interval over 2 forecast-error seeds") && Contains("carbon and flexible work") &&
                       Contains("loc. saved kg") && Contains("oper. saved kg") && Contains("loc. avg t") &&
                       Contains("added delay h") && Contains("suspensions") && Contains("ckpt kWh"));
  // Only the bases some run has; transfers only when some run moved data.
  CHECK_THAT(text, !Contains("loc. marg.") && !Contains("transfer"));
  // Location carbon saved, paired: seed 1 1000 - 800 = 200, seed 2 1400 - 1300 = 100; mean 150,
  // s = 70.71, half-width 12.706 x 70.71 / sqrt(2) = 635.3. (Unpaired, the variant's own spread
  // (800, 1300: s = 353.6) would give ±3,176.5.)
  CHECK_THAT(text, Contains("150.0 ±635.3") && !Contains("3,176.5"));
  // Operational: 900 - 760 = 140, 1300 - 1200 = 100; mean 120, s = 28.28, 12.706 x 20 = 254.1.
  CHECK_THAT(text, Contains("120.0 ±254.1"));
  // The first variant saves nothing against itself.
  CHECK_THAT(text, Contains("0.0 ±0.0"));
  // Location carbon on the average basis, not paired: (1,000 + 1,400) / 2 = 1,200 and (800 + 1,300) / 2 = 1,050 kg, in t.
  CHECK_THAT(text, Contains("1.200 ±") && Contains("1.050 ±"));
  // Added delay: 10800 - 3600 = 7200 s, 18000 - 7200 = 10800 s; mean 9000 s = 2.5 h,
  // s = 2545.6 s, 12.706 x 1800 s = 22870.8 s = 6.353 h.
  CHECK_THAT(text, Contains("2.500 ±6.353"));
  // Suspensions 2, 4: 3 ± 12.706 x 1 = 13; checkpoint energy 1.5, 2.5 kWh: 2.000 ± 6.353.
  CHECK_THAT(text, Contains("3 ±13") && Contains("2.000 ±6.353"));
  CHECK(widest(text) <= 120);

  // Without flexible work, suspensions, transfers or a marginal figure: no block.
  for (auto& row : t.rows) row.values = {{"carbon_location_kg", 1000}, {"flexible_jobs_started", 0}};
  CHECK_THAT(app::format_compare_table(t), !Contains("carbon and flexible work"));
}

TEST_CASE("the carbon block shows the marginal basis and transfers when a run has them, within 120 characters",
          "[app][compare]") {
  app::CompareTable t;
  const double kNaN = std::nan("");
  t.rows = {
      carbon_row("fifo", 7, {{"carbon_location_kg", 500}, {"carbon_operational_kg", 450},
                             {"carbon_location_average_kg", 500}, {"carbon_location_marginal_kg", 700},
                             {"flexible_jobs_started", 0}, {"flexible_mean_wait_s", kNaN}, {"suspensions", 0},
                             {"checkpoint_energy_kwh", 0}, {"transfers", 0}, {"transfer_energy_kwh", 0},
                             {"transfer_carbon_kg", 0}}),
      carbon_row("a-rather-long-variant-name", 7,
                 {{"carbon_location_kg", 300}, {"carbon_operational_kg", 280},
                  {"carbon_location_average_kg", 300}, {"carbon_location_marginal_kg", 650},
                  {"flexible_jobs_started", 0}, {"flexible_mean_wait_s", kNaN}, {"suspensions", 0},
                  {"checkpoint_energy_kwh", 0}, {"transfers", 3}, {"transfer_energy_kwh", 12},
                  {"transfer_carbon_kg", 4.8}}),
  };
  const std::string text = app::format_compare_table(t);
  INFO(text);
  CHECK_THAT(text, Contains("carbon and flexible work") && Contains("loc. avg kg") && Contains("loc. marg. kg") &&
                       Contains("transfers") && Contains("transfer kWh") && Contains("transfer kg") &&
                       Contains("4.800") &&
                       Contains("on the average and on the marginal basis"));
  // One seed: saved 500 - 300 = 200 kg location, 450 - 280 = 170 kg operational; no interval.
  CHECK_THAT(text, Contains("200.0") && Contains("170.0") && !Contains("±"));
  // Nine columns do not fit in 120 characters: carbon, then flexible work, each with its header.
  std::size_t headers = 0;
  for (auto at = text.find("\nvariant"); at != std::string::npos; at = text.find("\nvariant", at + 1)) ++headers;
  CHECK(headers == 4);  // energy, service, carbon, flexible work
  CHECK(widest(text) <= 120);
  // No flexible job started anywhere: the added delay is "-", not 0.
  CHECK_THAT(text, Contains("added delay"));
}

TEST_CASE("compare --forecast-seeds replicates the forecast error, not the workload; with --seeds it is refused",
          "[app][e2e][compare]") {
  test::TempDir dir("compare-forecast-seeds");
  const std::string scenario =
      small_scenario(dir, R"(,
  "forecast": {"model": "noisy", "error": "5 %", "seed": 5})");
  const std::string out = dir.file("f.h5");
  const auto r = test::wattsim("compare " + scenario + kTwoPolicies + " --forecast-seeds 2 --jobs 2 -o " + out);
  INFO(r.output);
  REQUIRE(r.status == 0);
  const results::ResultReader reader(out);
  const auto rows = reader.records("/compare/summary");
  REQUIRE(rows.rows() == 4);
  const double forecast_seeds[] = {5, 6, 5, 6};  // the scenario's forecast.seed + 0, 1
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(rows.at(i, "seed") == 7);  // the workload stays the scenario's
    CHECK(rows.at(i, "forecast_seed") == forecast_seeds[i]);
    CHECK(rows.text(i, "varies") == "forecast_seed");
    CHECK(rows.text(i, "group") == std::string(i < 2 ? "/runs/fifo" : "/runs/easy") + "/forecast-seed-" +
                                        std::to_string(static_cast<int>(forecast_seeds[i])));
    CHECK(reader.contains(rows.text(i, "group") + "/summary"));
  }
  // The same workload in every run.
  CHECK(rows.at(0, "jobs_submitted") == rows.at(1, "jobs_submitted"));
  CHECK(reader.records("/compare/timing").at(1, "forecast_seed") == 6);
  const auto table = app::read_compare_table(reader);
  CHECK(table.varies == "forecast_seed");
  CHECK(table.rows[1].forecast_seed == 6);
  CHECK_THAT(r.output, Contains("x 2 forecast-error seeds") && Contains("95 % interval over 2 forecast-error seeds"));
  // fifo reads no forecast: its rows are the same but for forecast_seed.
  const auto row_values = [&](const results::ResultReader::Records& rec, std::size_t row) {
    std::vector<double> v;
    for (const auto& f : rec.fields) {
      if (f != "forecast_seed") v.push_back(rec.at(row, f));
    }
    return bits(v);
  };
  CHECK(row_values(rows, 0) == row_values(rows, 1));

  // The seed reaches the runs: over a real carbon series with flexible jobs, carbon-forecast on
  // noisy forecasts decides differently with forecast seeds 5 and 6, and fifo does not.
  const std::string carbon = dir.file("f-carbon.h5");
  const auto c = test::wattsim(
      "compare " + scenario +
      " --set start=2023-06-01T00:00:00Z --set 'carbon={\"intensity\": {\"csv\": \"" +
      test::source_path("scenarios/data/carbon/US-CAL-CISO_2023_hourly.csv") +
      "\", \"time_column\": \"Datetime (UTC)\", \"value_column\": \"Carbon Intensity gCO\u2082eq/kWh (LCA)\", "
      "\"unit\": \"g/kWh\"}}' --set 'forecast={\"model\": \"noisy\", \"error\": \"5 %\", \"seed\": 5}' "
      "--set 'workload.flexibility={\"slack\": [\"2 h\", \"12 h\"], \"share\": 0.6, \"preemptible_share\": 0.5}' "
      "--policy fifo=fifo --policy cf='{\"scheduler\": \"fifo\", \"managers\": [\"carbon-forecast\"]}' "
      "--forecast-seeds 2 --jobs 2 -o " + carbon);
  INFO(c.output);
  REQUIRE(c.status == 0);
  const auto crows = results::ResultReader(carbon).records("/compare/summary");
  REQUIRE(crows.rows() == 4);
  CHECK(row_values(crows, 0) == row_values(crows, 1));
  CHECK(row_values(crows, 2) != row_values(crows, 3));
  // carbon-forecast's own figures are columns though the first variant (fifo) has none: NaN there.
  std::size_t figures = 0;
  for (const auto& f : crows.fields) {
    if (f.rfind("policy_carbon_forecast_", 0) != 0) continue;
    ++figures;
    CHECK(std::isnan(crows.at(0, f)));
    CHECK(std::isfinite(crows.at(2, f)));
  }
  CHECK(figures > 0);
  // Flexible jobs started: the carbon block is printed.
  CHECK(crows.at(0, "flexible_jobs_started") > 0);
  CHECK_THAT(c.output, Contains("carbon and flexible work") && Contains("loc. saved"));

  // One spread at a time, refused before anything runs.
  const std::string both = dir.file("both.h5");
  const auto refused =
      test::wattsim("compare " + scenario + kTwoPolicies + " --seeds 2 --forecast-seeds 2 -o " + both);
  INFO(refused.output);
  CHECK(refused.status == 2);
  CHECK_THAT(refused.output, Contains("--seeds, --forecast-seeds") && Contains("one spread at a time"));
  CHECK_FALSE(fs::exists(both));
  // A signal with its own seed would not see forecast.seed: refused, not replicated in vain (the
  // same scenario without --forecast-seeds is valid).
  const std::string own_seed = " --set 'forecast={\"model\": \"noisy\", \"carbon\": {\"seed\": 3}}'";
  REQUIRE(test::wattsim("check " + scenario + own_seed).status == 0);
  const auto own = test::wattsim("compare " + scenario + kTwoPolicies + own_seed + " --forecast-seeds 2 -o " + both);
  INFO(own.output);
  CHECK(own.status == 2);
  CHECK_THAT(own.output, Contains("forecast.carbon.seed") && Contains("--forecast-seeds varies forecast.seed"));
  CHECK_FALSE(fs::exists(both));
  // Nor may a variant set forecast.seed itself.
  const auto vary = test::wattsim("compare " + scenario + " --vary forecast.seed=1,2 --forecast-seeds 2 -o " + both);
  INFO(vary.output);
  CHECK(vary.status == 2);
  CHECK_THAT(vary.output, Contains("--vary forecast.seed: --forecast-seeds sets forecast.seed itself"));
}
