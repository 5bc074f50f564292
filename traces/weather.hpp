#pragma once
// Outside dry-bulb temperature from weather files, as a simcore::StepSeries in absolute UTC
// time (SimTime = microseconds since 1970-01-01T00:00:00Z, as read_series_csv), values in
// degrees C. Errors throw simcore::InputError saying where, what was found and what was
// expected; reading stops at the first error.
//
// Open-Meteo JSON (the Historical Weather API's response):
//   {"utc_offset_seconds": 3600, "timezone": "Europe/Berlin",
//    "hourly_units": {"temperature_2m": "°C"},
//    "hourly": {"time": ["2023-01-01T00:00", "2023-01-01T01:00"], "temperature_2m": [12.9, 11.2]}}
//   -> 12.9 on [2022-12-31T23:00Z, 2023-01-01T00:00Z), 11.2 on [00:00Z, 01:00Z).
//
// EnergyPlus weather (EPW), 8 header lines, then one row per hour in local standard time:
//   LOCATION,Phoenix-Sky.Harbor.Intl.AP,AZ,USA,SRC-TMYx,722780,33.42800,-112.0040,-7.0,337.4
//   ...
//   2021,1,1,1,0,?9?9...,8.30,...   -> 8.3 on local [00:00, 01:00) = [2021-01-01T07:00Z, 08:00Z)

#include <optional>
#include <string>

#include "simcore/step_series.hpp"

namespace wattsim::traces {

// Reads the arrays hourly.time (local times "YYYY-MM-DDTHH:MM", or with ":SS") and
// hourly.<variable> (numbers). Local time minus utc_offset_seconds is UTC. Open-Meteo writes a
// single, fixed utc_offset_seconds per file (the offset at the start of the request) and a
// regular hourly time axis, so daylight saving time is not handled: a "timezone":
// "Europe/Berlin" file with offset 3600 is read as UTC+1 all year, summer included.
// Each value holds for the hour starting at its time (the last for one more hour). Times must
// be exactly one hour apart. A variable whose hourly_units entry is "°F" is refused (the
// result is in degrees C); other variables are returned in their own unit.
//
// Errors, with where = "path" or "path: hourly.time[17]": not JSON ("path:line:column"),
// missing keys, values of the wrong type, arrays of different lengths, null values, times
// that do not increase by one hour.
simcore::StepSeries read_open_meteo_json(const std::string& path, const std::string& variable = "temperature_2m");

// Reads the dry-bulb temperature (field 7) of an hourly EPW file. The LOCATION line's 9th
// field is the time zone in hours from UTC (-7.0 for Phoenix); the DATA PERIODS line must
// say one record per hour. A row (year, month, day, hour 1-24, ...) holds for the hour ENDING
// at `hour`, in local standard time: [hour - 1, hour) on that day, minus the time zone, is
// its UTC span.
//
// Typical-year (TMY) files take each month from a different year, so every row is placed in
// one year: `year` if given, else the year field of the first data row; the rows' own year
// fields are otherwise ignored. Rows must follow each other hour by hour (a missing or
// repeated hour is an error at path:line:column), so a 365-day file placed in a leap year
// fails at 1 March, and a 29 February row in a non-leap year is an error. A dry-bulb value of
// 99.9 (EPW's "missing") is an error.
simcore::StepSeries read_epw(const std::string& path, std::optional<int> year = std::nullopt);

}  // namespace wattsim::traces
