// End-to-end tests: the wattsim command line on shipped and deliberately broken scenarios.

#include <catch2/catch.hpp>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "results/result_reader.hpp"
#include "tests/app/cli_helpers.hpp"

using namespace wattsim;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

std::map<std::string, double> summary_of(const std::string& h5) {
  std::map<std::string, double> out;
  for (const auto& s : results::ResultReader(h5).summary("/summary")) out[s.name] = s.value;
  return out;
}

std::map<std::string, double> expected_bench() {
  std::ifstream in(test::source_path("tests/data/bench/expected-64x10k.txt"));
  std::map<std::string, double> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = std::stod(line.substr(eq + 1));
  }
  return out;
}

bool close(double got, double want, double rel) { return std::fabs(got - want) <= rel * std::fabs(want); }

}  // namespace

TEST_CASE("the cluster benchmark run gives the reference's makespan, energy, carbon and mean wait", "[app][e2e]") {
  test::TempDir dir("bench");
  const std::string out = dir.file("bench.h5");
  const auto r = test::wattsim("run " + test::source_path("scenarios/bench/fifo-gpu-cluster.json") + " -q -o " + out);
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto want = expected_bench();
  REQUIRE(want.size() == 4);
  const auto got = summary_of(out);
  CHECK(close(got.at("makespan_s"), want.at("makespan_s"), 1e-6));
  CHECK(close(got.at("facility_energy_kwh"), want.at("energy_kwh"), 1e-6));
  CHECK(close(got.at("carbon_location_kg"), want.at("carbon_kg"), 1e-6));
  CHECK(close(got.at("mean_wait_s"), want.at("mean_wait_s"), 1e-6));
  CHECK(got.at("jobs_completed") == 10000);
  CHECK(got.at("pue") == Approx(1.2).epsilon(1e-12));

  const results::ResultReader reader(out);
  const auto jobs = reader.jobs();
  REQUIRE(jobs.size() == 10000);
  double wait_sum = 0.0, job_kwh = 0.0, job_facility_kwh = 0.0, job_kg = 0.0;
  for (const auto& j : jobs) {
    CHECK(j.end_s >= j.start_s);
    CHECK(j.wait_s == Approx(j.start_s - j.submit_s).margin(1e-6));
    wait_sum += j.start_s - j.submit_s;
    job_kwh += j.dc_energy_kwh;
    job_facility_kwh += j.facility_energy_kwh;
    job_kg += j.carbon_location_kg;
  }
  CHECK(close(wait_sum / 10000, want.at("mean_wait_s"), 1e-9));
  CHECK(close(job_kwh, got.at("dc_jobs_energy_kwh"), 1e-9));
  // Jobs and idle share the facility energy and its carbon.
  CHECK(close(job_facility_kwh, got.at("facility_jobs_energy_kwh"), 1e-9));
  CHECK(close(job_facility_kwh + got.at("facility_idle_energy_kwh"), got.at("facility_energy_kwh"), 1e-9));
  CHECK(close(job_kg + got.at("idle_carbon_location_kg"), got.at("carbon_location_kg"), 1e-9));
  // The time series' interval averages add up to the totals.
  const auto power = reader.column("/timeseries", "facility_power_kw");
  const auto duration = reader.column("/timeseries", "duration_s");
  REQUIRE(power.size() == duration.size());
  double kwh = 0.0;
  for (std::size_t i = 0; i < power.size(); ++i) kwh += power[i] * duration[i] / 3600.0;
  CHECK(close(kwh, got.at("facility_energy_kwh"), 1e-9));
  // /meta holds the resolved scenario with its defaults.
  std::map<std::string, std::string> meta;
  for (const auto& [k, v] : reader.meta_strings()) meta[k] = v;
  const auto scenario = nlohmann::json::parse(meta.at("scenario"));
  CHECK(scenario["output"]["interval"] == "1 h");
  CHECK(scenario["policy"]["params"].is_object());
  CHECK(scenario["facility"]["power"].is_object());
  CHECK_THAT(meta.at("command_line"), Contains("fifo-gpu-cluster.json"));
}

TEST_CASE("set on the command line picks the trace and the number of nodes", "[app][e2e]") {
  test::TempDir dir("set");
  // Three jobs on 2 nodes: the 16-GPU job needs both.
  const std::string trace = dir.write("jobs.csv",
                                      "job_id,submit_s,gpus,duration_s,util\n"
                                      "0,0,8,100,1\n1,0,16,100,1\n2,10,8,50,0.5\n");
  const std::string out = dir.file("o.h5");
  const auto r = test::wattsim("run " + test::source_path("scenarios/bench/fifo-gpu-cluster.json") + " -q -o " + out +
                               " --set workload.trace.path=" + trace + " --set 'facility.racks[0].count=2'");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto s = summary_of(out);
  CHECK(s.at("accelerators") == 16);
  CHECK(s.at("jobs_completed") == 3);
  CHECK(s.at("makespan_s") == 250);  // job 1 waits for job 0 (100 s), job 2 for job 1 (200 s)
}

TEST_CASE("invalid scenarios get every problem at once, with JSON paths, exit status 2 and no result file",
          "[app][e2e][errors]") {
  test::TempDir dir("invalid");
  const std::string scenario = dir.write("bad.json", R"({
    "horizn": "7 d",
    "facility": {
      "pue": "high",
      "racks": [{"count": 2, "node": "DGX-H10"}, {"count": -1, "node": "DGX-H100"}]
    },
    "carbon": {"intensity": {"csv": "no-such-file.csv"}},
    "policy": {"name": "fifo"},
    "output": {"interval": "5 parsecs"}
  })");
  const std::string out = dir.file("out.h5");
  const auto r = test::wattsim("run " + scenario + " -o " + out);
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Contains("horizn: unknown key; did you mean \"horizon\"?"));
  CHECK_THAT(r.output, Contains("facility.pue: expected a number, found a string"));
  CHECK_THAT(r.output, Contains("facility.racks[0].node: unknown node \"DGX-H10\"; did you mean \"DGX-H100\""));
  CHECK_THAT(r.output, Contains("facility.racks[1].count: found -1; expected a whole number in [1, 1000000]"));
  CHECK_THAT(r.output, Contains("carbon.intensity.csv"));
  CHECK_THAT(r.output, Contains("no-such-file.csv"));
  CHECK_THAT(r.output, Contains("workload: missing; this field is required"));
  CHECK_THAT(r.output, Contains("output.interval: cannot read \"5 parsecs\" as a time"));
  CHECK_THAT(r.output, Contains("invalid input (7 problems)"));
  CHECK_FALSE(fs::exists(out));
  for (const auto& e : fs::directory_iterator(dir.path)) CHECK_THAT(e.path().string(), !Contains(".tmp"));
}

TEST_CASE("malformed JSON is reported with its line and column", "[app][e2e][errors]") {
  test::TempDir dir("json");
  const std::string scenario = dir.write("broken.json", "{\n  \"seed\": 1,\n  \"facility\": {,}\n}\n");
  const auto r = test::wattsim("check " + scenario);
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Contains("broken.json:3:") && Contains("not valid JSON"));
  const auto missing = test::wattsim("check " + dir.file("absent.json"));
  CHECK(missing.status == 2);
  CHECK_THAT(missing.output, Contains("absent.json: cannot read the scenario file"));
}

TEST_CASE("a bad trace row found while running stops the run: exit 2, its place named, no result file",
          "[app][e2e][errors]") {
  test::TempDir dir("badrow");
  const std::string trace = dir.write("jobs.csv",
                                      "job_id,submit_s,gpus,duration_s,util\n"
                                      "0,0,8,100,1\n1,5,8,100,1\n2,7,8,abc,1\n");
  const std::string out = dir.file("o.h5");
  const auto r = test::wattsim("run " + test::source_path("scenarios/bench/fifo-gpu-cluster.json") + " -q -o " + out +
                               " --set workload.trace.path=" + trace);
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Contains("jobs.csv:4:7") && Contains("duration_s is \"abc\""));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("a failure while running exits 1 and leaves nothing behind", "[app][e2e][errors]") {
  test::TempDir dir("fail");
  // A valid file name (250 + 3 characters) whose temporary file's name is too long to create.
  // (A path in a missing folder is invalid input, found before the run: output_safety_cli_test.)
  const std::string out = dir.file(std::string(250, 'x') + ".h5");
  const auto r = test::wattsim("run " + test::source_path("scenarios/bench/fifo-gpu-cluster.json") + " -q -o " + out);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Contains("the run failed") && Contains("cannot create temporary file"));
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("command-line mistakes exit 2", "[app][e2e][errors]") {
  CHECK(test::wattsim("run").status == 2);
  CHECK(test::wattsim("frobnicate").status == 2);
  const auto bad_set = test::wattsim("check " + test::source_path("scenarios/default.json") + " --set 'facility.racks[7].count=3'");
  CHECK(bad_set.status == 2);
  CHECK_THAT(bad_set.output, Contains("index 7 is past its end"));
  const auto no_eq = test::wattsim("check " + test::source_path("scenarios/default.json") + " --set seed");
  CHECK(no_eq.status == 2);
  CHECK_THAT(no_eq.output, Contains("expected KEY=VALUE"));
  CHECK(test::wattsim("--help").status == 0);
  CHECK(test::wattsim("run --help").status == 0);
}

TEST_CASE("check, inspect, catalog and policies", "[app][e2e]") {
  const auto ok = test::wattsim("check " + test::source_path("scenarios/default.json"));
  CHECK(ok.status == 0);
  CHECK_THAT(ok.output, Contains("valid") && Contains("128 nodes") && Contains("easy-backfill"));

  test::TempDir dir("inspect");
  const std::string out = dir.file("d.h5");
  REQUIRE(test::wattsim("run " + test::source_path("scenarios/default.json") + " -q -o " + out).status == 0);
  const auto text = test::wattsim("inspect " + out);
  CHECK(text.status == 0);
  CHECK_THAT(text.output, Contains("facility_energy_kwh") && Contains("wattsim_version"));
  const auto js = test::wattsim("inspect --json " + out);
  REQUIRE(js.status == 0);
  const auto doc = nlohmann::json::parse(js.output);
  CHECK(doc["summary"]["facility_energy_kwh"].get<double>() > 0);
  CHECK(doc["summary"]["pue"].get<double>() > 1.25);  // overhead on top of real UPS, PDU and PSU losses
  CHECK(doc["meta"]["seed"] == 42);
  CHECK(doc["units"]["facility_energy_kwh"] == "kWh");
  CHECK(test::wattsim("inspect " + dir.write("not.h5", "hello")).status == 2);

  const auto cat = test::wattsim("catalog");
  CHECK(cat.status == 0);
  CHECK_THAT(cat.output, Contains("H100-SXM") && Contains("DGX-H100") && Contains("ups-double-conversion"));
  const auto one = test::wattsim("catalog H100-SXM");
  CHECK_THAT(one.output, Contains("1980 MHz") && Contains("source:"));
  const auto typo = test::wattsim("catalog H100-SMX");
  CHECK(typo.status == 2);
  CHECK_THAT(typo.output, Contains("did you mean \"H100-SXM\""));
  const auto pol = test::wattsim("policies");
  CHECK_THAT(pol.output, Contains("fifo") && Contains("easy-backfill") && Contains("max_scan"));
}

TEST_CASE("the same seed gives the same results, run after run", "[app][e2e]") {
  test::TempDir dir("determinism");
  const std::string a = dir.file("a.h5"), b = dir.file("b.h5");
  const std::string scenario = test::source_path("scenarios/default.json");
  REQUIRE(test::wattsim("run " + scenario + " -q -o " + a).status == 0);
  REQUIRE(test::wattsim("run " + scenario + " -q -o " + b).status == 0);
  // NaN (max_inlet_temp_c without a thermal model) equals nothing: compare bits.
  const auto bits = [](const std::map<std::string, double>& m) {
    std::map<std::string, std::uint64_t> out;
    for (const auto& [k, v] : m) out[k] = std::bit_cast<std::uint64_t>(v);
    return out;
  };
  CHECK(bits(summary_of(a)) == bits(summary_of(b)));
  // Jobs still running at the horizon have end_s = NaN, which equals nothing: compare bits.
  const auto ja = results::ResultReader(a).jobs(), jb = results::ResultReader(b).jobs();
  REQUIRE(ja.size() == jb.size());
  REQUIRE(!ja.empty());
  bool same = true;
  std::vector<unsigned char> ra(results::kJobRecordBytes), rb(results::kJobRecordBytes);
  for (std::size_t i = 0; i < ja.size(); ++i) {
    results::pack_job(ja[i], ra.data());
    results::pack_job(jb[i], rb.data());
    same = same && ra == rb;
  }
  CHECK(same);
  CHECK(results::ResultReader(a).column("/timeseries", "facility_power_kw") ==
        results::ResultReader(b).column("/timeseries", "facility_power_kw"));
  // Another seed, another workload.
  const std::string c = dir.file("c.h5");
  REQUIRE(test::wattsim("run " + scenario + " -q -o " + c + " --set seed=43").status == 0);
  CHECK(summary_of(a).at("jobs_submitted") != summary_of(c).at("jobs_submitted"));
}

TEST_CASE("the JSON Schemas accept every shipped scenario and batch file and reject broken ones", "[app][schema]") {
  if (!test::python_has("jsonschema")) {
    WARN("python3-jsonschema is not installed for /usr/bin/python3: schema check skipped");
    return;
  }
  const std::string script = test::source_path("tests/app/validate_scenarios.py");
  const std::string schema = test::source_path("scenarios/schema/scenario.schema.json");
  const std::string batch_schema = test::source_path("scenarios/schema/batch.schema.json");
  // Batch files (batch-*.json) against batch.schema.json, every other scenario file against
  // scenario.schema.json.
  std::string files, batches;
  for (const auto& e : fs::recursive_directory_iterator(test::source_path("scenarios"))) {
    if (e.path().extension() == ".json" && e.path().string().find("/schema/") == std::string::npos &&
        e.path().string().find("/data/") == std::string::npos) {  // data files (weather JSON) are not scenarios
      (e.path().filename().string().rfind("batch-", 0) == 0 ? batches : files) += " " + e.path().string();
    }
  }
  REQUIRE_FALSE(files.empty());
  const auto ok = test::run_command("/usr/bin/python3 " + script + " " + schema + files);
  INFO(ok.output);
  CHECK(ok.status == 0);
  if (!batches.empty()) {
    const auto ok_batches = test::run_command("/usr/bin/python3 " + script + " " + batch_schema + batches);
    INFO(ok_batches.output);
    CHECK(ok_batches.status == 0);
  }
  std::string invalid;
  for (const auto& e : fs::directory_iterator(test::source_path("tests/app/invalid_scenarios"))) invalid += " " + e.path().string();
  const auto bad = test::run_command("/usr/bin/python3 " + script + " " + schema + " --expect-invalid" + invalid);
  INFO(bad.output);
  CHECK(bad.status == 0);
  std::string invalid_batches;
  for (const auto& e : fs::directory_iterator(test::source_path("tests/app/invalid_batches"))) invalid_batches += " " + e.path().string();
  const auto bad_batches = test::run_command("/usr/bin/python3 " + script + " " + batch_schema + " --expect-invalid" + invalid_batches);
  INFO(bad_batches.output);
  CHECK(bad_batches.status == 0);
  // ... and the C++ parsers agree: every negative case is invalid for `wattsim check` or
  // `wattsim batch` too, which writes nothing.
  for (const auto& e : fs::directory_iterator(test::source_path("tests/app/invalid_scenarios"))) {
    CHECK(test::wattsim("check " + e.path().string()).status == 2);
  }
  test::TempDir dir("schema");
  for (const auto& e : fs::directory_iterator(test::source_path("tests/app/invalid_batches"))) {
    const std::string out = dir.file(e.path().stem().string() + ".h5");
    const auto r = test::wattsim("batch " + e.path().string() + " -q -o " + out);
    INFO(e.path().filename().string() << ": " << r.output);
    CHECK(r.status == 2);
    CHECK_FALSE(fs::exists(out));
  }
  // The series and quantity definitions batch.schema.json copies from scenario.schema.json
  // are the same in both.
  const auto load = [](const std::string& path) { return nlohmann::json::parse(std::ifstream(path)); };
  const auto scenario_defs = load(schema).at("$defs"), batch_defs = load(batch_schema).at("$defs");
  std::size_t shared = 0;
  for (const auto& [name, def] : batch_defs.items()) {
    if (!scenario_defs.contains(name)) continue;
    ++shared;
    INFO("$defs." << name);
    CHECK(def == scenario_defs.at(name));
  }
  CHECK(shared >= 5);
}

TEST_CASE("the h5py/pandas example in docs/results.md runs on a real result set", "[app][docs]") {
  if (!test::python_has("h5py, pandas")) {
    WARN("h5py/pandas are not installed for /usr/bin/python3: docs example skipped");
    return;
  }
  test::TempDir dir("docs");
  const std::string out = dir.file("d.h5");
  REQUIRE(test::wattsim("run " + test::source_path("scenarios/default.json") + " -q -o " + out).status == 0);
  const auto r = test::run_command("/usr/bin/python3 " + test::source_path("tests/app/docs_example_test.py") + " " +
                                   test::source_path("docs/results.md") + " " + out);
  INFO(r.output);
  CHECK(r.status == 0);
}

TEST_CASE("a run's result set describes itself: units and a description on every dataset, column and value", "[app][docs]") {
  if (!test::python_has("h5py")) {
    WARN("h5py is not installed for /usr/bin/python3: check skipped");
    return;
  }
  test::TempDir dir("describe");
  // A thermal model and heat reuse: /racks/inlet_temp_c and /thermal_violations besides the rest.
  const std::string out = dir.file("d.h5");
  const auto run = test::wattsim("run " + test::source_path("scenarios/heat-reuse.json") + " -q --set 'horizon=2 d' -o " + out);
  INFO(run.output);
  REQUIRE(run.status == 0);
  const auto r = test::run_command("/usr/bin/python3 " + test::source_path("tests/app/check_descriptions.py") + " " + out);
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(r.output.empty());
}

TEST_CASE("the solar-battery scenario: energy balances in every interval and net-zero credits cancel grid emissions",
          "[app][e2e][supply]") {
  test::TempDir dir("solar");
  const std::string out = dir.file("sb.h5");
  const auto r = test::wattsim("run " + test::source_path("scenarios/solar-battery.json") + " -q -o " + out);
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto s = summary_of(out);
  CHECK(std::fabs(s.at("carbon_operational_kg")) < 1e-6 * s.at("carbon_location_kg"));
  CHECK(s.at("credits_kg") == Approx(-s.at("carbon_grid_kg")).epsilon(1e-12));
  CHECK(s.at("credits_cost") == Approx(s.at("credits_retired_kg") * 85.0 / 1000).epsilon(1e-12));
  CHECK(s.at("carbon_grid_kg") < s.at("carbon_location_kg"));
  CHECK(s.at("renewable_generated_kwh") > 0);
  CHECK(s.at("battery_full_cycles") > 1);
  CHECK(s.at("carbon_embodied_kg") > 0);
  CHECK(s.at("cfe_hourly") > 0.2);
  CHECK(s.at("cfe_hourly") < 1.0);
  CHECK(s.at("energy_cost") > s.at("demand_charges"));
  const results::ResultReader reader(out);
  const auto col = [&](const char* name) { return reader.column("/timeseries", name); };
  const auto facility = col("facility_power_kw"), renewable = col("renewable_kw"), curtailed = col("renewable_curtailed_kw");
  const auto battery = col("battery_kw"), import = col("grid_import_kw"), exported = col("grid_export_kw");
  const auto soc = col("battery_soc_kwh");
  REQUIRE(facility.size() == 168);
  // /profile: the exact demand step series, starting at 0, strictly increasing in time, whose
  // integral is the facility energy.
  const auto t = reader.column("/profile", "time_s"), demand = reader.column("/profile", "demand_kw");
  REQUIRE(t.size() > 1000);
  CHECK(t.front() == 0.0);
  double energy_kwh = 0.0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double next = i + 1 < t.size() ? t[i + 1] : s.at("end_s");
    CHECK(next > t[i]);
    energy_kwh += demand[i] * (next - t[i]) / 3600.0;
  }
  CHECK(energy_kwh == Approx(s.at("facility_energy_kwh")).epsilon(1e-12));
  for (std::size_t i = 0; i < facility.size(); ++i) {
    const double supplied = renewable[i] - curtailed[i] - exported[i] + battery[i] + import[i];
    CHECK(std::fabs(facility[i] - supplied) <= 1e-9 * facility[i]);
    CHECK(soc[i] >= 0.1 * 4000 * 0.9);  // 4 MWh, 10 % floor, some fade
    CHECK(soc[i] <= 4000 + 1e-9);
  }
}

TEST_CASE("a run in which no job can run says so instead of printing ratios of zeros", "[app][e2e]") {
  test::TempDir dir("nothing");
  // Two nodes of 8 GPUs: every job asks for more than the facility has, and is skipped.
  const std::string trace = dir.file("big.csv");
  std::ofstream(trace) << "job_id,submit_s,gpus,duration_s,util\n0,0,64,3600,1\n1,10,32,60,1\n";
  const std::string out = dir.file("n.h5");
  const auto r = test::wattsim("run " + test::source_path("scenarios/bench/fifo-gpu-cluster.json") +
                               " --set facility.racks[0].count=2 --set workload.trace.path=" + trace +
                               " --set workload.oversize=skip -o " + out);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("nothing was simulated"));
  CHECK_THAT(r.output, !Contains("PUE"));
  const auto s = summary_of(out);
  CHECK(s.at("jobs_skipped_oversize") == 2);
  CHECK(s.at("jobs_completed") == 0);
  CHECK(std::isnan(s.at("pue")));  // no energy: no ratio, not 0
  CHECK(std::isnan(s.at("mean_accelerator_utilisation")));
}

TEST_CASE("/capacity_violations names each overloaded element, and its rows add up to the summary", "[app][e2e]") {
  test::TempDir dir("capacity");
  const std::string out = dir.file("c.h5");
  // Racks rated below what a busy rack of the default fleet draws.
  const auto r = test::wattsim("run " + test::source_path("scenarios/default.json") +
                               " -q --set 'horizon=1 d' --set 'facility.racks[0].capacity=9 kW' -o " + out);
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto s = summary_of(out);
  REQUIRE(s.at("capacity_violations") > 0);
  const results::ResultReader reader(out);
  const auto v = reader.records("/capacity_violations");
  REQUIRE(static_cast<double>(v.rows()) == s.at("capacity_violations"));
  double seconds = 0.0;
  for (std::size_t i = 0; i < v.rows(); ++i) {
    INFO(i);
    CHECK(v.text(i, "kind") == "rack");
    CHECK(v.text(i, "element").rfind("rack-", 0) == 0);
    CHECK(v.at(i, "capacity_kw") == Approx(9.0).epsilon(1e-12));
    CHECK(v.at(i, "peak_kw") > v.at(i, "capacity_kw"));
    CHECK(v.at(i, "peak_excess_kw") == Approx(v.at(i, "peak_kw") - 9.0).epsilon(1e-12));
    CHECK(v.at(i, "end_s") > v.at(i, "start_s"));
    seconds += v.at(i, "duration_s");
  }
  CHECK(seconds == Approx(s.at("capacity_violation_s")).epsilon(1e-9));
}

TEST_CASE("the printed summary uses readable units, the price data's currency, and 0 for a balance of zero",
          "[app][e2e]") {
  test::TempDir dir("printed");
  const auto r = test::wattsim("run " + test::source_path("scenarios/solar-battery.json") + " --set 'horizon=2 d' -o " +
                               dir.file("p.h5"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  // Net-zero credits cancel the grid's emissions up to rounding: "0 kg", not "-7.27596e-12 kg".
  CHECK_THAT(r.output, Contains("operational 0 kg"));
  CHECK_THAT(r.output, Contains(" MWh"));
  CHECK_THAT(r.output, Contains(" USD"));  // from the price column "Price (USD/MWh)"
  CHECK_THAT(r.output, !Contains("e+0"));  // no exponent notation
  CHECK_THAT(r.output, !Contains("e-1"));
}

TEST_CASE("no shipped scenario writes into the source tree", "[app][scenario]") {
  for (const auto& entry : std::filesystem::directory_iterator(test::source_path("scenarios"))) {
    if (entry.path().extension() != ".json") continue;
    INFO(entry.path());
    const auto doc = nlohmann::json::parse(std::ifstream(entry.path()));
    CHECK_FALSE((doc.contains("output") && doc["output"].contains("path")));
  }
}
