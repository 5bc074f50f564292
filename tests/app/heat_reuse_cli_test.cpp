// End-to-end tests of cooling, heat reuse and rack temperatures: the heat-reuse example for two
// weeks, its result set's identities, and the scenario mistakes of the new keys.

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <map>

#include "models/thermal/recirculation.hpp"
#include "results/result_reader.hpp"
#include "tests/app/cli_helpers.hpp"

using namespace wattsim;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

TEST_CASE("the heat-reuse example: PUE, ERE, WUE, avoided emissions and rack inlets add up", "[app][e2e][heat]") {
  test::TempDir dir("heat");
  const std::string out = dir.file("hr.h5");
  const auto r = test::wattsim("run " + test::source_path("scenarios/heat-reuse.json") + " --set 'horizon=14 d' -o " + out);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("heat reuse   delivered"));
  CHECK_THAT(r.output, Contains("cooling      "));
  const results::ResultReader reader(out);
  std::map<std::string, double> s;
  for (const auto& v : reader.summary("/summary")) s[v.name] = v.value;
  // Facility = IT + distribution losses + cooling + heat pumps.
  CHECK(s.at("overhead_kwh") == Approx(s.at("cooling_energy_kwh") + s.at("heat_pump_energy_kwh")).epsilon(1e-9));
  CHECK(s.at("facility_energy_kwh") ==
        Approx(s.at("it_energy_kwh") + s.at("distribution_loss_kwh") + s.at("overhead_kwh")).epsilon(1e-9));
  // The Green Grid's metrics.
  const double it = s.at("it_energy_kwh"), facility = s.at("facility_energy_kwh"), delivered = s.at("heat_delivered_kwh");
  CHECK(delivered > 0.0);
  CHECK(s.at("pue") == Approx(facility / it).epsilon(1e-12));
  CHECK(s.at("ere") == Approx((facility - delivered) / it).epsilon(1e-12));
  CHECK(s.at("ere") < s.at("pue"));
  CHECK(s.at("erf") == Approx(delivered / facility).epsilon(1e-12));
  CHECK(s.at("pue_partial_cooling") == Approx((it + s.at("cooling_energy_kwh")) / it).epsilon(1e-12));
  CHECK(s.at("wue") == Approx(s.at("water_l") / it).epsilon(1e-12));
  CHECK(s.at("heat_delivered_kwh") == Approx(s.at("heat_recovered_kwh") + s.at("heat_pump_energy_kwh")).epsilon(1e-9));
  // A gas boiler at 0.9 burning 202 g/kWh of fuel; heat at 0.04 per kWh.
  CHECK(s.at("heat_avoided_kg") == Approx(delivered * 0.202 / 0.9).epsilon(1e-12));
  CHECK(s.at("heat_revenue") == Approx(delivered * 0.04).epsilon(1e-12));
  CHECK(s.at("max_inlet_temp_c") > 22.0);
  CHECK(s.at("max_inlet_temp_c") < 27.0);  // partial containment keeps the racks under the redline

  // /timeseries: cooling and heat columns integrate to the summary; January in Frankfurt.
  const auto dt = reader.column("/timeseries", "duration_s");
  const auto cooling_kw = reader.column("/timeseries", "cooling_kw");
  const auto delivered_kw = reader.column("/timeseries", "heat_delivered_kw");
  const auto outside = reader.column("/timeseries", "outside_temp_c");
  const auto it_kw = reader.column("/timeseries", "it_power_kw");
  REQUIRE(dt.size() == 14 * 24);
  double cooling_kwh = 0.0, delivered_kwh = 0.0;
  for (std::size_t i = 0; i < dt.size(); ++i) {
    cooling_kwh += cooling_kw[i] * dt[i] / 3600.0;
    delivered_kwh += delivered_kw[i] * dt[i] / 3600.0;
    CHECK(outside[i] > -20.0);
    CHECK(outside[i] < 20.0);
  }
  CHECK(cooling_kwh == Approx(s.at("cooling_energy_kwh")).epsilon(1e-9));
  CHECK(delivered_kwh == Approx(delivered).epsilon(1e-9));

  // /racks: one row per interval, one column per rack; the racks add up to the IT power, and
  // each average inlet is the supply plus the layout's matrix times the average powers.
  const auto power = reader.matrix("/racks/power_kw");
  const auto inlet = reader.matrix("/racks/inlet_temp_c");
  REQUIRE(power.rows == dt.size());
  REQUIRE(power.cols == 32);
  REQUIRE(inlet.rows == power.rows);
  REQUIRE(inlet.cols == 32);
  const Eigen::MatrixXd d = thermal::layout_matrix({8, thermal::Containment::kPartial}, 32);
  for (std::size_t row = 0; row < power.rows; row += 37) {
    double sum_kw = 0.0;
    for (std::size_t c = 0; c < 32; ++c) sum_kw += power.at(row, c);
    CHECK(sum_kw == Approx(it_kw[row]).epsilon(1e-9));
    for (std::size_t i = 0; i < 32; ++i) {
      double t = 22.0;
      for (std::size_t j = 0; j < 32; ++j) t += d(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) * power.at(row, j);
      CHECK(inlet.at(row, i) == Approx(t).epsilon(1e-9));
    }
  }
  const auto sites = reader.indices("/racks/site");
  CHECK(sites == std::vector<std::int64_t>(32, 0));
  CHECK(reader.records("/thermal_violations").rows() == 0);
}

TEST_CASE("cooling, thermal and heat-reuse mistakes are named by their JSON path", "[app][heat]") {
  test::TempDir dir("heat_errors");
  const std::string hr = test::source_path("scenarios/heat-reuse.json");
  const std::string def = test::source_path("scenarios/default.json");
  const auto check = [&](const std::string& scenario, const std::string& set, const std::string& where,
                         const std::string& what) {
    const auto r = test::wattsim("check " + scenario + " --set '" + set + "'");
    INFO(set << "\n" << r.output);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains(where) && Contains(what));
  };
  check(def, "facility.cooling={\"type\": \"chilled-water\"}", "weather: missing", "outside temperature");
  check(hr, "facility.pue=1.2", "facility.pue", "cannot be given beside \"cooling\"");
  check(hr, "facility.thermal.layout=null", "facility.thermal", "");
  check(hr, "facility.cooling.economiser.type=dry", "facility.cooling.economiser.type", "expected \"water-side\"");
  check(hr, "facility.cooling.chillers.cop=[[30, 5], [20, 6]]", "facility.cooling.chillers.cop", "not above");
  check(hr, "facility.cooling.chillers.cop=[[30, -5]]", "facility.cooling.chillers.cop", "");
  check(hr, "weather.temperature={\"open_meteo\": \"no-such-file.json\"}", "weather.temperature.open_meteo", "no-such-file.json");
  check(hr, "facility.heat_reuse.network_supply=\"70 F\"", "facility.heat_reuse.network_supply", "");
  check(hr, "facility.cooling.chillers.chilled_water=-300", "facility.cooling.chillers.chilled_water", "absolute zero");
  check(hr, "facility.heat_reuse.capacity=0", "facility.heat_reuse.capacity", "must be positive");
  check(hr, "facility.cooling={\"type\": \"fixed-pue\", \"pue\": 1.3, \"fan\": 1}", "facility.cooling.fan", "unknown");
  // A temperature column in Fahrenheit is not read as Celsius.
  const std::string csv = dir.write("f.csv", "time,temp (F)\n2023-01-01T00:00:00Z,41\n2023-01-02T00:00:00Z,43\n");
  check(hr, "weather.temperature={\"csv\": \"" + csv + "\", \"time_column\": \"time\", \"value_column\": \"temp (F)\", "
        "\"repeat\": true}", "weather.temperature.unit", "expected C");

  SECTION("a recirculation matrix of the wrong shape, or with a negative entry") {
    const auto wrong = test::wattsim("check " + hr + " --set 'facility.thermal={\"matrix\": [[0.1, 0.2], [0.2, 0.1]]}'");
    INFO(wrong.output);
    CHECK(wrong.status == 2);
    CHECK_THAT(wrong.output, Contains("facility.thermal.matrix") && Contains("is 2 x 2; expected 32 x 32"));
    std::string rows = "[";
    for (int i = 0; i < 32; ++i) {
      rows += i > 0 ? ", [" : "[";
      for (int j = 0; j < 32; ++j) rows += std::string(j > 0 ? ", " : "") + (i == 3 && j == 5 ? "-0.1" : "0.01");
      rows += "]";
    }
    rows += "]";
    const auto negative = test::wattsim("check " + hr + " --set 'facility.thermal={\"matrix\": " + rows + "}'");
    INFO(negative.output);
    CHECK(negative.status == 2);
    CHECK_THAT(negative.output, Contains("facility.thermal.matrix[3][5]") && Contains("-0.1"));
  }
  SECTION("a run with a bad key writes nothing") {
    const std::string out = dir.file("bad.h5");
    const auto r = test::wattsim("run " + hr + " --set 'facility.cooling.liquid.capture=1.5' -o " + out);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains("facility.cooling.liquid.capture"));
    CHECK_FALSE(fs::exists(out));
  }
}

TEST_CASE("an EnergyPlus weather file drives the cooling plant, placed in the year asked for", "[app][heat]") {
  test::TempDir dir("heat_epw");
  const std::string out = dir.file("epw.h5");
  const std::string epw = test::source_path("tests/data/weather/USA_AZ_Phoenix-Sky.Harbor.epw");
  // Phoenix is UTC-7: its first row (1 January, the hour ending 01:00 local) begins at 07:00Z,
  // so the run starts on 2 January; 00:00Z is the local hour ending 18:00 of 1 January, whose
  // dry bulb is 17.8 C (the 18th data row of the file).
  const auto r = test::wattsim("run " + test::source_path("scenarios/heat-reuse.json") +
                               " --set start=2023-01-02T00:00:00Z --set 'horizon=3 d' --set 'weather.temperature={\"epw\": \"" +
                               epw + "\", \"year\": 2023, \"repeat\": true}' -q -o " + out);
  INFO(r.output);
  REQUIRE(r.status == 0);
  const results::ResultReader reader(out);
  const auto outside = reader.column("/timeseries", "outside_temp_c");
  REQUIRE(outside.size() == 72);
  CHECK(outside[0] == Approx(17.8).epsilon(1e-12));
  std::map<std::string, double> s;
  for (const auto& v : reader.summary("/summary")) s[v.name] = v.value;
  CHECK(s.at("cooling_energy_kwh") > 0.0);
}
