#include "traces/weather.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "simcore/error.hpp"
#include "tests/support/temp_dir.hpp"
#include "traces/series_csv.hpp"

using namespace wattsim;
using simcore::SimTime;
using traces::parse_utc_time;
using traces::read_epw;
using traces::read_open_meteo_json;

namespace {

using wattsim::test::TempDir;

const std::string kPhoenixEpw = WATTSIM_SOURCE_DIR "/tests/data/weather/USA_AZ_Phoenix-Sky.Harbor.epw";
const std::string kFrankfurtJson = WATTSIM_SOURCE_DIR "/tests/data/weather/DE-LU_2023.json";

// The one diagnostic that `read` gives.
template <class Read>
simcore::Diagnostic error_of(Read&& read) {
  try {
    read();
  } catch (const simcore::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    return e.diagnostics().front();
  }
  FAIL("reading threw no InputError");
  return {};
}

// An EPW file: the 8 header lines (time zone `time_zone`), then `rows`.
std::string epw_text(const std::string& rows, const std::string& time_zone = "-7.0",
                     const std::string& data_periods = "DATA PERIODS,1,1,Data,Sunday,1/ 1,12/31") {
  return "LOCATION,Test.AP,AZ,USA,SRC-TMYx,722780,33.42800,-112.0040," + time_zone +
         ",337.4\r\n"
         "DESIGN CONDITIONS,0\r\n"
         "TYPICAL/EXTREME PERIODS,0\r\n"
         "GROUND TEMPERATURES,0\r\n"
         "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0\r\n"
         "COMMENTS 1,\"a, b\"\r\n"
         "COMMENTS 2,\"c\"\r\n" +
         data_periods + "\r\n" + rows;
}

// One EPW data row with a dry-bulb temperature and a few of the fields after it.
std::string epw_row(int year, int month, int day, int hour, const std::string& temp_c) {
  return std::to_string(year) + "," + std::to_string(month) + "," + std::to_string(day) + "," + std::to_string(hour) +
         ",0,?9?9?9?9E0," + temp_c + ",-6.10,33,97058\r\n";
}

// An Open-Meteo response with the given array contents.
std::string meteo_text(const std::string& times, const std::string& temps, const std::string& offset = "3600",
                       const std::string& temp_unit = "°C") {
  return R"({"latitude": 50.08787, "utc_offset_seconds": )" + offset +
         R"(, "timezone": "Europe/Berlin", "hourly_units": {"time": "iso8601", "temperature_2m": ")" + temp_unit +
         R"("}, "hourly": {"time": [)" + times + R"(], "temperature_2m": [)" + temps + "]}}";
}

}  // namespace

TEST_CASE("the Phoenix EPW file: local standard time UTC-7, hour 1 is the hour ending at 01:00", "[traces][weather]") {
  const auto temp = read_epw(kPhoenixEpw);
  CHECK(temp.name() == "dry-bulb temperature");
  // First row: 2021,1,1,1 (the year of the first row places the file), 8.30 C. Hour 1 is local
  // [00:00, 01:00), which at UTC-7 is [07:00, 08:00) UTC.
  CHECK(temp.start() == parse_utc_time("2021-01-01 07:00:00"));
  CHECK(temp.start() == SimTime::seconds(1609459200 + 7 * 3600));
  CHECK(temp.values().front() == 8.3);
  CHECK(temp.value_at(parse_utc_time("2021-01-01 07:59:59")) == 8.3);
  CHECK(temp.value_at(parse_utc_time("2021-01-01 08:00:00")) == 8.9);  // the second row, hour 2
  // Line 4702 is 7/15 hour 14 (37.2 C, local 13:00-14:00 = 20:00-21:00 UTC) and line 4703 is
  // 7/15 hour 15 (39.0 C, 21:00-22:00 UTC). The rows come from 2014 but sit in 2021.
  CHECK(temp.value_at(parse_utc_time("2021-07-15 20:30:00")) == 37.2);
  CHECK(temp.value_at(parse_utc_time("2021-07-15 21:00:00")) == 39.0);
  CHECK(temp.value_at(parse_utc_time("2021-07-15 21:59:59")) == 39.0);
  // 8760 hours: the last row, 12/31 hour 24 (7.8 C), ends at local midnight = 07:00 UTC.
  CHECK(temp.end() - temp.start() == SimTime::hours(8760));
  CHECK(temp.end() == parse_utc_time("2022-01-01 07:00:00"));
  CHECK(temp.value_at(parse_utc_time("2022-01-01 06:59:59")) == 7.8);
  // 8760 rows; equal neighbours merge into 6539 segments.
  CHECK(temp.size() == 6539);
  // Sum of the dry-bulb column (computed from the file) x 1 h; the file's range is 0.4 to 45.6 C.
  CHECK(temp.integral(temp.start(), temp.end()) == Approx(216086.8 * 3600).epsilon(1e-12));
  CHECK(*std::min_element(temp.values().begin(), temp.values().end()) == 0.4);
  CHECK(*std::max_element(temp.values().begin(), temp.values().end()) == 45.6);
}

TEST_CASE("the year option places a typical-year EPW file in that year", "[traces][weather]") {
  const auto in_2023 = read_epw(kPhoenixEpw, 2023);
  CHECK(in_2023.start() == parse_utc_time("2023-01-01 07:00:00"));
  CHECK(in_2023.end() == parse_utc_time("2024-01-01 07:00:00"));
  CHECK(in_2023.value_at(parse_utc_time("2023-07-15 21:30:00")) == 39.0);
  CHECK(in_2023.values() == read_epw(kPhoenixEpw).values());

  // A 365-day file cannot fill a leap year: 29 February is missing.
  const auto error = error_of([] { read_epw(kPhoenixEpw, 2024); });
  CHECK(error.where == kPhoenixEpw + ":1425:1");  // 3/1 hour 1: 8 header lines + 59 days x 24 h + 1
  CHECK(error.message ==
        "rows go from 2/28 hour 24 (line 1424) to 3/1 hour 1 (month/day); expected rows for 29 February, since the "
        "rows are placed in 2024, a leap year: place them in a non-leap year");

  const auto bad_year = error_of([] { read_epw(kPhoenixEpw, 0); });
  CHECK(bad_year.where == kPhoenixEpw);
  CHECK(bad_year.message == "year 0; expected a year from 1 to 9999");
}

TEST_CASE("small EPW files: time zones, leap days, the end", "[traces][weather]") {
  const TempDir dir;
  SECTION("a half-hour time zone and a leap year") {
    const std::string path =
        dir.write("india.epw", epw_text(epw_row(2020, 2, 28, 24, "20.5") + epw_row(2020, 2, 29, 1, "19.0"), "5.5"));
    const auto temp = read_epw(path);
    // 2/28 hour 24 is local [23:00, 24:00) on 28 February; minus 5.5 h: [17:30, 18:30) UTC.
    CHECK(temp.times() ==
          std::vector<SimTime>{parse_utc_time("2020-02-28 17:30:00"), parse_utc_time("2020-02-28 18:30:00")});
    CHECK(temp.values() == std::vector<double>{20.5, 19.0});
    CHECK(temp.end() == parse_utc_time("2020-02-28 19:30:00"));
  }
  SECTION("rows' own years are ignored once the first row has placed the file") {
    const std::string path =
        dir.write("tmy.epw", epw_text(epw_row(2012, 1, 31, 24, "1.0") + epw_row(2019, 2, 1, 1, "2.0")));
    const auto temp = read_epw(path);
    CHECK(temp.start() == parse_utc_time("2012-02-01 06:00:00"));
    CHECK(temp.value_at(parse_utc_time("2012-02-01 07:00:00")) == 2.0);
    CHECK(temp.end() == parse_utc_time("2012-02-01 08:00:00"));
  }
  SECTION("a leap day in a non-leap year") {
    const std::string path =
        dir.write("leap.epw", epw_text(epw_row(2019, 2, 28, 24, "5.0") + epw_row(2019, 2, 29, 1, "5.0")));
    const auto error = error_of([&] { read_epw(path); });
    CHECK(error.where == path + ":10:8");
    CHECK(error.message ==
          "row for 29 February, but the rows are placed in 2019, not a leap year; expected no leap day, or a leap "
          "year to place the rows in");
    CHECK(read_epw(path, 2020).size() == 1);  // in a leap year the file reads (equal values merge)
  }
  SECTION("a missing hour") {
    const std::string path =
        dir.write("gap.epw", epw_text(epw_row(2021, 1, 1, 1, "5.0") + epw_row(2021, 1, 1, 3, "6.0")));
    const auto error = error_of([&] { read_epw(path); });
    CHECK(error.where == path + ":10:1");
    CHECK(error.message == "rows go from 1/1 hour 1 (line 9) to 1/1 hour 3 (month/day); expected consecutive hours");
  }
  SECTION("a repeated hour") {
    const std::string path =
        dir.write("again.epw", epw_text(epw_row(2021, 1, 1, 1, "5.0") + epw_row(2021, 1, 1, 1, "6.0")));
    const auto error = error_of([&] { read_epw(path); });
    CHECK(error.where == path + ":10:1");
    CHECK(error.message == "rows go from 1/1 hour 1 (line 9) to 1/1 hour 1 (month/day); expected consecutive hours");
  }
  SECTION("the missing-value mark 99.9") {
    const std::string path =
        dir.write("missing.epw", epw_text(epw_row(2021, 1, 1, 1, "5.0") + epw_row(2021, 1, 1, 2, "99.9")));
    const auto error = error_of([&] { read_epw(path); });
    CHECK(error.where == path + ":10:25");  // "2021,1,1,2,0,?9?9?9?9E0," is 24 characters
    CHECK(error.message ==
          "dry-bulb temperature (field 7) is \"99.9\", EPW's mark for a missing value; expected a measured "
          "temperature");
  }
  SECTION("bad fields") {
    std::string path = dir.write("hour0.epw", epw_text(epw_row(2021, 1, 1, 0, "5.0")));
    auto error = error_of([&] { read_epw(path); });
    CHECK(error.where == path + ":9:10");
    CHECK(error.message == "hour (field 4) is \"0\"; expected a whole number from 1 to 24");
    path = dir.write("day.epw", epw_text(epw_row(2021, 4, 31, 1, "5.0")));
    error = error_of([&] { read_epw(path); });
    CHECK(error.where == path + ":9:8");
    CHECK(error.message == "day is \"31\"; expected 1 to 30 for month 4");
    path = dir.write("temp.epw", epw_text(epw_row(2021, 1, 1, 1, "warm")));
    error = error_of([&] { read_epw(path); });
    CHECK(error.where == path + ":9:25");
    CHECK(error.message == "dry-bulb temperature (field 7) is \"warm\"; expected a number of degrees C");
    path = dir.write("short.epw", epw_text("2021,1,1,1,0,?9\r\n"));
    error = error_of([&] { read_epw(path); });
    CHECK(error.where == path + ":9:16");
    CHECK(error.message ==
          "row has 6 fields; expected at least 7 (year, month, day, hour, minute, flags, dry-bulb temperature)");
  }
  SECTION("header problems") {
    std::string path = dir.write("zone.epw", epw_text(epw_row(2021, 1, 1, 1, "5.0"), "MST"));
    auto error = error_of([&] { read_epw(path); });
    CHECK(error.where == path + ":1:60");  // after "LOCATION,Test.AP,AZ,USA,SRC-TMYx,722780,33.42800,-112.0040,"
    CHECK(error.message == "time zone (LOCATION field 9) is \"MST\"; expected hours from UTC, -12 to 14 (e.g. -7.0)");
    path = dir.write("subhourly.epw",
                     epw_text(epw_row(2021, 1, 1, 1, "5.0"), "-7.0", "DATA PERIODS,1,4,Data,Sunday,1/ 1,12/31"));
    error = error_of([&] { read_epw(path); });
    CHECK(error.where == path + ":8:16");
    CHECK(error.message ==
          "records per hour (DATA PERIODS field 3) is \"4\"; expected 1 (only hourly EPW files are read)");
    path = dir.write("csv.epw", "time,temp\n2023-01-01 00:00:00,5\n");
    error = error_of([&] { read_epw(path); });
    CHECK(error.where == path + ":1:1");
    CHECK(error.message == "line 1 starts with \"time,temp\"; expected \"LOCATION,\" (an EPW header line)");
    path = dir.write("cut.epw", "LOCATION,a,b,c,d,e,f,g,-7.0\nDESIGN CONDITIONS,0\n");
    error = error_of([&] { read_epw(path); });
    CHECK(error.where == path);
    CHECK(error.message == "the file ends after line 2; expected 8 EPW header lines, then hourly rows");
    path = dir.write("norows.epw", epw_text(""));
    error = error_of([&] { read_epw(path); });
    CHECK(error.where == path);
    CHECK(error.message == "no data rows after the 8 header lines; expected one row per hour");
  }
}

TEST_CASE("the Frankfurt Open-Meteo file: local times at a fixed UTC+1", "[traces][weather]") {
  const auto temp = read_open_meteo_json(kFrankfurtJson);
  CHECK(temp.name() == "temperature_2m");
  // hourly.time[0] is "2023-01-01T00:00" local, utc_offset_seconds 3600: 2022-12-31T23:00Z.
  CHECK(temp.start() == parse_utc_time("2022-12-31 23:00:00"));
  CHECK(temp.start() == SimTime::seconds(1672531200 - 3600));
  CHECK(temp.values().front() == 12.9);
  CHECK(temp.value_at(parse_utc_time("2023-01-01 00:00:00")) == 11.2);  // local 01:00
  // "2023-07-01T12:00" (index 4356) is 19.7 and the hour before 21.2; the fixed offset puts
  // them at 11:00 and 10:00 UTC (daylight saving time is not applied).
  CHECK(temp.value_at(parse_utc_time("2023-07-01 11:00:00")) == 19.7);
  CHECK(temp.value_at(parse_utc_time("2023-07-01 10:59:59")) == 21.2);
  // 8760 hours; the last, "2023-12-31T23:00" (6.2), ends at 2024-01-01T00:00 local.
  CHECK(temp.end() - temp.start() == SimTime::hours(8760));
  CHECK(temp.end() == parse_utc_time("2023-12-31 23:00:00"));
  CHECK(temp.value_at(parse_utc_time("2023-12-31 22:59:59")) == 6.2);
  CHECK(temp.size() == 8293);  // equal neighbours merge
  CHECK(temp.integral(temp.start(), temp.end()) == Approx(105894.4 * 3600).epsilon(1e-12));
  CHECK(*std::min_element(temp.values().begin(), temp.values().end()) == -6.2);
  CHECK(*std::max_element(temp.values().begin(), temp.values().end()) == 35.0);

  const auto humidity = read_open_meteo_json(kFrankfurtJson, "relative_humidity_2m");
  CHECK(humidity.name() == "relative_humidity_2m");
  CHECK(humidity.values()[0] == 71.0);
  CHECK(humidity.values()[1] == 83.0);
  CHECK(humidity.start() == temp.start());
}

TEST_CASE("small Open-Meteo files: offsets and every error", "[traces][weather]") {
  const TempDir dir;
  SECTION("a negative offset, seconds in the times, one value") {
    const std::string path = dir.write("sj.json", meteo_text(R"("2023-01-01T00:00:00")", "10.5", "-25200"));
    const auto temp = read_open_meteo_json(path);
    CHECK(temp.start() == parse_utc_time("2023-01-01 07:00:00"));  // local minus (-7 h)
    CHECK(temp.end() == parse_utc_time("2023-01-01 08:00:00"));    // the last value holds one hour
    CHECK(temp.values() == std::vector<double>{10.5});
  }
  SECTION("not JSON") {
    const std::string path = dir.write("bad.json", "{\"hourly\": {\n  \"time\": [1,,2]}}");
    const auto error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ":2:14");
    CHECK(error.message.rfind("not valid JSON (parse error at line 2, column 14: syntax error", 0) == 0);
  }
  SECTION("not an object") {
    const std::string path = dir.write("array.json", "[1, 2]");
    const auto error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path);
    CHECK(error.message ==
          "the document is an array; expected an Open-Meteo response object with \"utc_offset_seconds\" and "
          "\"hourly\"");
  }
  SECTION("missing keys") {
    std::string path = dir.write("nooffset.json", R"({"hourly": {}})");
    auto error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path);
    CHECK(error.message ==
          "no key \"utc_offset_seconds\" (keys: \"hourly\"); expected the file's offset from UTC in seconds");
    path = dir.write("nohourly.json", R"({"utc_offset_seconds": 0, "daily": {}})");
    error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path);
    CHECK(error.message ==
          "no key \"hourly\" (keys: \"daily\", \"utc_offset_seconds\"); expected an object of hourly arrays");
    path = dir.write("novar.json",
                     R"({"utc_offset_seconds": 0, "hourly": {"time": ["2023-01-01T00:00"], "temperature_2": [1]}})");
    error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": hourly");
    CHECK(error.message ==
          "no key \"temperature_2m\" (keys: \"temperature_2\", \"time\"); expected an array of values, one per time; "
          "did you mean \"temperature_2\"?");
    path = dir.write("notime.json", R"({"utc_offset_seconds": 0, "hourly": {"temperature_2m": [1]}})");
    error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": hourly");
    CHECK(error.message == "no key \"time\" (keys: \"temperature_2m\"); expected an array of local times");
  }
  SECTION("wrong types") {
    std::string path = dir.write("offset.json", meteo_text(R"("2023-01-01T00:00")", "1", "\"+01:00\""));
    auto error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": utc_offset_seconds");
    CHECK(error.message == "is a string; expected a whole number of seconds from -64800 to 64800 (+-18 h)");
    path = dir.write("offset2.json", meteo_text(R"("2023-01-01T00:00")", "1", "3600.5"));
    error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.message == "is 3600.5; expected a whole number of seconds from -64800 to 64800 (+-18 h)");
    path = dir.write("offset3.json", meteo_text(R"("2023-01-01T00:00")", "1", "18446744073709551615"));
    error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.message == "is 18446744073709551615; expected a whole number of seconds from -64800 to 64800 (+-18 h)");
    path = dir.write("scalar.json", R"({"utc_offset_seconds": 0, "hourly": {"time": 5, "temperature_2m": [1]}})");
    error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": hourly.time");
    CHECK(error.message == "is a number; expected an array of local times");
    path = dir.write("numtime.json", meteo_text("1672531200", "1"));
    error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": hourly.time[0]");
    CHECK(error.message == "is a number; expected a local time \"YYYY-MM-DDTHH:MM\"");
  }
  SECTION("arrays of different lengths") {
    const std::string path =
        dir.write("lengths.json", meteo_text(R"("2023-01-01T00:00", "2023-01-01T01:00")", "1, 2, 3"));
    const auto error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": hourly.temperature_2m");
    CHECK(error.message == "has 3 values but hourly.time has 2; expected one value per time");
  }
  SECTION("empty arrays") {
    const std::string path = dir.write("empty.json", meteo_text("", ""));
    const auto error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": hourly.time");
    CHECK(error.message == "is empty; expected at least one time");
  }
  SECTION("a null value") {
    const std::string path = dir.write(
        "null.json", meteo_text(R"("2023-01-01T00:00", "2023-01-01T01:00", "2023-01-01T02:00")", "1, null, 3"));
    const auto error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": hourly.temperature_2m[1]");
    CHECK(error.message == "is null (at \"2023-01-01T01:00\"); expected a number");
  }
  SECTION("times that do not increase by one hour") {
    std::string path = dir.write("same.json", meteo_text(R"("2023-01-01T00:00", "2023-01-01T00:00")", "1, 2"));
    auto error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": hourly.time[1]");
    CHECK(error.message ==
          "is \"2023-01-01T00:00\", not after hourly.time[0] \"2023-01-01T00:00\"; expected times increasing by one "
          "hour");
    path = dir.write("back.json", meteo_text(R"("2023-01-01T05:00", "2023-01-01T04:00")", "1, 2"));
    error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": hourly.time[1]");
    CHECK(error.message ==
          "is \"2023-01-01T04:00\", not after hourly.time[0] \"2023-01-01T05:00\"; expected times increasing by one "
          "hour");
    path =
        dir.write("skip.json", meteo_text(R"("2023-01-01T00:00", "2023-01-01T01:00", "2023-01-01T03:00")", "1, 2, 3"));
    error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": hourly.time[2]");
    CHECK(error.message ==
          "is \"2023-01-01T03:00\", 2 h after hourly.time[1] \"2023-01-01T01:00\"; expected times increasing by one "
          "hour");
  }
  SECTION("bad times") {
    std::string path = dir.write("feb30.json", meteo_text(R"("2023-02-30T00:00")", "1"));
    auto error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": hourly.time[0]");
    CHECK(error.message == "\"2023-02-30T00:00\" has day 30; expected 01 to 28 (February 2023)");
    path = dir.write("zoned.json", meteo_text(R"("2023-01-01T00:00Z")", "1"));
    error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": hourly.time[0]");
    CHECK(error.message == "\"2023-01-01T00:00Z\" is not a local time; expected \"YYYY-MM-DDTHH:MM\"");
  }
  SECTION("Fahrenheit is refused") {
    const std::string path = dir.write("f.json", meteo_text(R"("2023-01-01T00:00")", "50", "0", "°F"));
    const auto error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path + ": hourly_units.temperature_2m");
    CHECK(error.message == "is \"°F\"; expected \"°C\" (temperatures are read in degrees C)");
  }
  SECTION("a missing file") {
    const std::string path = dir.file("absent.json");
    const auto error = error_of([&] { read_open_meteo_json(path); });
    CHECK(error.where == path);
    CHECK(error.message == "cannot open the file: No such file or directory; expected a readable file");
  }
}

TEST_CASE("an Open-Meteo file with a key given twice is refused at the second", "[traces][weather]") {
  const TempDir dir;
  const std::string path = dir.write("twice.json",
                                     "{\"utc_offset_seconds\": 0,\n \"utc_offset_seconds\": 3600,\n"
                                     " \"hourly\": {\"time\": [\"2023-01-01T00:00\"], \"temperature_2m\": [1]}}");
  const auto error = error_of([&] { read_open_meteo_json(path); });
  CHECK(error.where == path + ":2:2");
  CHECK(error.message ==
        "duplicate key: utc_offset_seconds is given twice (first at line 1, column 2); expected each key "
        "once in an object");
}
