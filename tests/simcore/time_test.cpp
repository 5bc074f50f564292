#include "simcore/time.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

using wattsim::simcore::format_time;
using wattsim::simcore::SimTime;

TEST_CASE("SimTime converts between units exactly", "[simcore][time]") {
  CHECK(SimTime::seconds(1).us() == 1'000'000);
  CHECK(SimTime::minutes(2).us() == 120'000'000);
  CHECK(SimTime::hours(1).us() == 3'600'000'000);
  CHECK(SimTime::days(365).us() == 31'536'000'000'000);
  CHECK(SimTime::from_ms(1500).to_seconds() == 1.5);
  CHECK(SimTime::hours(36).to_hours() == 36.0);
  CHECK(SimTime::days(1) + SimTime::hours(2) - SimTime::minutes(30) == SimTime::minutes(24 * 60 + 90));
  CHECK(SimTime::seconds(3) * 4 == SimTime::seconds(12));
}

TEST_CASE("SimTime::from_seconds rounds to the nearest microsecond", "[simcore][time]") {
  CHECK(SimTime::from_seconds(1.0000004).us() == 1'000'000);
  CHECK(SimTime::from_seconds(1.0000006).us() == 1'000'001);
  CHECK(SimTime::from_seconds(-2.5e-6).us() == -3);  // halves away from zero
  CHECK(SimTime::from_seconds(883720.88).us() == 883'720'880'000);
  CHECK(SimTime::from_hours(0.5) == SimTime::minutes(30));
  CHECK_THROWS_AS(SimTime::from_seconds(1e300), std::out_of_range);
  CHECK_THROWS_AS(SimTime::from_seconds(std::numeric_limits<double>::quiet_NaN()), std::out_of_range);
}

TEST_CASE("format_time prints days then hh:mm:ss.mmm", "[simcore][time]") {
  CHECK(format_time(SimTime::zero()) == "0d 00:00:00.000");
  const SimTime t = SimTime::days(3) + SimTime::hours(4) + SimTime::minutes(5) + SimTime::seconds(6);
  CHECK(format_time(t) == "3d 04:05:06.000");
  CHECK(format_time(t + SimTime::from_us(789'999)) == "3d 04:05:06.789");  // truncated, not rounded
  CHECK(format_time(SimTime::days(400)) == "400d 00:00:00.000");
  CHECK(format_time(SimTime::zero() - SimTime::from_ms(1500)) == "-0d 00:00:01.500");
  CHECK(format_time(SimTime::max()) == "never");
  CHECK(format_time(SimTime::min()).front() == '-');
}
