#include "simcore/progress.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

using namespace wattsim::simcore;
using Catch::Matchers::Contains;

namespace {
// A reporter with a hand-driven wall clock.
struct FakeClockReporter : ProgressReporter {
  using ProgressReporter::ProgressReporter;
  double wall = 100.0;
  double wall_seconds() const override { return wall; }
};

std::string read_all(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  char buf[256];
  while (std::fgets(buf, sizeof buf, f) != nullptr) text += buf;
  return text;
}
}  // namespace

TEST_CASE("progress lines report position, rate and ETA", "[simcore][progress]") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  FakeClockReporter r(SimTime::zero(), SimTime::days(10), ProgressReporter::Mode::kLines, f);
  r.update(SimTime::zero(), 0);  // starts the clock
  r.wall = 105.0;
  r.update(SimTime::days(2), 1000);  // 5 s < 10 s: no line yet
  CHECK(r.lines_written() == 0);
  r.wall = 110.0;
  r.update(SimTime::days(5), 4'000'000);  // 10 s in, half way: 4e5 events/s, 10 s to go
  CHECK(r.lines_written() == 1);
  const std::string text = read_all(f);
  CHECK_THAT(text, Contains("progress:  50.0 %") && Contains("5d 00:00:00.000 of 10d 00:00:00.000") &&
                       Contains("4e+05 ev/s") && Contains("ETA 0:00:10"));
  std::fclose(f);
}

TEST_CASE("the bar mode draws in place and ends its line when finished", "[simcore][progress]") {
  std::FILE* f = std::tmpfile();
  FakeClockReporter r(SimTime::zero(), SimTime::hours(4), ProgressReporter::Mode::kBar, f);
  r.update(SimTime::zero(), 0);
  r.wall = 100.5;
  r.update(SimTime::hours(1), 10);
  r.wall = 101.0;
  r.finish(SimTime::hours(4), 40);
  const std::string text = read_all(f);
  CHECK_THAT(text, Contains("\r[#####               ]  25.0 %") && Contains("\r[####################] 100.0 %"));
  CHECK(text.back() == '\n');
  CHECK(r.lines_written() == 2);
  std::fclose(f);
}

TEST_CASE("quiet mode and short runs print nothing", "[simcore][progress]") {
  std::FILE* f = std::tmpfile();
  FakeClockReporter quiet(SimTime::zero(), SimTime::hours(1), ProgressReporter::Mode::kQuiet, f);
  quiet.update(SimTime::zero(), 0);
  quiet.wall = 1000.0;
  quiet.update(SimTime::minutes(30), 5);
  quiet.finish(SimTime::hours(1), 10);
  FakeClockReporter short_run(SimTime::zero(), SimTime::hours(1), ProgressReporter::Mode::kLines, f);
  short_run.update(SimTime::zero(), 0);
  short_run.finish(SimTime::hours(1), 10);  // under one period: nothing drawn
  CHECK(read_all(f).empty());
  std::fclose(f);
}

TEST_CASE("auto mode falls back to plain lines when the output is not a terminal", "[simcore][progress]") {
  std::FILE* f = std::tmpfile();
  ProgressReporter r(SimTime::zero(), SimTime::hours(1), ProgressReporter::Mode::kAuto, f);
  CHECK(r.mode() == ProgressReporter::Mode::kLines);
  std::fclose(f);
}

TEST_CASE("ETA formatting", "[simcore][progress]") {
  CHECK(format_eta(4.4) == "0:00:04");
  CHECK(format_eta(3723) == "1:02:03");
  CHECK(format_eta(-1) == "--:--:--");
}

TEST_CASE("an open-ended run shows simulated time and rate without a percentage", "[simcore][progress]") {
  std::FILE* f = std::tmpfile();
  FakeClockReporter r(SimTime::zero(), SimTime::max(), ProgressReporter::Mode::kLines, f);
  r.update(SimTime::zero(), 0);
  r.wall = 110.0;
  r.update(SimTime::days(2), 5000);
  const std::string text = read_all(f);
  CHECK_THAT(text, Contains("progress: 2d 00:00:00.000  500 ev/s") && !Contains("%") && !Contains("ETA"));
  std::fclose(f);
}
