#include "traces/forecast_csv.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "models/forecast/forecast.hpp"
#include "simcore/error.hpp"
#include "tests/support/temp_dir.hpp"
#include "traces/series_csv.hpp"

using namespace wattsim;
using simcore::SimTime;
using traces::ForecastCsvOptions;
using traces::read_forecast_csv;

namespace {

using wattsim::test::TempDir;

const SimTime kOrigin = traces::parse_utc_time("2023-01-01T00:00:00Z");

SimTime h(double hours) {
  return SimTime::from_hours(hours);
}

// The header's example: two issues, 12 h before the origin and 30 min after it.
const char* const kExample =
    "time,issued_at,value\n"
    "2023-01-01T00:00:00Z,2022-12-31T12:00:00Z,310\n"
    "2023-01-01T01:00:00Z,2022-12-31T12:00:00Z,290\n"
    "2023-01-01T01:00:00Z,2023-01-01T00:30:00Z,305\n"
    "2023-01-01T02:00:00Z,2023-01-01T00:30:00Z,280\n";

std::vector<simcore::Diagnostic> errors_of(const std::string& path, const ForecastCsvOptions& options = {}) {
  try {
    read_forecast_csv(path, options, kOrigin);
  } catch (const simcore::InputError& e) {
    return e.diagnostics();
  }
  FAIL("reading " << path << " threw no InputError");
  return {};
}

}  // namespace

TEST_CASE("forecast CSV: rows grouped into issues in simulated time", "[traces][forecast_csv]") {
  TempDir dir("forecast-csv");
  const auto issues = read_forecast_csv(dir.write("f.csv", kExample), {}, kOrigin);
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].issued_at == h(-12));
  CHECK(issues[0].times == std::vector<SimTime>{h(0), h(1)});
  CHECK(issues[0].values == std::vector<double>{310, 290});
  CHECK(issues[1].issued_at == h(0.5));
  CHECK(issues[1].times == std::vector<SimTime>{h(1), h(2)});
  CHECK(issues[1].values == std::vector<double>{305, 280});
}

TEST_CASE("forecast CSV: named columns in any order, extra columns, scale, CRLF", "[traces][forecast_csv]") {
  TempDir dir("forecast-csv");
  // kg/kWh scaled to g/kWh; times as epoch seconds and with an offset (01:00+01:00 = 00:00Z).
  const std::string path = dir.write("f.csv",
                                     "region,forecast (kg/kWh),made,for\r\n"
                                     "DE,0.25,2023-01-01T01:00:00+01:00,1672531200\r\n"
                                     "DE,0.125,2023-01-01T01:00:00+01:00,1672538400\r\n");
  ForecastCsvOptions options;
  options.time_column = "for";
  options.issued_column = "made";
  options.value_column = "forecast (kg/kWh)";
  options.scale = 1000.0;
  const auto issues = read_forecast_csv(path, options, kOrigin);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].issued_at == h(0));
  CHECK(issues[0].times == std::vector<SimTime>{h(0), h(2)});
  CHECK(issues[0].values == std::vector<double>{250, 125});
}

TEST_CASE("forecast CSV: every bad row is reported with its place and what was expected", "[traces][forecast_csv]") {
  TempDir dir("forecast-csv");
  const std::string path = dir.write("f.csv",
                                     "time,issued_at,value\n"
                                     "2023-01-01T00:00:00Z,2023-01-01T00:00:00Z,10\n"    // line 2: good
                                     "2023-01-01T01:00:00Z,2023-01-01T00:00:00Z,x\n"     // 3: value
                                     "2023-01-01T01:00:00Z,2023-01-01T00:00:00Z,11\n"    // 4: good
                                     "2023-01-01T01:00:00Z,2023-01-01T00:00:00Z,12\n"    // 5: time not after
                                     "2023-01-01T02:00:00Z,2022-12-31T00:00:00Z,13\n"    // 6: issue goes back
                                     "2023-02-30T00:00:00Z,2023-01-01T06:00:00Z,14\n"    // 7: no such day
                                     "2023-01-01T07:00:00Z,2023-01-01T06:00:00Z\n"       // 8: 2 fields
                                     "2023-01-01T08:00:00Z,2023-01-01T06:00:00Z,inf\n"   // 9: not finite
                                     "2023-01-01T09:00:00Z,2023-01-01T06:00:00Z,15\n");  // 10: good
  const auto errors = errors_of(path);
  REQUIRE(errors.size() == 6);
  CHECK(errors[0].where == path + ":3:43");
  CHECK(errors[0].message == "value is \"x\"; expected a finite number");
  CHECK(errors[1].where == path + ":5:1");
  CHECK(errors[1].message ==
        "time is \"2023-01-01T01:00:00Z\", not after \"2023-01-01T01:00:00Z\" on line 4 of the same issue; "
        "expected strictly increasing times within an issue");
  CHECK(errors[2].where == path + ":6:22");
  CHECK(errors[2].message ==
        "issued_at is \"2022-12-31T00:00:00Z\", before \"2023-01-01T00:00:00Z\" on line 4; expected rows grouped "
        "by issue, issue times not decreasing");
  CHECK(errors[3].where == path + ":7:1");
  CHECK(errors[3].message == "time: \"2023-02-30T00:00:00Z\" has day 30; expected 01 to 28 (February 2023)");
  CHECK(errors[4].where == path + ":8:42");
  CHECK(errors[4].message == "row has 2 fields; expected 3, one per header column");
  CHECK(errors[5].where == path + ":9:43");
  CHECK(errors[5].message == "value is \"inf\"; expected a finite number");
}

TEST_CASE("forecast CSV: header problems, empty files, bounds, many bad rows", "[traces][forecast_csv]") {
  TempDir dir("forecast-csv");
  {
    const auto errors = errors_of(dir.write("a.csv", "time,issue_at,value\n2023-01-01,2023-01-01,1\n"));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where == dir.file("a.csv") + ":1:1");
    CHECK_THAT(errors[0].message, Catch::StartsWith("no issue time column \"issued_at\"; expected one of \"time\", "
                                                    "\"issue_at\", \"value\""));
    CHECK_THAT(errors[0].message, Catch::Contains("issue_at"));
  }
  {
    const auto errors = errors_of(dir.write("b.csv", ""));
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0].message, Catch::StartsWith("the file is empty"));
  }
  {
    const auto errors = errors_of(dir.write("c.csv", "time,issued_at,value\n\n"));
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0].message, Catch::StartsWith("no data rows after the header"));
  }
  {
    ForecastCsvOptions options;
    options.min_value = 0.0;
    options.name = "carbon forecast";
    const auto errors = errors_of(dir.write("d.csv", "time,issued_at,value\n2023-01-01,2023-01-01,-5\n"), options);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where == dir.file("d.csv") + ":2:23");
    CHECK(errors[0].message == "carbon forecast: value is \"-5\", below the minimum 0; expected at least 0");
  }
  {
    // 60 bad rows: the first 50 are listed, then one line counts the other 10.
    std::string text = "time,issued_at,value\n";
    for (int i = 0; i < 60; ++i) text += "2023-01-01,2023-01-01,?\n";
    const auto errors = errors_of(dir.write("e.csv", text));
    REQUIRE(errors.size() == traces::kMaxRowErrors + 1);
    CHECK(errors[49].where == dir.file("e.csv") + ":51:23");
    CHECK(errors.back().message == "10 more bad rows not shown (60 in all)");
  }
}

TEST_CASE("forecast CSV issues drive the file forecast model", "[traces][forecast_csv]") {
  TempDir dir("forecast-csv");
  auto issues = read_forecast_csv(dir.write("f.csv", kExample), {}, kOrigin);
  // Truth 300 from 0 h on. Issued at 0 h: the first issue (issued -12 h): 310 on [0, 1 h), then
  // 290. Issued at 1 h: the second (issued 0.5 h): 305 on [1 h, 2 h), then 280.
  forecast::Spec spec;
  spec.model = forecast::Model::kFile;
  const auto f = forecast::make_forecast(spec, simcore::StepSeries::constant(300.0), false, std::move(issues));
  CHECK(f->value(h(0), h(0.5)) == 310.0);
  CHECK(f->value(h(0), h(5)) == 290.0);
  CHECK(f->value(h(1), h(1.5)) == 305.0);
  CHECK(f->value(h(1), h(0.5)) == 300.0);  // the past: the truth
  // Issued at 1 h over [0, 3 h]: 300 (truth) + 305 + 280 = 885 value-hours.
  CHECK(f->integral(h(1), h(0), h(3)) == Approx(885 * 3600.0).epsilon(1e-15));
}
