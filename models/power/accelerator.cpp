#include "models/power/accelerator.hpp"

#include <cmath>
#include <stdexcept>

#include "simcore/assert.hpp"

namespace wattsim::power {

double accelerator_power_w(const PState& state, double utilisation) {
  WATTSIM_ASSERT(utilisation >= 0.0 && utilisation <= 1.0, utilisation);
  return state.idle_w + utilisation * (state.max_w - state.idle_w);
}

double relative_speed(double freq_hz, double f_nom_hz, double beta) {
  WATTSIM_ASSERT(freq_hz > 0.0 && freq_hz <= f_nom_hz && beta >= 0.0 && beta <= 1.0, freq_hz, f_nom_hz, beta);
  return 1.0 / (beta * f_nom_hz / freq_hz + (1.0 - beta));
}

double relative_speed(const AcceleratorSpec& spec, std::size_t pstate, double beta) {
  WATTSIM_ASSERT(pstate < spec.pstates.size(), spec.name, pstate);
  return relative_speed(spec.pstates[pstate].freq_hz, spec.speed_reference_hz(), beta);
}

PStateChoice select_pstate(const AcceleratorSpec& spec, double utilisation, double cap_w) {
  WATTSIM_ASSERT(!spec.pstates.empty(), spec.name);
  for (std::size_t i = spec.pstates.size(); i-- > 0;) {
    const double p = accelerator_power_w(spec.pstates[i], utilisation);
    if (p <= cap_w) return {i, p, true};
  }
  return {0, accelerator_power_w(spec.pstates.front(), utilisation), false};
}

WorkProgress::WorkProgress(double work, simcore::SimTime now, double rate)
    : remaining_(work), rate_(rate), last_(now) {
  if (!(work >= 0.0) || !(rate > 0.0)) throw std::invalid_argument("work progress needs work >= 0 and rate > 0");
}

void WorkProgress::set_rate(simcore::SimTime now, double rate) {
  if (!(rate > 0.0)) throw std::invalid_argument("work progress: rate must be positive");
  remaining_ = remaining_at(now);
  last_ = now;
  rate_ = rate;
}

double WorkProgress::remaining_at(simcore::SimTime now) const {
  const double done = rate_ * (now - last_).to_seconds();
  return remaining_ > done ? remaining_ - done : 0.0;
}

simcore::SimTime WorkProgress::completion_time() const {
  // Saturates: work that would end past the last representable instant (a trace's largest
  // times, slowed by a cap) never completes, instead of overflowing.
  const double us = remaining_ / rate_ * 1e6;
  const double room_us = static_cast<double>(simcore::SimTime::max().us() - last_.us());
  if (!(us < room_us)) return simcore::SimTime::max();
  return last_ + simcore::SimTime::from_us(static_cast<std::int64_t>(std::llround(us)));
}

}  // namespace wattsim::power
