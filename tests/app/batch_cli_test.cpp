// End-to-end tests of `wattsim batch`: a variant equal to a scenario's own supply gives the
// scenario's summary; the result set's /variants and /pareto; mistakes in the batch file.

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "results/result_reader.hpp"
#include "tests/app/batch_fixture.hpp"
#include "tests/app/cli_helpers.hpp"

using namespace wattsim;
using Catch::Matchers::Contains;
using json = nlohmann::ordered_json;  // the grid's axes keep their order in the file
namespace fs = std::filesystem;

namespace {

using test::caiso_region;
using test::write_json;

// The supply of scenarios/solar-battery.json as one variant.
json solar_battery_variant() {
  return {{"region", "CAISO"},
          {"solar_kw", 3000},
          {"solar_availability", 0.98},
          {"battery_kwh", 4000},
          {"battery_kw", 1000},
          {"round_trip_efficiency", 0.85},
          {"soc_min", 0.1},
          {"soc_max", 1.0},
          {"initial_soc", 0.5},
          {"fade_per_cycle", 2e-5},
          {"fade_per_year", 0.02},
          {"dispatch", "self-consumption"},
          {"export", true},
          {"export_price_factor", 0.5},
          {"demand_charge_per_kw_month", 15},
          {"credits", "net-zero"},
          {"credit_period", "month"},
          {"credit_price_per_t", 85}};
}

std::map<std::string, double> summary_of(const std::string& h5) {
  std::map<std::string, double> out;
  for (const auto& s : results::ResultReader(h5).summary("/summary")) out[s.name] = s.value;
  return out;
}

// Every supply and carbon term the batch shares with `wattsim run`'s summary.
const char* const kSharedTerms[] = {
    "carbon_location_kg", "carbon_operational_kg", "carbon_grid_kg", "carbon_market_kg", "carbon_market_hourly_kg",
    "cfe_hourly", "credits_kg", "credits_retired_kg", "credits_cost", "export_avoided_kg", "energy_cost",
    "demand_charges", "renewable_generated_kwh", "renewable_used_kwh", "renewable_curtailed_kwh", "grid_import_kwh",
    "grid_export_kwh", "ppa_kwh", "battery_charged_kwh", "battery_discharged_kwh", "battery_losses_kwh",
    "battery_full_cycles", "battery_capacity_end_kwh"};

void check_matches_run(const results::ResultReader::Records& variants, std::size_t row, const std::map<std::string, double>& run) {
  const double scale = run.at("carbon_location_kg");  // for terms that are 0 up to rounding
  for (const char* term : kSharedTerms) {
    INFO(term);
    const double want = run.at(term), got = variants.at(row, term);
    const double tolerance = 1e-9 * (std::string(term) == "carbon_operational_kg" ? scale : std::fabs(want));
    CHECK(std::fabs(got - want) <= tolerance);
  }
}

}  // namespace

TEST_CASE("a batch variant equal to the solar-battery scenario's supply gives wattsim run's summary to 1e-9",
          "[app][e2e][batch]") {
  test::TempDir dir("batch_run");
  const std::string run_out = dir.file("run.h5");
  const auto run = test::wattsim("run " + test::source_path("scenarios/solar-battery.json") + " -q -o " + run_out);
  INFO(run.output);
  REQUIRE(run.status == 0);
  const auto summary = summary_of(run_out);
  REQUIRE(summary.at("battery_full_cycles") > 1);  // the battery matters
  REQUIRE(summary.at("grid_export_kwh") > 0);

  // Another variant first and after, so that the match is not an accident of position.
  json other = solar_battery_variant();
  other["solar_kw"] = 1000;
  const json batch = {{"demand", {{"scenario", test::source_path("scenarios/solar-battery.json")}}},
                      {"regions", {{"CAISO", caiso_region()}}},
                      {"list", {other, solar_battery_variant(), other}}};
  const std::string out = dir.file("batch.h5");
  const auto r = test::wattsim("batch " + write_json(dir, "sb.json", batch) + " -o " + out);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("Pareto front"));
  const results::ResultReader reader(out);
  const auto variants = reader.records("/variants");
  REQUIRE(variants.rows() == 3);
  check_matches_run(variants, 1, summary);
  CHECK(variants.at(0, "renewable_generated_kwh") < variants.at(1, "renewable_generated_kwh"));
  CHECK(variants.at(0, "carbon_location_kg") == variants.at(1, "carbon_location_kg"));

  SECTION("and so does the demand read back from the run's result set") {
    json from_result = batch;
    from_result["demand"] = {{"result", run_out}};
    const std::string out2 = dir.file("batch2.h5");
    const auto r2 = test::wattsim("batch " + write_json(dir, "sb2.json", from_result) + " -q -o " + out2);
    INFO(r2.output);
    REQUIRE(r2.status == 0);
    check_matches_run(results::ResultReader(out2).records("/variants"), 1, summary);
  }
}

// Every "csv" of a scenario made absolute, so that the scenario can be written elsewhere.
void absolute_csv_paths(json& j, const std::string& base) {
  if (j.is_object()) {
    for (auto& [key, value] : j.items()) {
      if (key == "csv" && value.is_string()) {
        value = base + value.get<std::string>();
      } else {
        absolute_csv_paths(value, base);
      }
    }
  } else if (j.is_array()) {
    for (auto& value : j) absolute_csv_paths(value, base);
  }
}

TEST_CASE("a generation profile over its capacity gives the same bits in a batch as in the scenario",
          "[app][e2e][batch]") {
  test::TempDir dir("batch_generation");
  std::ifstream in(test::source_path("scenarios/solar-battery.json"));
  json scenario = json::parse(in);
  absolute_csv_paths(scenario, test::source_path("scenarios/"));
  const json generation = {{"csv", test::source_path("scenarios/data/renewables/CISO_NG_avgCI.csv")},
                           {"time_column", "timestamp"},
                           {"value_column", "SUN"},
                           {"unit", "MW"},
                           {"empty_cells", "skip"},
                           {"max_gap", "2 h"},
                           {"repeat", true}};
  auto& solar = scenario["supply"]["solar"][0];
  solar.erase("cf");
  solar["generation"] = generation;
  solar["generation_capacity"] = "16.8 GW";
  const std::string scenario_path = write_json(dir, "gen.json", scenario);
  const std::string run_out = dir.file("run.h5");
  const auto run = test::wattsim("run " + scenario_path + " -q -o " + run_out);
  INFO(run.output);
  REQUIRE(run.status == 0);
  json region = caiso_region();
  region["solar"] = {{"generation", generation}, {"generation_capacity", "16.8 GW"}};
  const json batch = {{"demand", {{"scenario", scenario_path}}},
                      {"regions", {{"CAISO", region}}},
                      {"list", {solar_battery_variant()}}};
  const std::string out = dir.file("batch.h5");
  const auto r = test::wattsim("batch " + write_json(dir, "b.json", batch) + " -q -o " + out);
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto summary = summary_of(run_out);
  const auto variants = results::ResultReader(out).records("/variants");
  for (const char* term : kSharedTerms) {
    INFO(term);
    CHECK(variants.at(0, term) == summary.at(term));  // the same arithmetic in the same order
  }
  CHECK(summary.at("renewable_generated_kwh") > 0);
}

TEST_CASE("the batch result set: one row per variant, the Pareto front, the device and the throughput",
          "[app][e2e][batch]") {
  test::TempDir dir("batch_front");
  json region = caiso_region();
  const json batch = {{"demand", {{"scenario", test::source_path("scenarios/default.json")}, {"set", {"horizon=2 d"}}}},
                      {"regions", {{"CAISO", region}, {"CAISO-2040", {{"intensity", region["intensity"]}, {"price", region["price"]}, {"solar", region["solar"]}}}}},
                      {"defaults", {{"credit_price_per_t", 85}}},
                      {"grid",
                       {{"region", {"CAISO", "CAISO-2040"}},
                        {"solar_kw", {0, 1000, 3000}},
                        {"battery_kwh", {0, 2000}},
                        {"battery_kw", {500}},
                        {"credits", {"none", "net-zero"}}}},
                      {"list", {{{"region", "CAISO"}, {"intensity_scale", 0.5}}}},
                      {"capex", {{"solar_per_kw", 1400}, {"battery_per_kwh", 350}, {"battery_per_kw", 400}}}};
  const std::string out = dir.file("front.h5");
  const auto r = test::wattsim("batch " + write_json(dir, "front.json", batch) + " --threads 2 -o " + out);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("cheapest net-zero variant"));
  const results::ResultReader reader(out);
  const auto v = reader.records("/variants");
  REQUIRE(v.rows() == 2 * 3 * 2 * 2 + 1);
  // The grid's order: the last axis fastest; the list after the grid.
  CHECK(v.at(0, "credits") == 0);
  CHECK(v.at(1, "credits") == 2);  // none, fixed, net-zero
  CHECK(v.at(2, "battery_kwh") == 2000);
  CHECK(v.at(12, "region") == 1);
  CHECK(v.at(24, "intensity_scale") == 0.5);
  for (std::size_t i = 0; i < v.rows(); ++i) {
    CHECK(v.at(i, "index") == static_cast<double>(i));
    // Location-based carbon does not depend on supply; a scaled intensity scales it.
    CHECK(v.at(i, "carbon_location_kg") == Approx(v.at(0, "carbon_location_kg") * v.at(i, "intensity_scale")).epsilon(1e-12));
    if (v.at(i, "credits") == 2) CHECK(std::fabs(v.at(i, "carbon_operational_kg")) <= 1e-9 * v.at(i, "carbon_location_kg"));
    // Annualised investment: capital recovery at 7 % over 20 years.
    const double invest = v.at(i, "solar_kw") * 1400 +
                          (v.at(i, "battery_kwh") > 0 ? v.at(i, "battery_kwh") * 350 + v.at(i, "battery_kw") * 400 : 0);
    CHECK(v.at(i, "investment_cost") == Approx(invest).epsilon(1e-12));
    const double crf = 0.07 * std::pow(1.07, 20) / (std::pow(1.07, 20) - 1);
    CHECK(v.at(i, "annualised_investment") == Approx(crf * invest).epsilon(1e-12));
    const double years = 2.0 / 365.0;
    CHECK(v.at(i, "annual_cost") ==
          Approx(crf * invest + (v.at(i, "energy_cost") + v.at(i, "credits_cost") + v.at(i, "ppa_cost")) / years).epsilon(1e-12));
  }
  // The front: sorted by cost, carbon falling, and no variant better in both.
  const auto front = reader.indices("/pareto");
  REQUIRE(!front.empty());
  for (std::size_t j = 0; j < front.size(); ++j) {
    const auto f = static_cast<std::size_t>(front[j]);
    if (j > 0) {
      const auto prev = static_cast<std::size_t>(front[j - 1]);
      CHECK(v.at(f, "annual_cost") >= v.at(prev, "annual_cost"));
      CHECK(v.at(f, "annual_operational_kg") < v.at(prev, "annual_operational_kg"));
    }
    for (std::size_t i = 0; i < v.rows(); ++i) {
      const bool dominates = v.at(i, "annual_cost") <= v.at(f, "annual_cost") &&
                             v.at(i, "annual_operational_kg") <= v.at(f, "annual_operational_kg") &&
                             (v.at(i, "annual_cost") < v.at(f, "annual_cost") ||
                              v.at(i, "annual_operational_kg") < v.at(f, "annual_operational_kg"));
      CHECK_FALSE(dominates);
    }
  }
  // Every variant off the front is dominated by (or ties with) one on it.
  for (std::size_t i = 0; i < v.rows(); ++i) {
    bool covered = false;
    for (const auto f : front) {
      covered = covered || (v.at(static_cast<std::size_t>(f), "annual_cost") <= v.at(i, "annual_cost") &&
                            v.at(static_cast<std::size_t>(f), "annual_operational_kg") <= v.at(i, "annual_operational_kg"));
    }
    CHECK(covered);
  }
  std::map<std::string, double> numbers;
  for (const auto& [k, x] : reader.meta_numbers()) numbers[k] = x;
  std::map<std::string, std::string> strings;
  for (const auto& [k, x] : reader.meta_strings()) strings[k] = x;
  CHECK(numbers.at("variants") == 25);
  CHECK(numbers.at("variant_intervals_per_s") > 0);
  CHECK(numbers.at("groups") == 4);  // two regions, with and without solar
  REQUIRE(strings.count("device") == 1);
  // /meta "batch": the file as written, key order included (it numbers the variants).
  std::ifstream batch_in(dir.file("front.json"));
  CHECK(strings.at("batch") == std::string(std::istreambuf_iterator<char>(batch_in), {}));
  CHECK_THROWS(reader.jobs());  // a batch result set has no /jobs

  SECTION("the h5py/pandas example of docs/batch.md reads it and its checks hold") {
    if (!test::python_has("h5py, pandas")) {
      WARN("h5py/pandas are not installed for /usr/bin/python3: docs example skipped");
    } else {
      const auto py = test::run_command("/usr/bin/python3 " + test::source_path("tests/app/docs_example_test.py") + " " +
                                        test::source_path("docs/batch.md") + " " + out);
      INFO(py.output);
      CHECK(py.status == 0);
      CHECK_THAT(py.output, Contains("cheapest net zero: variant"));
    }
  }
  SECTION("--device cpu gives the same bytes of results as auto on this machine, and cuda needs a GPU") {
    const std::string cpu_out = dir.file("cpu.h5");
    const auto cpu = test::wattsim("batch " + dir.file("front.json") + " -q --device cpu --threads 1 -o " + cpu_out);
    REQUIRE(cpu.status == 0);
    CHECK(results::ResultReader(cpu_out).records("/variants").values == v.values);
    if (strings.at("device").rfind("cpu", 0) == 0) {  // no GPU here
      const std::string gpu_out = dir.file("gpu.h5");
      const auto gpu = test::wattsim("batch " + dir.file("front.json") + " -q --device cuda -o " + gpu_out);
      CHECK(gpu.status == 1);
      CHECK_THAT(gpu.output, Contains("CUDA"));
      CHECK_FALSE(fs::exists(gpu_out));
    }
  }
}

TEST_CASE("batch file mistakes: the variant and field named, the limit asks for --yes, nothing written",
          "[app][e2e][batch][errors]") {
  test::TempDir dir("batch_errors");
  const json base = {{"demand", {{"scenario", test::source_path("scenarios/default.json")}, {"set", {"horizon=1 d"}}}},
                     {"regions", {{"CAISO", caiso_region()}}}};
  const auto run = [&](const json& doc, const std::string& extra = "") {
    const std::string out = dir.file("out.h5");
    fs::remove(out);
    auto r = test::wattsim("batch " + write_json(dir, "b.json", doc) + " -q -o " + out + extra);
    if (r.status != 0) CHECK_FALSE(fs::exists(out));
    return r;
  };

  SECTION("a value out of range names the variant's index and field") {
    json doc = base;
    doc["grid"] = {{"solar_kw", {0, 100}}, {"round_trip_efficiency", {0.9, 1.5}}};
    const auto r = run(doc);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains("variants[1].round_trip_efficiency: is 1.5; expected a value in [1e-06, 1]"));
    CHECK_THAT(r.output, Contains("variants[3].round_trip_efficiency"));
  }
  SECTION("a listed variant is named by its place in the list and among all variants") {
    json doc = base;
    doc["grid"] = {{"solar_kw", {0, 100}}};
    doc["list"] = {{{"battery_kwh", 100}}};
    const auto r = run(doc);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains("variants[2].battery_kw: a battery needs a power"));
  }
  SECTION("an unknown region or parameter gets a suggestion") {
    json doc = base;
    doc["list"] = {{{"region", "CAISOO"}}, {{"solar_kW", 10}}};
    const auto r = run(doc);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains("list[0] (variants[0]).region: unknown region \"CAISOO\"; did you mean \"CAISO\"?"));
    CHECK_THAT(r.output, Contains("list[1] (variants[1]).solar_kW: unknown parameter; did you mean \"solar_kw\"?"));
  }
  SECTION("a resource without a profile in the variant's region") {
    json doc = base;
    doc["list"] = {{{"wind_kw", 1000}}};
    const auto r = run(doc);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains("variants[0].wind_kw: region \"CAISO\" has no wind profile"));
  }
  SECTION("more variants than max_variants: refused without --yes, run with it") {
    json doc = base;
    doc["max_variants"] = 10;
    doc["grid"] = {{"solar_kw", {0, 1000, 2000, 3000}}, {"battery_kwh", {0, 10, 20, 30}}, {"battery_kw", {100}}};
    const auto refused = run(doc);
    CHECK(refused.status == 2);
    CHECK_THAT(refused.output, Contains("16 variants, over the limit of 10 (max_variants); run again with --yes"));
    const auto accepted = run(doc, " --yes");
    INFO(accepted.output);
    CHECK(accepted.status == 0);
    CHECK(results::ResultReader(dir.file("out.h5")).records("/variants").rows() == 16);
  }
  SECTION("a demand that names both a scenario and a result, or a scenario with errors") {
    json doc = base;
    doc["demand"]["result"] = "x.h5";
    CHECK_THAT(run(doc).output, Contains("demand: expected exactly one of"));
    doc = base;
    doc["demand"]["set"] = {"facility.pue=0.5"};
    const auto r = run(doc);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains("demand.scenario: "));
    CHECK_THAT(r.output, Contains("facility.pue"));
  }
  SECTION("a generation profile must not exceed the capacity behind it, and needs exactly one form") {
    json doc = base;
    doc["regions"]["CAISO"]["solar"] = {{"generation_capacity", "10 GW"},
                                        {"generation",
                                         {{"csv", test::source_path("scenarios/data/renewables/CISO_NG_avgCI.csv")},
                                          {"time_column", "timestamp"},
                                          {"value_column", "SUN"},
                                          {"unit", "MW"},
                                          {"empty_cells", "skip"},
                                          {"max_gap", "2 h"},
                                          {"repeat", true}}}};
    doc["regions"]["CAISO"]["wind"] = {{"cf", 0.3}, {"generation", 5}};
    doc["list"] = {{{"solar_kw", 10}}};
    const auto r = run(doc);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains("regions.CAISO.solar.generation_capacity: is 1e+10 W but the series reaches 1.3713e+10 W"));
    CHECK_THAT(r.output, Contains("regions.CAISO.wind: expected exactly one of \"cf\""));
  }
  SECTION("credits need a price, a fixed policy an amount; the state of charge starts within its bounds") {
    json doc = base;
    doc["list"] = {{{"credits", "net-zero"}},
                   {{"credits", "fixed"}, {"credit_price_per_t", 50}},
                   {{"credits", "net-zero"}, {"credit_price_per_t", 50}, {"credit_retire_kg", 10}},
                   {{"battery_kwh", 100}, {"battery_kw", 50}, {"soc_min", 0.2}, {"initial_soc", 0.1}}};
    doc["defaults"] = {{"soc_max", 1.5}};
    const auto r = run(doc);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains("defaults.soc_max: is 1.5; expected a value in [0, 1]"));
    doc["defaults"] = json::object();
    const auto r2 = run(doc);
    CHECK(r2.status == 2);
    CHECK_THAT(r2.output, Contains("variants[0].credit_price_per_t: missing; credits (\"net-zero\") need a price per tonne"));
    CHECK_THAT(r2.output, Contains("variants[1].credit_retire_kg: missing; a fixed credit policy"));
    CHECK_THAT(r2.output, Contains("variants[2].credit_retire_kg: is only for \"credits\": \"fixed\""));
    CHECK_THAT(r2.output, Contains("variants[3].initial_soc: expected a value between soc_min and soc_max"));
  }
  SECTION("demand.set: strings only, and only with a scenario") {
    json doc = base;
    doc["demand"]["set"] = {"horizon=1 d", 3};
    doc["list"] = {json::object()};
    CHECK_THAT(run(doc).output, Contains("demand.set[1]: expected a \"KEY=VALUE\" string, found a number"));
    doc["demand"] = {{"result", "x.h5"}, {"set", {"horizon=1 d"}}};
    CHECK_THAT(run(doc).output, Contains("demand.set: is only for \"scenario\""));
  }
  SECTION("a wrong --device") {
    json doc = base;
    doc["list"] = {json::object()};
    CHECK(run(doc, " --device tpu").status == 2);
  }
}
