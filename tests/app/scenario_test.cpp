#include "app/scenario.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>

#include "app/batch.hpp"
#include "datacenter/config.hpp"
#include "models/forecast/forecast.hpp"
#include "policies/registry.hpp"
#include "simcore/calendar.hpp"
#include "simcore/error.hpp"
#include "tests/app/cli_helpers.hpp"

using namespace wattsim;
using Catch::Matchers::Contains;
using nlohmann::json;
using simcore::SimTime;

namespace {

const char* kMinimal = R"({
  "horizon": "2 d",
  "facility": {"racks": [{"count": 2, "node": "DGX-A100", "nodes_per_rack": 3}]},
  "workload": {"generator": {"mean_interarrival": "10 min", "sizes": [[8, 1]],
                             "durations": {"lognormal": {"median": "1 h", "sigma": 0.5}}}}
})";

std::vector<simcore::Diagnostic> errors_of(const std::string& file, const std::vector<std::string>& sets = {}) {
  try {
    app::load_scenario(file, sets);
  } catch (const simcore::InputError& e) {
    return e.diagnostics();
  }
  return {};
}

}  // namespace

TEST_CASE("a minimal scenario gets its defaults, visible in the resolved document", "[app][scenario]") {
  test::TempDir dir("minimal");
  const auto sc = app::load_scenario(dir.write("mini.json", kMinimal));
  CHECK(sc.name == "mini");
  CHECK(sc.seed == 1);
  CHECK(sc.world.horizon == SimTime::days(2));
  REQUIRE(sc.world.sites.size() == 1);
  const auto& site = sc.world.sites[0];
  CHECK(site.pue == 1.0);
  REQUIRE(site.racks.size() == 1);
  CHECK(site.racks[0].count == 2);
  CHECK(site.racks[0].nodes_per_rack == 3);
  CHECK(site.racks[0].node->name == "DGX-A100");
  CHECK(site.racks[0].accelerator->name == "A100-SXM4-40GB");
  CHECK(site.carbon_intensity_g_per_kwh.value_at(SimTime::zero()) == 0.0);
  CHECK(sc.policy.label() == "fifo");
  CHECK(sc.output.interval == SimTime::hours(1));
  REQUIRE(sc.workload.generators.size() == 1);
  CHECK(sc.workload.generators[0].arrivals.rate_per_s == Approx(1.0 / 600));
  const json& r = sc.resolved;
  CHECK(r["seed"] == 1);
  CHECK(r["name"] == "mini");
  CHECK(r["policy"]["name"] == "fifo");
  CHECK(r["output"]["interval"] == "1 h");
  CHECK(r["output"]["compression"] == 1);
  CHECK(r["facility"]["pue"] == 1.0);
  CHECK(r["carbon"]["intensity"] == "0 g/kWh");
  CHECK(r["workload"]["generator"]["utilisation"] == 1.0);
  CHECK(r["workload"]["generator"]["durations"]["lognormal"]["max"] == "7 d");
}

TEST_CASE("relative paths are relative to the scenario file, --set paths to the current directory",
          "[app][scenario]") {
  test::TempDir dir("paths");
  std::filesystem::create_directories(dir.path / "sub");
  dir.write("sub/jobs.csv", "job_id,submit_s,gpus,duration_s,util\n0,0,1,10,1\n");
  const std::string scenario = dir.write("sub/s.json", R"({
    "facility": {"racks": [{"node": "DGX-H100"}]},
    "workload": {"trace": {"path": "jobs.csv"}},
    "output": {"path": "out/result.h5"}
  })");
  const auto sc = app::load_scenario(scenario);
  CHECK(sc.workload.trace_path == (dir.path / "sub/jobs.csv").string());
  CHECK(sc.output.path == (dir.path / "sub/out/result.h5").string());
  CHECK(sc.world.horizon == std::nullopt);
  CHECK(sc.resolved["horizon"].is_null());
  // Given on the command line, the same relative path means the current directory.
  const auto set = app::load_scenario(scenario, {"output.path=x.h5"});
  CHECK(set.output.path == "x.h5");
}

TEST_CASE("apply_set reads JSON values, else strings, and names bad paths", "[app][scenario]") {
  json doc = json::parse(R"({"a": {"b": [{"c": 1}, {"c": 2}]}})");
  CHECK(app::apply_set(doc, "a.b[1].c=42") == "a.b[1].c");
  CHECK(doc["a"]["b"][1]["c"] == 42);
  app::apply_set(doc, "a.name=hello world");
  CHECK(doc["a"]["name"] == "hello world");
  app::apply_set(doc, "a.flag=true");
  CHECK(doc["a"]["flag"] == true);
  app::apply_set(doc, "a.q=\"7\"");
  CHECK(doc["a"]["q"] == "7");
  app::apply_set(doc, "new.deep.key=[1,2]");
  CHECK(doc["new"]["deep"]["key"] == json::array({1, 2}));
  CHECK_THROWS_WITH(app::apply_set(doc, "a.b[5].c=1"), Contains("index 5 is past its end"));
  CHECK_THROWS_WITH(app::apply_set(doc, "a.b.c=1"), Contains("not an object"));
  CHECK_THROWS_WITH(app::apply_set(doc, "a..b=1"), Contains("empty key"));
  CHECK_THROWS_WITH(app::apply_set(doc, "a.b[x]=1"), Contains("not an array index"));
  CHECK_THROWS_WITH(app::apply_set(doc, "=1"), Contains("KEY=VALUE"));
  // tests/fuzz/regressions/scenario: the resolved scenario could not be written as JSON, and
  // `wattsim run` failed after loading instead of naming the bad argument.
  CHECK_THROWS_WITH(app::apply_set(doc, "a.name=caf\xff"), Contains("not UTF-8 text") && Contains("index 10: 0xFF") &&
                                                               Contains("expected KEY=VALUE in UTF-8"));
  CHECK_THROWS_WITH(app::apply_set(doc, "a.name=caf\xe9"), Contains("not UTF-8 text") && Contains("0xE9"));
  CHECK(doc["a"]["name"] == "hello world");
}

TEST_CASE("each kind of scenario error is named by its JSON path", "[app][scenario][errors]") {
  test::TempDir dir("kinds");
  const auto check = [&](const char* text, const std::string& where, const std::string& fragment) {
    const auto d = errors_of(dir.write("s.json", text));
    bool found = false;
    for (const auto& x : d) {
      if (x.where == where && x.message.find(fragment) != std::string::npos) found = true;
    }
    INFO(text);
    for (const auto& x : d) INFO(x.where + ": " + x.message);
    CHECK(found);
  };
  const std::string base_facility = R"("facility": {"racks": [{"node": "DGX-H100"}]})";
  const std::string base_workload = R"("workload": {"trace": {"path": "missing.csv"}})";
  // Wrong type.
  check(R"({"seed": "one", "facility": {"racks": [{"node": "DGX-H100"}]}})", "seed", "expected a whole number");
  // Unknown key, with the nearest valid one.
  check(R"({"facility": {"racks": [{"node": "DGX-H100", "nodes_per_rak": 2}]}})", "facility.racks[0].nodes_per_rak",
        "did you mean \"nodes_per_rack\"");
  // Missing required field.
  check(R"({"facility": {"racks": [{"count": 2}]}})", "facility.racks[0].node", "required");
  // Out of range.
  check(R"({"facility": {"pue": 0.8, "racks": [{"node": "DGX-H100"}]}})", "facility.pue", "found 0.8; expected a number in [1, 10]");
  // A whole number above the signed 64-bit range is named as written (it read as -1 before).
  check(R"({"seed": 18446744073709551615, "facility": {"racks": [{"node": "DGX-H100"}]}})", "seed",
        "found 18446744073709551615");
  // Unreadable file.
  check(("{" + base_facility + ", " + base_workload + "}").c_str(), "workload.trace.path", "missing.csv");
  // A policy that does not exist, and a parameter that does not exist.
  check(R"({"policy": {"name": "fifoo"}})", "policy.name", "did you mean \"fifo\"");
  check(R"({"policy": {"name": "easy-backfill", "params": {"max_scann": 3}}})", "policy.params.max_scann",
        "did you mean \"max_scan\"");
  // A unit that is not a time.
  check(R"({"horizon": "3 kW"})", "horizon", "unknown unit \"kW\"");
  // Hardware overrides are checked too, under "hardware".
  check(R"({"hardware": {"accelerators": {"H100-SXM": {"tdp": "70 W"}}}})", "hardware.accelerators.H100-SXM.pstates[4].max",
        "above the TDP");
  // Sites: facility beside sites, duplicated names.
  check(R"({"facility": {"racks": [{"node": "DGX-H100"}]}, "sites": [{"name": "a", "facility": {"racks": [{"node": "DGX-H100"}]}}]})",
        "facility", "beside \"sites\"");
  check(R"({"sites": [{"name": "a", "facility": {"racks": [{"node": "DGX-H100"}]}}, {"name": "a", "facility": {"racks": [{"node": "DGX-H100"}]}}]})",
        "sites[1].name", "used twice");
  // Nodes that start off under a policy that never powers them on.
  check(R"({"facility": {"initial_node_state": "off", "racks": [{"node": "DGX-H100"}]}})", "facility.initial_node_state",
        "never powers nodes on");
  check(R"({"sites": [{"name": "a/b", "facility": {"racks": [{"node": "DGX-H100"}]}}]})", "sites[0].name", "without \"/\"");
  // A negative intensity in a CSV.
  dir.write("neg.csv", "time,value\n2023-01-01 00:00:00,5\n2023-01-01 01:00:00,-2\n");
  check(R"({"horizon": "1 h", "carbon": {"intensity": {"csv": "neg.csv"}}})", "carbon.intensity.csv", "neg.csv:3:21: carbon intensity: value is \"-2\", below the minimum 0");
  // A generator that never ends.
  check(R"({"workload": {"generator": {"mean_interarrival": "1 min", "sizes": [[1, 1]], "durations": {"lognormal": {"median": "1 h", "sigma": 1}}}}})",
        "workload.generator", "never finishes");
}

TEST_CASE("a carbon-intensity CSV is aligned to the scenario's start and must cover the horizon", "[app][scenario]") {
  test::TempDir dir("carbon");
  dir.write("ci.csv", "time,value\n2023-06-01 00:00:00,100\n2023-06-01 01:00:00,200\n2023-06-01 02:00:00,300\n");
  const std::string s = dir.write("s.json", R"({
    "start": "2023-06-01T01:00:00Z",
    "horizon": "2 h",
    "facility": {"racks": [{"node": "DGX-H100"}]},
    "carbon": {"intensity": {"csv": "ci.csv", "unit": "kg/MWh"}},
    "workload": {"generator": {"mean_interarrival": "1 h", "sizes": [[1, 1]], "jobs": 1,
                               "durations": {"lognormal": {"median": "1 h", "sigma": 0}}}}
  })");
  const auto sc = app::load_scenario(s);
  const auto& k = sc.world.sites[0].carbon_intensity_g_per_kwh;
  CHECK(k.value_at(SimTime::zero()) == 200.0);          // 01:00 is simulated time 0
  CHECK(k.value_at(SimTime::minutes(90)) == 300.0);
  CHECK(k.end() == SimTime::hours(2));
  // A horizon beyond the series is an error unless it repeats.
  const auto d = errors_of(s, {"horizon=3 h"});
  REQUIRE(d.size() == 1);
  CHECK(d[0].where == "carbon.intensity.csv");
  CHECK_THAT(d[0].message, Contains("ci.csv: the series ends") && Contains("repeat"));
  const auto repeated = app::load_scenario(s, {"horizon=5 h", "carbon.intensity.repeat=true"});
  CHECK(repeated.world.sites[0].carbon_intensity_repeats);
  // The series repeats from its own first time (00:00, one hour before the start): 100 g again
  // at 2 h, 200 g at 3 h.
  simcore::StepCursor r(repeated.world.sites[0].carbon_intensity_g_per_kwh, true);
  CHECK(r.value_at(SimTime::minutes(150)) == 100.0);
  CHECK(r.value_at(SimTime::hours(3)) == 200.0);
  CHECK(r.value_at(SimTime::hours(50)) == 100.0);
  // Without a horizon the series must repeat: the run's length is unknown.
  const auto open = errors_of(s, {"horizon=null"});
  REQUIRE(open.size() == 1);
  CHECK(open[0].where == "carbon.intensity.repeat");
  // Without "start", simulated time 0 is the series' first time.
  const auto first = app::load_scenario(s, {"start=null"});
  CHECK(first.world.sites[0].carbon_intensity_g_per_kwh.value_at(SimTime::zero()) == 100.0);
  CHECK(first.resolved["start"] == "2023-06-01T00:00:00Z");
}

TEST_CASE("several sites and several generators", "[app][scenario]") {
  test::TempDir dir("sites");
  const auto sc = app::load_scenario(dir.write("s.json", R"({
    "horizon": "1 d",
    "sites": [
      {"name": "north", "facility": {"pue": 1.1, "racks": [{"node": "DGX-H100", "count": 2}]}, "carbon": {"intensity": "30 g/kWh"}},
      {"name": "south", "facility": {"racks": [{"node": "HGX-H200"}]}, "carbon": {"intensity": "0.45 kg/kWh"}}
    ],
    "workload": {"generator": [
      {"mean_interarrival": "1 h", "sizes": [[8, 1]], "durations": {"lognormal": {"median": "1 h", "sigma": 0}}},
      {"mean_interarrival": "5 min", "sizes": [[1, 1]], "durations": {"empirical": [["10 min", 1], ["20 min", 1]]}}
    ]}
  })"));
  REQUIRE(sc.world.sites.size() == 2);
  CHECK(sc.world.sites[0].name == "north");
  CHECK(sc.world.sites[0].pue == 1.1);
  CHECK(sc.world.sites[1].carbon_intensity_g_per_kwh.value_at(SimTime::zero()) == Approx(450.0));
  REQUIRE(sc.workload.generators.size() == 2);
  CHECK(sc.workload.generators[1].durations.values_s == std::vector<double>{600.0, 1200.0});
  auto source = sc.make_job_source();
  std::uint64_t n = 0;
  SimTime last = SimTime::zero();
  while (auto j = source->next()) {
    if (j->submit > SimTime::days(1)) break;
    CHECK(j->submit >= last);
    last = j->submit;
    ++n;
  }
  CHECK(n > 200);  // both streams, merged in time order
}

TEST_CASE("supply, credits and embodied carbon are read into the site's config", "[app][scenario][supply]") {
  test::TempDir dir("supply");
  dir.write("pv.csv", "time,cf\n2023-06-01 00:05:00,0.0\n2023-06-01 00:10:00,0.5\n2023-06-01 00:15:00,1.0\n");
  const auto sc = app::load_scenario(dir.write("s.json", R"({
    "start": "2023-06-01T00:00:00Z",
    "horizon": "1 d",
    "facility": {"racks": [{"node": "DGX-H100", "count": 2, "embodied": "1.5 t", "lifetime": "10 y"}]},
    "supply": {
      "solar": [{"capacity": "2 MW", "availability": "95 %",
                 "cf": {"csv": "pv.csv", "time_marks": "end", "repeat": true}}],
      "wind": [{"capacity": "1 MW", "cf": 0.35}],
      "ppa": [{"capacity": "500 kW", "generation": "30 MW", "generation_capacity": "100 MW"}],
      "battery": {"capacity": "4 MWh", "max_charge": "1 MW", "dispatch": "carbon-arbitrage",
                  "charge_below": {"quantile": 0.25}, "discharge_above": "300 g/kWh"},
      "grid": {"export": true, "export_limit": "1 MW", "export_price_factor": 0.5, "demand_charge": 12},
      "price": 0.11
    },
    "carbon": {"intensity": "250 g/kWh", "credits": {"policy": "net-zero", "period": "year", "price": 85, "budget": 1e4}},
    "workload": {"generator": {"mean_interarrival": "1 h", "sizes": [[8, 1]], "jobs": 3,
                               "durations": {"lognormal": {"median": "1 h", "sigma": 0}}}}
  })"));
  const auto& site = sc.world.sites[0];
  const auto& s = site.supply;
  REQUIRE(s.renewables.size() == 2);
  CHECK(s.renewables[0].scale == Approx(2e6 * 0.95));
  CHECK(s.renewables[0].periodic);
  // time_marks "end": the first value holds over the 5 minutes before its time stamp.
  CHECK(s.renewables[0].series.start() == SimTime::zero());
  CHECK(s.renewables[0].series.value_at(SimTime::minutes(7)) == 0.5);
  CHECK(s.renewables[1].scale == 1e6);
  CHECK(s.renewables[1].series.value_at(SimTime::zero()) == 0.35);
  REQUIRE(s.ppas.size() == 1);
  CHECK(s.ppas[0].scale * s.ppas[0].series.value_at(SimTime::zero()) == Approx(500e3 * 0.3));
  CHECK(s.battery.capacity_j == 4 * 3.6e9);
  CHECK(s.battery.max_discharge_w == 1e6);  // defaults to max_charge
  CHECK(s.battery.charge_efficiency * s.battery.discharge_efficiency == Approx(0.85));
  CHECK(s.battery.soc_min == 0.1);
  CHECK(s.initial_soc == 0.5);
  CHECK(s.dispatch.strategy == supply::Dispatch::kCarbonArbitrage);
  CHECK(s.charge_below_quantile == 0.25);
  CHECK(s.discharge_above_g_per_kwh == 300.0);
  CHECK(s.dispatch.allow_export);
  CHECK(s.dispatch.export_limit_w == 1e6);
  CHECK(s.costs.export_price_factor == 0.5);
  CHECK(s.costs.demand_charge_per_kw_month == 12.0);
  CHECK(s.price->series.value_at(SimTime::zero()) == 0.11);
  CHECK(s.credits.kind == carbon::CreditKind::kNetZero);
  CHECK(s.credits.period == carbon::CreditPeriod::kYear);
  CHECK(s.credits.budget == 1e4);
  CHECK(s.credit_price->series.value_at(SimTime::zero()) == 85.0);
  CHECK(s.calendar_origin == SimTime::days(simcore::days_from_civil(2023, 6, 1)));
  CHECK(site.racks[0].rack_embodied_kg == 1500.0);
  CHECK(site.racks[0].rack_lifetime_years == Approx(10.0));
  CHECK(sc.resolved["supply"]["battery"]["round_trip_efficiency"] == 0.85);
  CHECK(sc.resolved["supply"]["battery"]["dispatch"] == "carbon-arbitrage");
}

TEST_CASE("supply mistakes are named by their JSON path", "[app][scenario][supply][errors]") {
  test::TempDir dir("supplyerr");
  dir.write("cf.csv", "time,cf\n2023-01-01 00:00:00,0.5\n2023-01-01 01:00:00,1.5\n2023-01-01 02:00:00,0.2\n");
  dir.write("gap.csv", "time,cf\n2023-01-01 00:00:00,0.5\n2023-01-01 01:00:00,0.5\n2023-01-01 04:00:00,0.2\n");
  const auto check = [&](const std::string& supply, const std::string& where, const std::string& fragment) {
    const std::string text = R"({"horizon": "1 h", "facility": {"racks": [{"node": "DGX-H100"}]}, "supply": )" + supply +
                             R"(, "workload": {"generator": {"mean_interarrival": "1 h", "sizes": [[1, 1]], "jobs": 1,
                                "durations": {"lognormal": {"median": "1 h", "sigma": 0}}}}})";
    const auto d = errors_of(dir.write("s.json", text));
    bool found = false;
    for (const auto& x : d) found = found || (x.where == where && x.message.find(fragment) != std::string::npos);
    INFO(supply);
    for (const auto& x : d) INFO(x.where + ": " + x.message);
    CHECK(found);
  };
  check(R"({"battery": {"capacity": "1 MWh", "max_charge": "1 MW", "dispatch": "self-consumptoin"}})",
        "supply.battery.dispatch", "did you mean \"self-consumption\"");
  check(R"({"battery": {"capacity": "1 MWh", "max_charge": "1 MW", "soc_min": 0.9, "soc_max": 0.5}})",
        "supply.battery.soc_min", "soc_min < soc_max");
  check(R"({"battery": {"capacity": "1 MWh", "max_charge": "1 MW", "dispatch": "carbon-arbitrage"}})",
        "supply.battery.charge_below", "carbon arbitrage needs it");
  check(R"({"battery": {"capacity": "1 MWh", "max_charge": "1 MW", "dispatch": "peak-shaving"}})",
        "supply.battery.grid_limit", "required");
  check(R"({"solar": [{"capacity": "1 MW", "cf": {"csv": "cf.csv"}}]})", "supply.solar[0].cf.csv",
        "cf.csv:3:21: solar capacity factor: cf is \"1.5\", above the maximum 1");
  check(R"({"solar": [{"capacity": "1 MW", "cf": {"csv": "gap.csv"}}]})", "supply.solar[0].cf.csv", "gap");
  check(R"({"solar": [{"capacity": "1 MW", "cf": 0.3, "generation": "1 MW"}]})", "supply.solar[0]", "exactly one of");
  check(R"({"wind": [{"capacity": "1 MW", "generation": "30 MW"}]})", "supply.wind[0].generation_capacity", "required");
  check(R"({"solar": [{"capacity": "1 MW", "cf": {"csv": "cf.csv", "time_marks": "middle"}}]})", "supply.solar[0].cf.time_marks",
        "expected \"start\" or \"end\"");
  check(R"({"price": {"csv": "cf.csv", "unit": "USD"}})", "supply.price.unit", "CURRENCY/kWh or CURRENCY/MWh");
  check(R"({"batery": {}})", "supply.batery", "did you mean \"battery\"");
}

TEST_CASE("a key given twice is an error at its line and column, with its JSON path", "[app][scenario][errors]") {
  test::TempDir dir("dupkeys");
  const std::string file =
      dir.write("s.json",
                "{\n"
                "  \"name\": \"x\",\n"
                "  \"facility\": {\"racks\": [{\"node\": \"DGX-H100\", \"count\": 2, \"count\": 3}]},\n"
                "  \"name\": \"y\",\n"
                "  \"workload\": {\"generator\": {\"mean_interarrival\": \"1 h\", \"sizes\": [[8, 1]], \"jobs\": 1,\n"
                "                \"durations\": {\"lognormal\": {\"median\": \"1 h\", \"sigma\": 0}}}}\n"
                "}\n");
  const auto d = errors_of(file);
  REQUIRE(d.size() == 2);
  CHECK(d[0].where == file + ":3:59");
  CHECK(d[0].message ==
        "duplicate key: facility.racks[0].count is given twice (first at line 3, column 47); expected each key once in "
        "an object");
  CHECK(d[1].where == file + ":4:3");
  CHECK_THAT(d[1].message, Contains("duplicate key: name is given twice (first at line 2, column 3)"));
  // In a --set value too, located in the value.
  const std::string ok = dir.write("ok.json", kMinimal);
  const auto set = errors_of(ok, {R"(workload.trace={"path": "a.csv", "path": "b.csv"})"});
  REQUIRE(set.size() == 1);
  CHECK(set[0].where == "--set workload.trace:1:19");
  CHECK_THAT(set[0].message, Contains("duplicate key: path is given twice (first at line 1, column 2)"));
  // Syntax errors keep their place.
  const auto syntax = errors_of(dir.write("bad.json", "{\n  \"seed\": 1,\n  \"facility\": {,}\n}\n"));
  REQUIRE(syntax.size() == 1);
  CHECK(syntax[0].where == dir.file("bad.json") + ":3:16");
  CHECK_THAT(syntax[0].message, Contains("not valid JSON (parse error") && Contains("expected a scenario"));
}

TEST_CASE("paths inside an object given with --set are relative to the scenario's folder, as in the file",
          "[app][scenario]") {
  test::TempDir dir("setpaths");
  std::filesystem::create_directories(dir.path / "sub");
  dir.write("sub/jobs.csv", "job_id,submit_s,gpus,duration_s,util\n0,0,1,10,1\n");
  const std::string scenario = dir.write("sub/s.json", R"({
    "facility": {"racks": [{"node": "DGX-H100"}]},
    "workload": {"trace": {"path": "/nonexistent/jobs.csv"}}
  })");
  const auto object = app::load_scenario(scenario, {R"(workload.trace={"path": "jobs.csv"})"});
  CHECK(object.workload.trace_path == (dir.path / "sub/jobs.csv").string());
  const auto array = app::load_scenario(scenario, {R"(workload={"trace": {"path": "jobs.csv"}})"});
  CHECK(array.workload.trace_path == (dir.path / "sub/jobs.csv").string());
  // The field itself given with --set: the current directory. A later --set of the object
  // holding it takes the field back to the scenario's folder.
  const auto field = app::load_scenario(
      scenario, {"workload.trace.path=" + (dir.path / "sub/jobs.csv").string(), "output.path=out.h5"});
  CHECK(field.output.path == "out.h5");
  const auto replaced =
      app::load_scenario(scenario, {"workload.trace.path=elsewhere.csv", R"(workload.trace={"path": "jobs.csv"})"});
  CHECK(replaced.workload.trace_path == (dir.path / "sub/jobs.csv").string());
}

TEST_CASE("a file that is not there: the error says which folder its relative path was resolved against",
          "[app][scenario][errors]") {
  test::TempDir dir("missing");
  std::filesystem::create_directories(dir.path / "sub");
  const std::string scenario = dir.write("sub/s.json", R"({
    "horizon": "1 h",
    "facility": {"racks": [{"node": "DGX-H100"}]},
    "carbon": {"intensity": {"csv": "data/ci.csv"}},
    "workload": {"trace": {"path": "jobs.csv"}}
  })");
  const auto d = errors_of(scenario);
  REQUIRE(d.size() == 2);
  const std::string folder = (dir.path / "sub").string();
  CHECK(d[0].where == "workload.trace.path");
  CHECK_THAT(d[0].message, Contains("relative paths are resolved against the scenario's folder, " + folder + ")"));
  CHECK(d[1].where == "carbon.intensity.csv");
  CHECK_THAT(d[1].message, Contains("data/ci.csv") && Contains("cannot open the file") &&
                               Contains("relative paths are resolved against the scenario's folder, " + folder + ")"));
  // Given with --set: the current directory.
  const auto set = errors_of(scenario, {"workload.trace.path=nowhere/jobs.csv"});
  REQUIRE(set.size() == 2);
  CHECK_THAT(set[0].message, Contains("a path given with --set workload.trace.path is resolved against the current "
                                      "directory, " +
                                      std::filesystem::current_path().string() + ")"));
  // An absolute path needs no note.
  const auto absolute = errors_of(scenario, {R"(workload.trace={"path": "/nonexistent/jobs.csv"})"});
  REQUIRE(absolute.size() == 2);
  CHECK_THAT(absolute[0].message, Contains("/nonexistent/jobs.csv") && !Contains("resolved against"));
}

TEST_CASE("workload.oversize: \"error\" by default, \"skip\" counts the jobs it drops", "[app][scenario][oversize]") {
  test::TempDir dir("oversize");
  // 2 DGX-H100 nodes: 16 accelerators.
  dir.write("jobs.csv", "job_id,submit_s,gpus,duration_s,util\n0,0,8,10,1\n1,1,32,10,1\n2,2,16,10,1\n3,3,17,10,1\n");
  const std::string scenario = dir.write("s.json", R"({
    "facility": {"racks": [{"node": "DGX-H100", "nodes_per_rack": 2}]},
    "workload": {"trace": {"path": "jobs.csv"}}
  })");
  const auto strict = app::load_scenario(scenario);
  CHECK(strict.resolved["workload"]["oversize"] == "error");
  CHECK(strict.largest_site_accelerators() == 16);
  auto source = strict.make_job_source(nullptr);
  CHECK(source->next()->id == 0);
  CHECK_THROWS_WITH(source->next(), Contains("job 1 needs 32 accelerators; the largest site has 16"));
  CHECK(source->location() == dir.file("jobs.csv") + ":3");

  const auto skip = app::load_scenario(scenario, {"workload.oversize=skip"});
  auto skipping = skip.make_job_source(nullptr);
  std::vector<std::uint64_t> ids;
  while (auto j = skipping->next()) ids.push_back(j->id);
  CHECK(ids == std::vector<std::uint64_t>{0, 2});
  CHECK(skipping->skipped() == 2);

  const auto bad = errors_of(scenario, {"workload.oversize=skipp"});
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].where == "workload.oversize");
  CHECK_THAT(bad[0].message, Contains("expected \"error\"") && Contains("did you mean \"skip\""));
}

TEST_CASE("a generator size larger than the largest site is an error at that size", "[app][scenario][oversize]") {
  test::TempDir dir("gensize");
  const std::string scenario = dir.write("s.json", R"({
    "horizon": "1 d",
    "sites": [
      {"name": "a", "facility": {"racks": [{"node": "DGX-H100", "count": 2, "nodes_per_rack": 4}]}},
      {"name": "b", "facility": {"racks": [{"node": "DGX-H100", "count": 1, "nodes_per_rack": 4}, {"node": "CPU-server"}]}}
    ],
    "workload": {"generator": [
      {"mean_interarrival": "1 h", "sizes": [[8, 1], [64, 1]], "durations": {"lognormal": {"median": "1 h", "sigma": 0}}},
      {"mean_interarrival": "1 h", "sizes": [[1, 1], [65, 1], [96, 1]], "durations": {"lognormal": {"median": "1 h", "sigma": 0}}}
    ]}
  })");
  const auto d = errors_of(scenario);
  REQUIRE(d.size() == 2);
  CHECK(d[0].where == "workload.generator[1].sizes[1]");
  CHECK(d[0].message ==
        "a job of 65 accelerators cannot fit: the largest site has 64 (a job runs within one site); "
        "expected sizes up to 64");
  CHECK(d[1].where == "workload.generator[1].sizes[2]");
  // "skip" is for trace rows: a generator's sizes are known before the run.
  CHECK(errors_of(scenario, {"workload.oversize=skip"}).size() == 2);
  CHECK(errors_of(scenario, {"workload.generator[1].sizes=[[1, 1], [64, 1]]"}).empty());
}

// ---------------------------------------------------------------------------------------------
// Issue 13: forecasts, flexibility, data and home sites, the batch guard.

namespace {

// Hourly carbon intensity over two days from 2023-01-01: x(h) = 100 + 10 h g/kWh (h = 0..47).
std::string hourly_intensity_csv() {
  std::string out = "time,intensity\n";
  for (int h = 0; h < 48; ++h) {
    char row[64];
    std::snprintf(row, sizeof row, "2023-01-%02dT%02d:00:00Z,%d\n", 1 + h / 24, h % 24, 100 + 10 * h);
    out += row;
  }
  return out;
}

const datacenter::SiteConfig& only_site(const app::Scenario& sc) {
  REQUIRE(sc.world.sites.size() == 1);
  return sc.world.sites[0];
}

const forecast::Forecast* forecast_of(const datacenter::SiteConfig& site, datacenter::Signal s) {
  return site.forecasts[static_cast<std::size_t>(s)].get();
}

// One site, two days, the hourly intensity above, a constant price of 0.1 per kWh; the
// forecast given by --set.
const char* kForecastScenario = R"({
  "start": "2023-01-01T00:00:00Z",
  "horizon": "2 d",
  "facility": {"racks": [{"node": "DGX-H100"}]},
  "carbon": {"intensity": {"csv": "intensity.csv"}},
  "supply": {"price": 0.1},
  "workload": {"generator": {"mean_interarrival": "1 h", "sizes": [[8, 1]], "durations": {"lognormal": {"median": "1 h", "sigma": 0}}}}
})";

}  // namespace

TEST_CASE("forecast: one model for every signal a site has, null for the signals it lacks", "[app][scenario][forecast]") {
  test::TempDir dir("forecast");
  dir.write("intensity.csv", hourly_intensity_csv());
  const std::string file = dir.write("s.json", kForecastScenario);
  using datacenter::Signal;
  const SimTime h = SimTime::hours(1);

  // Absent: perfect for every present signal (the resolved document says so).
  const auto plain = app::load_scenario(file);
  CHECK(plain.resolved["forecast"] == json({{"model", "perfect"}}));
  const auto* perfect = forecast_of(only_site(plain), Signal::kCarbon);
  REQUIRE(perfect != nullptr);
  CHECK(perfect->value(SimTime::zero(), 10 * h) == 200.0);  // x(10 h) = 100 + 10 x 10
  CHECK(perfect->issue_independent());

  const auto sc = app::load_scenario(file, {R"(forecast={"model": "noisy", "error": "5 %"})"});
  const auto& site = only_site(sc);
  // Present: the average intensity (the CSV) and the price; absent: the marginal intensity,
  // renewables (no generators) and the outside temperature (no weather).
  const auto* carbon = forecast_of(site, Signal::kCarbon);
  const auto* price = forecast_of(site, Signal::kPrice);
  REQUIRE(carbon != nullptr);
  REQUIRE(price != nullptr);
  CHECK(forecast_of(site, Signal::kCarbonMarginal) == nullptr);
  CHECK(forecast_of(site, Signal::kRenewable) == nullptr);
  CHECK(forecast_of(site, Signal::kOutsideTemp) == nullptr);
  // Noisy: the future is off the truth (sigma = 5 % of the mean 335 = 16.75 g/kWh; equality
  // has probability 0), within 8 sigma = 134; the past is the truth.
  const double future = carbon->value(SimTime::zero(), 10 * h);
  CHECK(future != 200.0);
  CHECK(std::fabs(future - 200.0) < 134.0);
  CHECK(carbon->value(20 * h, 10 * h) == 200.0);
  CHECK(carbon->truth().value_at(10 * h) == 200.0);
  CHECK(price->value(SimTime::zero(), 10 * h) != 0.1);  // sigma 0.005
  CHECK(price->value(SimTime::zero(), 10 * h) == Approx(0.1).margin(0.04));
  CHECK(carbon->issue_independent());  // noisy, growth fixed
  // The error's own seed: the same seed gives the same forecast, another seed another.
  const auto again = app::load_scenario(file, {R"(forecast={"model": "noisy", "error": "5 %"})"});
  CHECK(forecast_of(only_site(again), Signal::kCarbon)->value(SimTime::zero(), 10 * h) == future);
  const auto seeded = app::load_scenario(file, {R"(forecast={"model": "noisy", "error": "5 %", "seed": 2})"});
  CHECK(forecast_of(only_site(seeded), Signal::kCarbon)->value(SimTime::zero(), 10 * h) != future);
}

TEST_CASE("forecast: a signal's own object overrides the fields around it; a site's own forecast replaces the top level",
          "[app][scenario][forecast]") {
  test::TempDir dir("forecast_override");
  dir.write("intensity.csv", hourly_intensity_csv());
  // One issue, made at 0 h: 999 g/kWh from 10 h on.
  dir.write("carbon_forecast.csv", "time,issued_at,value\n2023-01-01T10:00:00Z,2023-01-01T00:00:00Z,999\n");
  const std::string file = dir.write("s.json", kForecastScenario);
  using datacenter::Signal;
  const SimTime h = SimTime::hours(1);

  // Persistence for carbon: issued at 25 h, 30 h is forecast as x(30 h - 24 h) = x(6 h) = 160
  // (the truth there is 400). The price keeps noisy but grows with the lead time (sqrt), so its
  // forecast depends on the issue time.
  const auto sc = app::load_scenario(
      file, {R"(forecast={"model": "noisy", "error": "5 %", "carbon": {"model": "persistence"}, "price": {"growth": "sqrt"}})"});
  const auto* carbon = forecast_of(only_site(sc), Signal::kCarbon);
  const auto* price = forecast_of(only_site(sc), Signal::kPrice);
  REQUIRE(carbon != nullptr);
  REQUIRE(price != nullptr);
  CHECK(carbon->value(25 * h, 30 * h) == 160.0);
  CHECK(carbon->truth().value_at(30 * h) == 400.0);
  CHECK_FALSE(price->issue_independent());
  // The constant price is one step that has started at 0 h: its lead time is 0, so with sqrt
  // growth the forecast is the truth (with the top level's fixed growth it is off, as above).
  CHECK(price->value(SimTime::zero(), 10 * h) == 0.1);

  // A file for carbon only, relative to the scenario's folder: 999 from 10 h as issued at 0 h;
  // before 10 h that issue says nothing and the truth at the issue time, x(0) = 100, is held.
  // The price, without an object of its own, keeps the top level's perfect model.
  const auto filed = app::load_scenario(file, {R"(forecast={"carbon": {"model": "file", "csv": "carbon_forecast.csv"}})"});
  const auto* from_file = forecast_of(only_site(filed), Signal::kCarbon);
  REQUIRE(from_file != nullptr);
  CHECK(from_file->value(SimTime::zero(), 12 * h) == 999.0);
  CHECK(from_file->value(SimTime::zero(), 5 * h) == 100.0);
  CHECK(forecast_of(only_site(filed), Signal::kPrice)->value(SimTime::zero(), 10 * h) == 0.1);

  // Two sites: "a" takes the top-level noisy forecast, "b" its own perfect one.
  const auto sites = app::load_scenario(dir.write("sites.json", R"({
    "start": "2023-01-01T00:00:00Z",
    "horizon": "2 d",
    "forecast": {"model": "noisy", "error": "5 %"},
    "sites": [
      {"name": "a", "facility": {"racks": [{"node": "DGX-H100"}]}, "carbon": {"intensity": {"csv": "intensity.csv"}}},
      {"name": "b", "facility": {"racks": [{"node": "DGX-H100"}]}, "carbon": {"intensity": {"csv": "intensity.csv"}},
       "forecast": {"model": "perfect"}}
    ],
    "workload": {"generator": {"mean_interarrival": "1 h", "sizes": [[8, 1]], "durations": {"lognormal": {"median": "1 h", "sigma": 0}}}}
  })"));
  REQUIRE(sites.world.sites.size() == 2);
  CHECK(forecast_of(sites.world.sites[0], Signal::kCarbon)->value(SimTime::zero(), 10 * h) != 200.0);
  CHECK(forecast_of(sites.world.sites[1], Signal::kCarbon)->value(SimTime::zero(), 10 * h) == 200.0);
}

TEST_CASE("forecast, flexibility and generator mistakes are errors at their JSON path", "[app][scenario][forecast][errors]") {
  test::TempDir dir("forecast_errors");
  dir.write("intensity.csv", hourly_intensity_csv());
  const std::string file = dir.write("s.json", R"({
    "start": "2023-01-01T00:00:00Z",
    "horizon": "2 d",
    "sites": [
      {"name": "north", "facility": {"racks": [{"node": "DGX-H100"}]}, "carbon": {"intensity": {"csv": "intensity.csv"}}},
      {"name": "south", "facility": {"racks": [{"node": "DGX-H100"}]}, "carbon": {"intensity": "300 g/kWh"},
       "supply": {"price": 0.1}}
    ],
    "workload": {"generator": {"mean_interarrival": "1 h", "sizes": [[8, 1]], "durations": {"lognormal": {"median": "1 h", "sigma": 0}}}}
  })");
  REQUIRE(errors_of(file).empty());

  const auto model = errors_of(file, {R"(sites[0].forecast={"model": "noisey"})"});
  REQUIRE(model.size() == 1);
  CHECK(model[0].where == "sites[0].forecast.model");
  CHECK_THAT(model[0].message, Contains("is \"noisey\"") && Contains("did you mean \"noisy\""));

  // "north" has no price series: a price override there is an error; "south" has one.
  const auto price = errors_of(file, {R"(sites[0].forecast={"price": {"model": "noisy"}})"});
  REQUIRE(price.size() == 1);
  CHECK(price[0].where == "sites[0].forecast.price");
  CHECK_THAT(price[0].message, Contains("no price series"));
  CHECK(errors_of(file, {R"(sites[1].forecast={"price": {"model": "noisy"}})"}).empty());

  // The file model without a file: one error per signal the site has ("north": carbon only).
  const auto no_csv = errors_of(file, {R"(sites[0].forecast={"model": "file"})"});
  REQUIRE(no_csv.size() == 1);
  CHECK(no_csv[0].where == "sites[0].forecast");
  CHECK_THAT(no_csv[0].message, Contains("needs \"csv\""));

  const auto slack = errors_of(file, {R"(workload.flexibility={"queue": "train", "slack": ["48 h", "12 h"]})"});
  REQUIRE(slack.size() == 1);
  CHECK(slack[0].where == "workload.flexibility[0].slack");
  CHECK_THAT(slack[0].message, Contains("maximum is below its minimum"));

  const auto home = errors_of(file, {"workload.generator.home_site=nort"});
  REQUIRE(home.size() == 1);
  CHECK(home[0].where == "workload.generator.home_site");
  CHECK_THAT(home[0].message, Contains("names no site (\"nort\")") && Contains("did you mean \"north\""));
}

TEST_CASE("workload.flexibility gives the jobs of its queue deadlines; generators carry data and a home site",
          "[app][scenario][flexibility]") {
  test::TempDir dir("flexibility");
  const std::string file = dir.write("s.json", R"({
    "horizon": "10 d",
    "sites": [{"name": "north", "facility": {"racks": [{"node": "DGX-H100"}]}},
              {"name": "south", "facility": {"racks": [{"node": "DGX-H100"}]}}],
    "workload": {
      "flexibility": [{"queue": "train", "slack": ["12 h", "48 h"], "preemptible_share": 1}],
      "generator": [
        {"mean_interarrival": "1 h", "sizes": [[8, 1]], "durations": {"lognormal": {"median": "2 h", "sigma": 0}},
         "jobs": 30, "queue": "train", "data": "500 GB", "home_site": "south"},
        {"mean_interarrival": "1 h", "sizes": [[1, 1]], "durations": {"lognormal": {"median": "1 h", "sigma": 0}},
         "jobs": 30, "queue": "serve", "data": "1 TiB"}
      ]}
  })");
  const auto sc = app::load_scenario(file);
  REQUIRE(sc.workload.flexibility.size() == 1);
  CHECK(sc.workload.flexibility[0].slack_min == SimTime::hours(12));
  CHECK(sc.workload.flexibility[0].slack_max == SimTime::hours(48));
  CHECK(sc.resolved["workload"]["flexibility"].is_array());  // a single rule resolves to an array of one
  CHECK(sc.resolved["workload"]["flexibility"][0]["share"] == 1.0);
  auto source = sc.make_job_source(nullptr);
  int train = 0, serve = 0;
  while (auto j = source->next()) {
    if (j->queue == "train") {
      ++train;
      // deadline = submit + 2 h (the duration at full speed) + slack, slack in [12 h, 48 h]
      REQUIRE(j->deadline.has_value());
      const SimTime slack = *j->deadline - j->submit - SimTime::hours(2);
      CHECK(slack >= SimTime::hours(12));
      CHECK(slack <= SimTime::hours(48));
      CHECK(j->preemptible);
      CHECK(j->data_gb == 500.0);
      CHECK(j->home_site == 1);  // "south"
    } else {
      ++serve;
      CHECK(j->queue == "serve");
      CHECK_FALSE(j->deadline.has_value());  // no rule for its queue
      CHECK_FALSE(j->preemptible);
      CHECK(j->data_gb == Approx(1099.511627776));  // 2^40 B in GB
      CHECK(j->home_site == 0);  // the default: the first site
    }
  }
  CHECK(train == 30);
  CHECK(serve == 30);
}

TEST_CASE("batch refuses a demand whose policy reads carbon, unless --allow-policy-feedback", "[app][scenario][batch]") {
  const auto& info = policies::builtin_policies().get("carbon-threshold");
  REQUIRE_FALSE(info.reads.empty());
  test::TempDir dir("feedback");
  const auto demand = [&](const std::string& policy) {
    return dir.write("demand.json", R"({
      "horizon": "1 d",
      "facility": {"racks": [{"node": "DGX-H100"}]},
      "carbon": {"intensity": "300 g/kWh"},
      "policy": )" + policy + R"(,
      "workload": {"generator": {"mean_interarrival": "2 h", "sizes": [[8, 1]], "durations": {"lognormal": {"median": "1 h", "sigma": 0}}, "jobs": 3}}
    })");
  };
  const std::string batch = dir.write("batch.json", R"({
    "demand": {"scenario": "demand.json"},
    "regions": {"X": {"intensity": 300}},
    "list": [{"region": "X"}]
  })");

  demand(R"({"managers": ["carbon-threshold"]})");
  std::vector<simcore::Diagnostic> refused;
  try {
    app::check_batch_file(batch);
  } catch (const simcore::InputError& e) {
    refused = e.diagnostics();
  }
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].where == "demand.scenario");
  CHECK_THAT(refused[0].message, Contains("policy \"") && Contains("reads carbon, carbon-marginal") &&
                                     Contains("--allow-policy-feedback"));
  CHECK(app::check_batch_file(batch, false, true) == 1);  // warns on stderr and goes on: one variant

  demand(R"({"name": "easy-backfill"})");  // reads nothing: accepted without the flag
  CHECK(app::check_batch_file(batch) == 1);
}
