#include "traces/series_csv.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "simcore/error.hpp"
#include "tests/support/temp_dir.hpp"

using namespace wattsim;
using simcore::SimTime;
using traces::parse_utc_time;
using traces::read_series_csv;
using traces::SeriesCsvOptions;

namespace {

using wattsim::test::TempDir;

SimTime epoch_s(std::int64_t seconds) {
  return SimTime::seconds(seconds);
}

constexpr std::int64_t k2023 = 1672531200;  // 2023-01-01T00:00:00Z

// The one diagnostic that reading the file gives.
simcore::Diagnostic error_of(const std::string& path, const SeriesCsvOptions& options = {}) {
  try {
    read_series_csv(path, options);
  } catch (const simcore::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    return e.diagnostics().front();
  }
  FAIL("reading " << path << " threw no InputError");
  return {};
}

std::string parse_error(std::string_view text) {
  try {
    parse_utc_time(text);
  } catch (const simcore::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where.empty());
    return e.diagnostics()[0].message;
  }
  FAIL("parse_utc_time(\"" << text << "\") threw no InputError");
  return {};
}

}  // namespace

TEST_CASE("days_from_civil matches known dates", "[traces][series_csv]") {
  STATIC_REQUIRE(traces::days_from_civil(1970, 1, 1) == 0);
  STATIC_REQUIRE(traces::days_from_civil(1969, 12, 31) == -1);
  STATIC_REQUIRE(traces::days_from_civil(2000, 3, 1) == 11017);  // 30 * 365 + 7 leap days + 31 + 29
  STATIC_REQUIRE(traces::days_from_civil(2023, 1, 1) == k2023 / 86400);
  STATIC_REQUIRE(traces::days_from_civil(2024, 3, 1) - traces::days_from_civil(2024, 2, 1) == 29);
  STATIC_REQUIRE(traces::days_from_civil(2023, 3, 1) - traces::days_from_civil(2023, 2, 1) == 28);
  STATIC_REQUIRE(traces::days_from_civil(2100, 3, 1) - traces::days_from_civil(2100, 2, 1) == 28);
}

TEST_CASE("parse_utc_time reads dates, offsets, fractions and epoch seconds", "[traces][series_csv]") {
  CHECK(parse_utc_time("1970-01-01 00:00:00") == SimTime::zero());
  CHECK(parse_utc_time("2023-01-01 00:00:00") == epoch_s(k2023));
  CHECK(parse_utc_time("2023-01-01T00:00:00") == epoch_s(k2023));
  CHECK(parse_utc_time("2023-01-01T00:00:00Z") == epoch_s(k2023));
  CHECK(parse_utc_time("2023-01-01 00:00:00+00:00") == epoch_s(k2023));
  CHECK(parse_utc_time("2023-01-01") == epoch_s(k2023));
  CHECK(parse_utc_time("2023-07-01 12:00:00") == epoch_s(1688212800));
  // Leap years: 2024 and 2000 have 29 February, 1900 and 2023 do not.
  CHECK(parse_utc_time("2024-02-29 00:00:00") == epoch_s(1709164800));
  CHECK(parse_utc_time("2024-03-01 00:00:00") == epoch_s(1709164800 + 86400));
  CHECK(parse_utc_time("2000-02-29T00:00:00Z") == epoch_s(951782400));
  CHECK(parse_utc_time("2024-01-01 00:00:00") == epoch_s(k2023 + 365 * 86400));
  CHECK(parse_utc_time("1969-12-31 23:59:59") == epoch_s(-1));
  // Offsets: local 12:00 at +02:00 is 10:00 UTC; at -05:30 it is 17:30 UTC.
  CHECK(parse_utc_time("2023-06-01 12:00:00+02:00") == parse_utc_time("2023-06-01 10:00:00Z"));
  CHECK(parse_utc_time("2023-06-01T12:00:00-0530") == parse_utc_time("2023-06-01 17:30:00"));
  CHECK(parse_utc_time("2023-01-01 01:00:00+02:00") == epoch_s(k2023 - 3600));  // the day before in UTC
  // Fractional seconds, rounded to the nearest microsecond.
  CHECK(parse_utc_time("2023-01-01T00:00:00.25Z") == epoch_s(k2023) + SimTime::from_us(250'000));
  CHECK(parse_utc_time("2023-01-01 00:00:00.000001") == epoch_s(k2023) + SimTime::from_us(1));
  CHECK(parse_utc_time("2023-01-01 00:00:00.0000005") == epoch_s(k2023) + SimTime::from_us(1));
  CHECK(parse_utc_time("2023-01-01 00:00:00.0000004") == epoch_s(k2023));
  CHECK(parse_utc_time("2023-01-01 00:00:59.9999999+01:00") == epoch_s(k2023 - 3600 + 60));
  // Plain seconds since the epoch.
  CHECK(parse_utc_time("1672531200") == epoch_s(k2023));
  CHECK(parse_utc_time("1672531200.5") == epoch_s(k2023) + SimTime::from_ms(500));
  CHECK(parse_utc_time("-60") == epoch_s(-60));
}

TEST_CASE("parse_utc_time says what was wrong and what it expected", "[traces][series_csv]") {
  const std::string formats =
      "expected \"YYYY-MM-DD HH:MM:SS\" (\"T\" may replace the space; optional fractional seconds and \"Z\" or an "
      "offset like \"+02:00\") or a number of seconds since 1970-01-01T00:00:00Z";
  CHECK(parse_error("2023-02-29 00:00:00") == "\"2023-02-29 00:00:00\" has day 29; expected 01 to 28 (February 2023)");
  CHECK(parse_error("1900-02-29") == "\"1900-02-29\" has day 29; expected 01 to 28 (February 1900)");
  CHECK(parse_error("2023-04-31 00:00:00") == "\"2023-04-31 00:00:00\" has day 31; expected 01 to 30 (April 2023)");
  CHECK(parse_error("2023-13-01 00:00:00") == "\"2023-13-01 00:00:00\" has month 13; expected 01 to 12");
  CHECK(parse_error("2023-00-01 00:00:00") == "\"2023-00-01 00:00:00\" has month 00; expected 01 to 12");
  CHECK(parse_error("2023-01-01 24:00:00") == "\"2023-01-01 24:00:00\" has hour 24; expected 00 to 23");
  CHECK(parse_error("2023-01-01 00:60:00") == "\"2023-01-01 00:60:00\" has minute 60; expected 00 to 59");
  CHECK(parse_error("2023-01-01 00:00:60") ==
        "\"2023-01-01 00:00:60\" has second 60; expected 00 to 59 (leap seconds are not represented)");
  CHECK(parse_error("2023-01-01 00:00:00+24:00") ==
        "\"2023-01-01 00:00:00+24:00\" has offset hours 24; expected 00 to 23");
  for (const char* text : {"", "abc", "12x", "nan", "2023/01/01 00:00:00", "2023-01-01 00:00", "2023-01-01 0:00:00",
                           "2023-01-01X00:00:00", "2023-01-01 00:00:00 ", "2023-01-01 00:00:00.",
                           "2023-01-01 00:00:00+2", "2023-01-01 00:00:00Z+01:00", "2023-1-01 00:00:00"}) {
    INFO("text \"" << text << "\"");
    std::string expected = "\"";
    expected.append(text).append("\" is not a time; ").append(formats);
    CHECK(parse_error(text) == expected);
  }
  CHECK(parse_error("1e13") == "\"1e13\" seconds is too far from 1970; expected at most 1e12 seconds either way");
}

TEST_CASE("the DE-LU 2023 carbon intensity file loads", "[traces][series_csv]") {
  SeriesCsvOptions options;
  options.time_column = "Datetime (UTC)";
  options.value_column = "Carbon Intensity gCO₂eq/kWh (LCA)";
  options.name = "carbon intensity";
  const auto series = read_series_csv(WATTSIM_SOURCE_DIR "/tests/data/carbon/DE-LU_2023_hourly.csv", options);
  CHECK(series.name() == "carbon intensity");
  // 8760 hourly rows; 2023-10-09 04:00 and 05:00 both hold 425.79, and equal neighbours merge
  // into one segment, so 8759 breakpoints remain.
  CHECK(series.size() == 8759);
  CHECK(series.start() == epoch_s(k2023));
  CHECK(series.values().front() == 185.8);
  CHECK(series.value_at(epoch_s(k2023 + 3600)) == 185.7);
  CHECK(series.value_at(parse_utc_time("2023-07-01 12:30:00")) == 132.45);
  CHECK(series.value_at(parse_utc_time("2023-10-09 05:00:00")) == 425.79);
  CHECK(series.value_at(parse_utc_time("2023-12-31 23:00:00")) == 178.79);
  CHECK(series.end() == parse_utc_time("2024-01-01 00:00:00"));  // the last hour + 1 h
  CHECK(series.end() == epoch_s(k2023 + 8760 * 3600));
  // Every hour counts once: the year's sum of the LCA column (computed from the file) x 1 h.
  CHECK(series.integral(series.start(), series.end()) == Approx(3214670.67 * 3600).epsilon(1e-12));

  options.value_column = "Carbon Intensity gCO₂eq/kWh (direct)";
  options.scale = 1e-3;  // g/kWh -> kg/kWh
  const auto direct = read_series_csv(WATTSIM_SOURCE_DIR "/tests/data/carbon/DE-LU_2023_hourly.csv", options);
  CHECK(direct.values().front() == Approx(0.14051).epsilon(1e-15));
}

TEST_CASE("a two-column file: default columns, the last value lasts one more interval", "[traces][series_csv]") {
  const TempDir dir;
  const std::string path = dir.write("price.csv",
                                     "time,price\r\n2023-01-01 00:00:00,90.5\r\n\r\n2023-01-01 01:00:00,88.0\r\n"
                                     "2023-01-01 03:00:00,70");
  const auto series = read_series_csv(path, {});
  CHECK(series.name() == "price");
  REQUIRE(series.size() == 3);
  CHECK(series.times() == std::vector<SimTime>{epoch_s(k2023), epoch_s(k2023 + 3600), epoch_s(k2023 + 10800)});
  CHECK(series.values() == std::vector<double>{90.5, 88.0, 70.0});
  CHECK(series.end() == epoch_s(k2023 + 18000));  // 03:00 + the last interval, 2 h
  // 90.5 x 1 h + 88 x 2 h + 70 x 2 h = 1,463,400 value-seconds.
  CHECK(series.integral(series.start(), series.end()) == 1'463'400.0);
}

TEST_CASE("columns by name, epoch seconds and offsets", "[traces][series_csv]") {
  const TempDir dir;
  SeriesCsvOptions options{"t", "v", 2.0, ""};
  const auto epoch = read_series_csv(dir.write("epoch.csv", "other,v,t\nx,1.5,1672531200\ny,-2,1672531260\n"), options);
  CHECK(epoch.times() == std::vector<SimTime>{epoch_s(k2023), epoch_s(k2023 + 60)});
  CHECK(epoch.values() == std::vector<double>{3.0, -4.0});
  CHECK(epoch.end() == epoch_s(k2023 + 120));

  options = {};
  options.value_column = "Price (USD/MWh)";
  const auto offsets = read_series_csv(dir.write("offsets.csv",
                                                 "Datetime (UTC),Datetime (Local),Price (USD/MWh)\n"
                                                 "2023-01-01 00:00:00+00:00,2023-01-01 01:00:00+01:00,-3.36\n"
                                                 "2023-01-01 01:00:00+00:00,2023-01-01 02:00:00+01:00,10\n"),
                                       options);
  CHECK(offsets.start() == epoch_s(k2023));
  CHECK(offsets.values() == std::vector<double>{-3.36, 10.0});
}

TEST_CASE("series file errors carry path:line:column", "[traces][series_csv]") {
  const TempDir dir;
  const std::string header = "time,price\n";
  SECTION("missing file") {
    const std::string path = (dir.path / "absent.csv").string();
    CHECK(error_of(path).where == path);
  }
  SECTION("empty file") {
    const std::string path = dir.write("empty.csv", "\n\n");
    SeriesCsvOptions options;
    options.name = "carbon intensity";
    const auto error = error_of(path, options);
    CHECK(error.where == path);
    CHECK(error.message ==
          "carbon intensity: the file is empty; expected a header row naming a time column and a value column");
  }
  SECTION("no rows, one row") {
    std::string path = dir.write("none.csv", header);
    auto error = error_of(path);
    CHECK(error.where == path);
    CHECK(error.message == "no data rows after the header; expected at least two (time, value) rows");
    path = dir.write("one.csv", header + "\n2023-01-01 00:00:00,1\n");
    error = error_of(path);
    CHECK(error.where == path);
    CHECK(error.message ==
          "only one data row (line 3); expected at least two, since the last value lasts as long as the interval "
          "between the last two rows");
  }
  SECTION("several value columns are listed") {
    const std::string path = dir.write("several.csv", "time,a,b\n");
    const auto error = error_of(path);
    CHECK(error.where == path + ":1:1");
    CHECK(error.message == "several value columns: \"a\", \"b\"; expected the options to name one of them");
  }
  SECTION("only a time column") {
    const std::string path = dir.write("lonely.csv", "time\n");
    CHECK(error_of(path).message == "the header names only the time column \"time\"; expected a value column too");
  }
  SECTION("an unknown column, with a suggestion") {
    const std::string path = dir.write("unknown.csv", "Datetime (UTC),Carbon Intensity gCO₂eq/kWh (LCA)\n");
    SeriesCsvOptions options;
    options.value_column = "Carbon Intensity gCO2eq/kWh (LCA)";
    const auto error = error_of(path, options);
    CHECK(error.where == path + ":1:1");
    CHECK(error.message ==
          "no value column \"Carbon Intensity gCO2eq/kWh (LCA)\"; expected one of \"Datetime (UTC)\", \"Carbon "
          "Intensity gCO₂eq/kWh (LCA)\"; did you mean \"Carbon Intensity gCO₂eq/kWh (LCA)\"?");
  }
  SECTION("a repeated column") {
    const std::string path = dir.write("twice.csv", "time,v,v\n");
    SeriesCsvOptions options;
    options.value_column = "v";
    const auto error = error_of(path, options);
    CHECK(error.where == path + ":1:8");
    CHECK(error.message == "column \"v\" appears 2 times; expected one value column of that name");
  }
  SECTION("times must increase strictly") {
    std::string path = dir.write("equal.csv", header + "2023-01-01 00:00:00,1\n2023-01-01 00:00:00,2\n");
    auto error = error_of(path);
    CHECK(error.where == path + ":3:1");
    CHECK(error.message ==
          "time is \"2023-01-01 00:00:00\", not after \"2023-01-01 00:00:00\" on line 2; expected strictly "
          "increasing times");
    path = dir.write("back.csv", "price,time\n1,2023-01-01 01:00:00\n2,2023-01-01T00:30:00Z\n");
    SeriesCsvOptions options;
    options.time_column = "time";
    error = error_of(path, options);
    CHECK(error.where == path + ":3:3");
    CHECK(error.message ==
          "time is \"2023-01-01T00:30:00Z\", not after \"2023-01-01 01:00:00\" on line 2; expected strictly "
          "increasing times");
  }
  SECTION("a bad time") {
    const std::string path = dir.write("badtime.csv", header + "2023-02-30 00:00:00,1\n");
    const auto error = error_of(path);
    CHECK(error.where == path + ":2:1");
    CHECK(error.message == "time: \"2023-02-30 00:00:00\" has day 30; expected 01 to 28 (February 2023)");
  }
  SECTION("bad values") {
    struct Case {
      std::string value, message;
    };
    for (const Case& c : std::vector<Case>{{"", "price is empty; expected a finite number"},
                                           {"abc", "price is \"abc\"; expected a finite number"},
                                           {"1.5x", "price is \"1.5x\"; expected a finite number"},
                                           {"nan", "price is \"nan\"; expected a finite number"},
                                           {"-inf", "price is \"-inf\"; expected a finite number"}}) {
      INFO("value \"" << c.value << "\"");
      const std::string path =
          dir.write("badvalue.csv", header + "2023-01-01 00:00:00,1\n2023-01-01 01:00:00," + c.value + "\n");
      const auto error = error_of(path);
      CHECK(error.where == path + ":3:21");
      CHECK(error.message == c.message);
    }
  }
  SECTION("a value that overflows once scaled") {
    const std::string path = dir.write("overflow.csv", header + "2023-01-01 00:00:00,1e308\n");
    SeriesCsvOptions options;
    options.scale = 10.0;
    const auto error = error_of(path, options);
    CHECK(error.where == path + ":2:21");
    CHECK(error.message == "price is \"1e308\", not finite once scaled by 10.000000; expected a finite scaled value");
  }
  SECTION("columns count characters after UTF-8 text") {
    const std::string path = dir.write("utf8.csv", "Zone,Zeit,CO₂\nZürich,2023-01-01 00:00:00,x\n");
    SeriesCsvOptions options;
    options.time_column = "Zeit";
    options.value_column = "CO₂";
    const auto error = error_of(path, options);
    CHECK(error.where == path + ":2:28");  // "Zürich," is 7 characters, the time 19 and its comma 1
    CHECK(error.message == "CO₂ is \"x\"; expected a finite number");
  }
  SECTION("wrong number of fields") {
    std::string path = dir.write("few.csv", header + "2023-01-01 00:00:00\n");
    auto error = error_of(path);
    CHECK(error.where == path + ":2:20");
    CHECK(error.message == "row has 1 field; expected 2, one per header column");
    path = dir.write("many.csv", header + "2023-01-01 00:00:00,1,2\n");
    error = error_of(path);
    CHECK(error.where == path + ":2:23");
    CHECK(error.message == "row has 3 fields; expected 2, one per header column");
  }
  SECTION("quoted fields are refused") {
    const std::string path = dir.write("quoted.csv", header + "2023-01-01 00:00:00,\"1\"\n");
    const auto error = error_of(path);
    CHECK(error.where == path + ":2:21");
    CHECK(error.message ==
          "field starts with a double quote; quoted CSV fields are not supported, expected a bare value");
  }
}

TEST_CASE("format_utc_time is the inverse of parse_utc_time", "[traces][series_csv]") {
  using wattsim::traces::format_utc_time;
  using wattsim::traces::parse_utc_time;
  CHECK(format_utc_time(wattsim::simcore::SimTime::zero()) == "1970-01-01T00:00:00Z");
  CHECK(format_utc_time(parse_utc_time("2023-06-01 12:34:56")) == "2023-06-01T12:34:56Z");
  CHECK(format_utc_time(parse_utc_time("2024-02-29T23:59:59Z")) == "2024-02-29T23:59:59Z");
  CHECK(format_utc_time(parse_utc_time("1969-12-31T23:59:59Z")) == "1969-12-31T23:59:59Z");
  CHECK(format_utc_time(parse_utc_time("2100-03-01T00:00:00Z")) == "2100-03-01T00:00:00Z");
}

TEST_CASE("unit_in_header takes the text in the last brackets", "[traces][series_csv]") {
  using traces::unit_in_header;
  CHECK(unit_in_header("Price (USD/MWh)") == "USD/MWh");
  CHECK(unit_in_header("value [g/kWh]") == "g/kWh");
  CHECK(unit_in_header("Carbon Intensity gCO₂eq/kWh (LCA)") == "LCA");
  CHECK(unit_in_header("Datetime (UTC)") == "UTC");
  CHECK(unit_in_header("plain") == "");
  CHECK(unit_in_header("") == "");
  CHECK(unit_in_header("power (W) [kW]") == "kW");  // the last pair wins
  CHECK(unit_in_header("power [kW] (W)") == "W");
  CHECK(unit_in_header("energy ( kWh )") == "kWh");                      // blanks trimmed
  CHECK(unit_in_header("flow (m³/h (at 20 °C))") == "m³/h (at 20 °C)");  // nested
  CHECK(unit_in_header("odd (kW) x)") == "kW");                          // an unmatched ")" is passed over
  CHECK(unit_in_header("open (kW") == "");
  CHECK(unit_in_header("mixed (kW]") == "");
  CHECK(unit_in_header("empty ()") == "");
}

TEST_CASE("CAISO prices: offsets in both time columns, the unit in the header", "[traces][series_csv]") {
  // The first rows of tests/data/prices/US-CAL-CISO_electricity_prices_2023.csv, and a summer
  // row, whose local offset is -07:00 instead of -08:00.
  const TempDir dir;
  const std::string path = dir.write("caiso.csv",
                                     "Datetime (UTC),Datetime (Local),Price (USD/MWh)\n"
                                     "2023-01-01 00:00:00+00:00,2022-12-31 16:00:00-08:00,114.9452\n"
                                     "2023-01-01 01:00:00+00:00,2022-12-31 17:00:00-08:00,118.831175\n"
                                     "2023-01-01 02:00:00+00:00,2022-12-31 18:00:00-08:00,118.25549000000001\n"
                                     "2023-07-01 12:00:00+00:00,2023-07-01 05:00:00-07:00,62.20355999999997\n");
  SeriesCsvOptions options;
  options.time_column = "Datetime (UTC)";
  options.value_column = "Price (USD/MWh)";
  CHECK(traces::unit_in_header(options.value_column) == "USD/MWh");
  const auto utc = read_series_csv(path, options);
  CHECK(utc.times() == std::vector<SimTime>{epoch_s(k2023), epoch_s(k2023 + 3600), epoch_s(k2023 + 7200),
                                            epoch_s(1688212800)});  // 2023-07-01T12:00:00Z
  CHECK(utc.values() == std::vector<double>{114.9452, 118.831175, 118.25549000000001, 62.20355999999997});
  // Local times with their offsets name the same instants.
  options.time_column = "Datetime (Local)";
  const auto local = read_series_csv(path, options);
  CHECK(local.times() == utc.times());
  CHECK(local.end() == utc.end());

  options.time_column = "Datetime (UTC)";
  const auto year =
      read_series_csv(WATTSIM_SOURCE_DIR "/tests/data/prices/US-CAL-CISO_electricity_prices_2023.csv", options);
  CHECK(year.size() == 8759);  // 8760 hours; one pair of equal neighbours merges
  CHECK(year.start() == epoch_s(k2023));
  CHECK(year.end() == epoch_s(k2023 + 8760 * 3600));
  CHECK(year.values().front() == 114.9452);
  CHECK(year.value_at(parse_utc_time("2023-07-01 12:30:00")) == 62.20355999999997);
  CHECK(year.value_at(parse_utc_time("2023-12-31 23:59:59")) == 41.165224999999985);
  // Sum of the price column (computed from the file) x 1 h.
  CHECK(year.integral(year.start(), year.end()) == Approx(538943.17322 * 3600).epsilon(1e-12));
}

TEST_CASE("empty value cells: an error, or skipped rows whose previous value holds", "[traces][series_csv]") {
  // Rows of /work/shared/data/renewables/CISO_NG_avgCI.csv (EIA-930) around its first empty row.
  const TempDir dir;
  const std::string path = dir.write("ciso.csv",
                                     "timestamp,WND,SUN,WAT,OIL,NG,COL,NUC,OTH,avg_CI\n"
                                     "2022-01-05 09:00:00+00:00,2030.0,0.0,1092.0,46.0,7353.0,19.0,2265.0,0.0,"
                                     "290.8370167903163\n"
                                     "2022-01-05 10:00:00+00:00,,,,,,,,,\n"
                                     "2022-01-05 11:00:00+00:00,2100.0,0.0,1087.0,46.0,7866.0,15.0,2268.0,0.0,"
                                     "296.88716185921385\n");
  SeriesCsvOptions options;
  options.value_column = "WND";
  auto error = error_of(path, options);
  CHECK(error.where == path + ":3:27");
  CHECK(error.message == "WND is empty; expected a finite number");

  options.empty_cells = SeriesCsvOptions::EmptyCells::kSkipRow;
  const SimTime nine = parse_utc_time("2022-01-05 09:00:00");
  const auto wind = read_series_csv(path, options);
  CHECK(wind.times() == std::vector<SimTime>{nine, nine + SimTime::hours(2)});
  CHECK(wind.values() == std::vector<double>{2030.0, 2100.0});
  CHECK(wind.value_at(nine + SimTime::hours(1)) == 2030.0);  // the missing hour keeps 09:00's value
  CHECK(wind.end() == nine + SimTime::hours(3));
  // The skipped row still counts as a row for the gap check: no gap here.
  options.detect_gaps = true;
  CHECK(read_series_csv(path, options).values() == wind.values());

  options.value_column = "";  // the sections' files have one value column
  SECTION("a skipped first or last row") {
    const std::string edges = dir.write("edges.csv",
                                        "time,v\n2023-01-01 00:00:00,\n2023-01-01 01:00:00,5\n"
                                        "2023-01-01 02:00:00,6\n2023-01-01 03:00:00,\n");
    const auto series = read_series_csv(edges, options);
    CHECK(series.start() == epoch_s(k2023 + 3600));    // from the first non-empty row
    CHECK(series.end() == epoch_s(k2023 + 4 * 3600));  // 6 holds over the empty 03:00 row, to 04:00
    CHECK(series.values() == std::vector<double>{5.0, 6.0});
  }
  SECTION("every cell empty") {
    const std::string empty = dir.write("allempty.csv", "time,v\n2023-01-01 00:00:00,\n2023-01-01 01:00:00,\n");
    error = error_of(empty, options);
    CHECK(error.where == empty);
    CHECK(error.message == "the v cell is empty in all 2 rows; expected at least one value");
  }
  SECTION("a cell of blanks is not empty") {
    const std::string blank = dir.write("blank.csv", "time,v\n2023-01-01 00:00:00, \n2023-01-01 01:00:00,1\n");
    error = error_of(blank, options);
    CHECK(error.where == blank + ":2:21");
    CHECK(error.message == "v is \" \"; expected a finite number");
  }
}

TEST_CASE("gaps between rows: max_interval and detect_gaps", "[traces][series_csv]") {
  const TempDir dir;
  const std::string path = dir.write("gap.csv",
                                     "time,price\n2023-01-01 04:00:00,1\n2023-01-01 05:00:00,2\n"
                                     "2023-01-01 08:00:00,3\n2023-01-01 09:00:00,4\n");
  CHECK(read_series_csv(path, {}).size() == 4);  // no check by default

  SeriesCsvOptions options;
  options.max_interval = SimTime::hours(1);
  auto error = error_of(path, options);
  CHECK(error.where == path + ":4:1");
  CHECK(error.message == "gap of 3 h after 2023-01-01 05:00:00; expected rows at most 1 h apart");
  options.max_interval = SimTime::hours(3);  // a 3 h interval is not longer than 3 h
  CHECK(read_series_csv(path, options).end() == epoch_s(k2023 + 10 * 3600));

  options = {};
  options.detect_gaps = true;  // 1.5 x the first interval, 1 h
  error = error_of(path, options);
  CHECK(error.where == path + ":4:1");
  CHECK(error.message ==
        "gap of 3 h after 2023-01-01 05:00:00; expected rows at most 90 min apart (1.5 x the first interval)");
  options.max_interval = SimTime::hours(4);  // an explicit limit wins over detect_gaps
  CHECK(read_series_csv(path, options).size() == 4);

  options = {};
  options.detect_gaps = true;
  const std::string minutes = dir.write("minutes.csv",
                                        "time,v\n2023-01-01 00:00:00,1\n2023-01-01 00:05:00,2\n"
                                        "2023-01-01 00:12:00,3\n2023-01-01 00:20:30,4\n");
  error = error_of(minutes, options);  // 7 min <= 7.5 min passes; 8.5 min does not
  CHECK(error.where == minutes + ":5:1");
  CHECK(error.message ==
        "gap of 510 s after 2023-01-01 00:12:00; expected rows at most 450 s apart (1.5 x the first interval)");

  options = {};
  options.max_interval = SimTime::zero();
  error = error_of(path, options);
  CHECK(error.where == path);
  CHECK(error.message == "max_interval is 0 s; expected a positive interval");
}

TEST_CASE("value bounds name the bound that was crossed", "[traces][series_csv]") {
  const TempDir dir;
  const auto file = [&](const std::string& value) {
    return dir.write("cf.csv", "time,cf\n2023-01-01 00:00:00,0.5\n2023-01-01 01:00:00," + value + "\n");
  };
  SeriesCsvOptions options;
  options.min_value = 0.0;
  options.max_value = 1.0;
  CHECK(read_series_csv(file("1"), options).values() == std::vector<double>{0.5, 1.0});  // bounds included
  CHECK(read_series_csv(file("0"), options).values() == std::vector<double>{0.5, 0.0});
  std::string path = file("1.2");
  auto error = error_of(path, options);
  CHECK(error.where == path + ":3:21");
  CHECK(error.message == "cf is \"1.2\", above the maximum 1; expected [0, 1]");
  path = file("-0.01");
  error = error_of(path, options);
  CHECK(error.where == path + ":3:21");
  CHECK(error.message == "cf is \"-0.01\", below the minimum 0; expected [0, 1]");

  options.max_value = std::numeric_limits<double>::infinity();
  CHECK(error_of(path, options).message == "cf is \"-0.01\", below the minimum 0; expected at least 0");
  options.min_value = -std::numeric_limits<double>::infinity();
  options.max_value = 0.25;
  CHECK(error_of(file("0"), options).message == "cf is \"0.5\", above the maximum 0.25; expected at most 0.25");

  // Bounds apply to the scaled value.
  options.min_value = 0.0;
  options.max_value = 1.0;
  options.scale = 0.5;
  CHECK(read_series_csv(file("2"), options).values() == std::vector<double>{0.25, 1.0});
  error = error_of(file("3"), options);
  CHECK(error.message == "cf is \"3\", 1.5 once scaled by 0.5, above the maximum 1; expected [0, 1]");

  options.min_value = 2.0;
  error = error_of(file("1"), options);
  CHECK(error.where == file("1"));
  CHECK(error.message == "min_value 2 and max_value 1; expected min_value <= max_value");
}

TEST_CASE("a Solcast column is a 5-minute capacity factor from 0 to 1", "[traces][series_csv]") {
  SeriesCsvOptions options;
  options.time_column = "datetime";
  options.value_column = "San Francisco";
  options.name = "solar capacity factor";
  options.min_value = 0.0;
  options.max_value = 1.0;
  options.detect_gaps = true;
  const std::string path = WATTSIM_SOURCE_DIR "/tests/data/renewables/solcast2022_global_actual.csv";
  const auto solar = read_series_csv(path, options);
  const SimTime first = parse_utc_time("2022-06-08 00:05:00");
  // 8352 rows, 5 minutes apart, no gaps; equal neighbours merge into 4973 segments.
  CHECK(solar.size() == 4973);
  CHECK(solar.start() == first);
  CHECK(solar.end() == first + SimTime::minutes(5 * 8352));
  CHECK(solar.end() == parse_utc_time("2022-07-07 00:05:00"));
  CHECK(solar.values().front() == 0.298997);
  CHECK(solar.value_at(parse_utc_time("2022-06-16 20:17:00")) == 0.931261);  // the column's maximum
  CHECK(solar.value_at(parse_utc_time("2022-07-07 00:04:59")) == 0.498582);
  // Sum of the column (computed from the file) x 300 s.
  CHECK(solar.integral(solar.start(), solar.end()) == Approx(2134.069773 * 300).epsilon(1e-12));
  // vessim documents these values as holding over the 5 minutes BEFORE their timestamp; the
  // reader holds them after it, so a caller wanting vessim's reading shifts by -5 min.
  const auto backward = simcore::shift_series(solar, SimTime::minutes(-5));
  CHECK(backward.start() == parse_utc_time("2022-06-08 00:00:00"));
  CHECK(backward.value_at(parse_utc_time("2022-06-16 20:12:00")) == 0.931261);

  // The UTF-8 column name "São Paulo" matches too.
  options.value_column = "São Paulo";
  CHECK(read_series_csv(path, options).value_at(parse_utc_time("2022-06-20 20:00:00")) == 0.040461);

  // A tighter bound fails at the first value above it, with the series' name.
  options.value_column = "San Francisco";
  options.max_value = 0.9;
  const auto error = error_of(path, options);
  CHECK(error.where == path + ":1674:50");  // 2022-06-13 19:25:00
  CHECK(error.message ==
        "solar capacity factor: San Francisco is \"0.902024\", above the maximum 0.9; expected [0, 0.9]");
}

TEST_CASE("times marking the end of each interval move the series back by one row interval", "[traces][series_csv]") {
  const wattsim::test::TempDir dir("marks");
  // Three equal values first: the series merges them, but the shift is one row (1 h), not 3 h.
  const std::string path = dir.write("end.csv",
                                     "time,v\n2023-01-01 01:00:00,5\n2023-01-01 02:00:00,5\n2023-01-01 03:00:00,5\n"
                                     "2023-01-01 04:00:00,7\n");
  SeriesCsvOptions options;
  options.times_mark_end = true;
  const auto s = read_series_csv(path, options);
  const auto t0 = parse_utc_time("2023-01-01 00:00:00");
  CHECK(s.start() == t0);
  CHECK(s.value_at(t0 + wattsim::simcore::SimTime::minutes(150)) == 5.0);
  CHECK(s.value_at(t0 + wattsim::simcore::SimTime::minutes(210)) == 7.0);  // 03:30 is in (03:00, 04:00]
  CHECK(s.end() == t0 + wattsim::simcore::SimTime::hours(4));
}
