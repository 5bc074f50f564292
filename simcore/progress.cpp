#include "simcore/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace wattsim::simcore {

namespace {
constexpr double kBarPeriodS = 0.1;
constexpr double kLinePeriodS = 10.0;
constexpr int kBarWidth = 20;
}  // namespace

std::string format_eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0.0) return "--:--:--";
  const auto total = static_cast<long long>(std::llround(seconds));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, (total / 60) % 60, total % 60);
  return buf;
}

ProgressReporter::ProgressReporter(SimTime start, SimTime end, Mode mode, std::FILE* out)
    : start_(start), end_(end), mode_(mode), out_(out), base_sim_(start) {
  if (mode_ == Mode::kAuto) mode_ = (out_ != nullptr && isatty(fileno(out_))) ? Mode::kBar : Mode::kLines;
  if (out_ == nullptr) mode_ = Mode::kQuiet;
}

double ProgressReporter::wall_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string ProgressReporter::render(SimTime now, std::uint64_t events, double elapsed_s) const {
  const bool open_ended = end_ == SimTime::max();  // a run without a horizon: no % and no ETA
  const double span = open_ended ? 0.0 : static_cast<double>((end_ - start_).us());
  const double done = static_cast<double>((now - start_).us());
  const double fraction = span > 0.0 ? std::clamp(done / span, 0.0, 1.0) : 1.0;
  // Rates are measured from the first update (the baseline), when the wall clock started.
  const double events_per_s = elapsed_s > 0.0 ? static_cast<double>(events - base_events_) / elapsed_s : 0.0;
  const double advanced = static_cast<double>((now - base_sim_).us());
  const double eta = (fraction >= 1.0) ? 0.0 : (advanced > 0.0 ? elapsed_s * (span - done) / advanced : -1.0);
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.3g", events_per_s);
  char pct[16];
  std::snprintf(pct, sizeof pct, "%5.1f %%", fraction * 100.0);
  std::string text;
  if (open_ended) {
    text = mode_ == Mode::kBar ? "" : "progress: ";
    text += format_time(now) + "  " + rate + " ev/s";
    return text;
  }
  if (mode_ == Mode::kBar) {
    const int filled = static_cast<int>(fraction * kBarWidth);
    text += '[';
    text.append(static_cast<std::size_t>(filled), '#');
    text.append(static_cast<std::size_t>(kBarWidth - filled), ' ');
    text += "] ";
  } else {
    text += "progress: ";
  }
  text += pct;
  text += "  " + format_time(now) + " of " + format_time(end_) + "  " + rate + " ev/s  ETA " + format_eta(eta);
  return text;
}

void ProgressReporter::draw(SimTime now, std::uint64_t events, bool final) {
  const double wall = wall_seconds();
  const std::string text = render(now, events, started_wall_ < 0.0 ? 0.0 : wall - started_wall_);
  if (mode_ == Mode::kBar) {
    std::fprintf(out_, "\r%s%s", text.c_str(), final ? "\n" : "");
  } else {
    std::fprintf(out_, "%s\n", text.c_str());
  }
  std::fflush(out_);
  last_draw_wall_ = wall;
  ++lines_;
}

void ProgressReporter::update(SimTime now, std::uint64_t events) {
  if (mode_ == Mode::kQuiet || finished_) return;
  const double wall = wall_seconds();
  if (started_wall_ < 0.0) {
    started_wall_ = wall;
    base_sim_ = now;
    base_events_ = events;
    last_draw_wall_ = wall;  // the first report comes one period in, not at once
    return;
  }
  const double period = mode_ == Mode::kBar ? kBarPeriodS : kLinePeriodS;
  if (wall - last_draw_wall_ >= period) draw(now, events, false);
}

void ProgressReporter::finish(SimTime now, std::uint64_t events) {
  if (mode_ == Mode::kQuiet || finished_) return;
  finished_ = true;
  // Runs that never drew anything were short: stay silent rather than print a lone 100 % line.
  if (lines_ == 0) return;
  draw(now, events, true);
}

}  // namespace wattsim::simcore
