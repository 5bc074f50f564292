#pragma once
// Progress of a run on stderr: where simulated time is, how fast it moves and when the run
// will end. On a terminal it redraws one bar line in place (at most 10 times a second); when
// stderr is not a terminal (CI logs, files) it prints a plain line every 10 seconds; in quiet
// mode it prints nothing.
//
//   [##########          ]  50.0 %  3d 12:00:00.000 of 7d 00:00:00.000  1.2e+06 ev/s  ETA 0:00:04

#include <cstdint>
#include <cstdio>
#include <string>

#include "simcore/simulation.hpp"
#include "simcore/time.hpp"

namespace wattsim::simcore {

class ProgressReporter : public ProgressSink {
 public:
  enum class Mode { kAuto, kBar, kLines, kQuiet };

  // Reports progress over simulated [start, end]. kAuto picks kBar when `out` is a terminal.
  // end == SimTime::max() (a run until the workload is done) shows simulated time and rate only.
  ProgressReporter(SimTime start, SimTime end, Mode mode = Mode::kAuto, std::FILE* out = stderr);

  void update(SimTime now, std::uint64_t events) override;
  // Draws the final state (and ends the bar's line). Call once when the run ends.
  void finish(SimTime now, std::uint64_t events);

  Mode mode() const { return mode_; }
  std::uint64_t lines_written() const { return lines_; }

  // The text of one report, without a line end. `elapsed_s` is wall time since the first
  // update; rates and the ETA are measured from that update.
  std::string render(SimTime now, std::uint64_t events, double elapsed_s) const;

 protected:
  // Wall-clock seconds since an arbitrary origin; tests substitute a fake clock.
  virtual double wall_seconds() const;

 private:
  void draw(SimTime now, std::uint64_t events, bool final);

  SimTime start_, end_;
  Mode mode_;
  std::FILE* out_;
  double started_wall_ = -1.0;  // set on the first update, with the baseline below
  SimTime base_sim_;
  std::uint64_t base_events_ = 0;
  double last_draw_wall_ = -1e300;
  std::uint64_t lines_ = 0;
  bool finished_ = false;
};

// "0:00:04", "1:02:03"; "--:--:--" for an unknown (non-finite or negative) span.
std::string format_eta(double seconds);

}  // namespace wattsim::simcore
