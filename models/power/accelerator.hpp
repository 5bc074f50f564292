#pragma once
// Accelerator power and throughput under DVFS p-states and power caps (DESIGN.md §4).
//
// Power at utilisation u in [0, 1] in p-state s (frequency f_s):
//   P(u, s) = P_idle(s) + u * (P_max(s) - P_idle(s))                              [W]
// An accelerator with no work placed on it draws P_idle (the card's idle, clocks dropped).
//
// Throughput relative to the accelerator's nominal maximum frequency f_nom (a catalog field,
// nominal_max_freq, defaulting to the highest p-state's frequency), for a job whose
// compute-bound fraction is beta (beta = 1: time scales with 1/f; beta = 0: memory- or
// communication-bound, f does not matter):
//   speed(f) = 1 / (beta * f_nom / f + (1 - beta))                                 [0, 1]
// The reference is the part's nominal maximum, not the highest state an entry happens to list:
// an entry cut down to its lower p-states (a scenario may replace the list) still runs at
// speed(f) < 1 there, so it cannot look faster or cheaper per unit of work than the physics
// allows. No p-state may lie above f_nom (the catalog checks it), so speed <= 1.
// A job's work is in accelerator-seconds at full speed; the work done over time is the
// integral of speed, so a capped job's runtime and energy follow from these two laws.
//
// Power cap: the highest p-state whose P(u, s) fits under the cap. A cap below the lowest
// state's power is not an error: the lowest state is chosen and the choice says the cap is
// not met, so that the caller can record it (a real GPU cannot go below its lowest clocks).
//
// Worked example (H100-SXM from the catalog, f_nom = top state 1980 MHz, 120-700 W; state
// 1530 MHz, 109-442 W): u = 0.8 uncapped: P = 120 + 0.8 * 580 = 584 W. Cap 500 W: 1980 MHz gives
// 584 W > 500; 1755 MHz gives 115 + 0.8 * 444 = 470.2 W <= 500, so 1755 MHz. With beta = 0.5,
// speed = 1 / (0.5 * 1980/1755 + 0.5) = 0.9398: a 1-hour job takes 63.85 min and uses
// 470.2 W * 63.85 min = 500.3 Wh instead of 584 Wh. A scenario that drops the 1980 MHz state
// keeps f_nom = 1980 MHz, so its uncapped 1755 MHz job runs at the same 0.9398 and, at u = 1,
// uses 559 W * 63.85 min = 594.8 Wh, not 559 Wh as a speed relative to 1755 MHz would say.
//
// Idle figures: AcceleratorSpec::idle_w is the card with NO work placed (clocks dropped);
// PState::idle_w is the card with work placed at utilisation 0 (a context open, clocks at that
// state, no kernels running). An allocated accelerator never draws the former.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "simcore/time.hpp"

namespace wattsim::power {

struct PState {
  double freq_hz = 0.0;
  double idle_w = 0.0;  // work placed at utilisation 0: no kernels running, clocks at this state
  double max_w = 0.0;   // full utilisation at this state
};

struct AcceleratorSpec {
  std::string name;
  std::string vendor;
  double tdp_w = 0.0;           // at least every p-state's max_w
  double idle_w = 0.0;          // no work placed (at most the lowest p-state's idle_w)
  std::vector<PState> pstates;  // ascending frequency; idle and max non-decreasing; at least one
  // Nominal maximum frequency, the reference of speed(f); no p-state lies above it. 0: the
  // highest p-state's (the catalog always sets it).
  double nominal_freq_hz = 0.0;
  double memory_gb = 0.0;
  double memory_bandwidth_tb_s = 0.0;  // 0: not given
  std::map<std::string, double> peak_tflops;  // dense peak by precision ("bf16", ...)
  // Embodied carbon: kgCO2e of manufacturing the accelerator (card or module/package, with
  // its HBM or other on-package/on-card memory), to be amortised over lifetime_years.
  // 0: not given. The host it sits in is NodeSpec::embodied_kg.
  double embodied_kg = 0.0;
  double lifetime_years = 0.0;  // service life; 0: not given (given whenever embodied_kg is)
  std::string source;

  // f_nom of speed(f).
  double speed_reference_hz() const { return nominal_freq_hz > 0.0 ? nominal_freq_hz : pstates.back().freq_hz; }
  std::size_t top_pstate() const { return pstates.size() - 1; }
};

// P(u, s). Requires u in [0, 1].
double accelerator_power_w(const PState& state, double utilisation);

// speed(f) relative to f_nom. Requires 0 < f <= f_nom and beta in [0, 1].
double relative_speed(double freq_hz, double f_nom_hz, double beta);
// speed(f) of one of the accelerator's p-states, relative to its nominal maximum frequency.
double relative_speed(const AcceleratorSpec& spec, std::size_t pstate, double beta);

struct PStateChoice {
  std::size_t index = 0;  // into AcceleratorSpec::pstates
  double power_w = 0.0;   // P(u, index)
  bool meets_cap = true;  // false: even the lowest state draws more than the cap
};

// The highest p-state whose power at utilisation u fits under cap_w (use infinity for no cap).
PStateChoice select_pstate(const AcceleratorSpec& spec, double utilisation, double cap_w);

// Progress of a piece of work measured in full-speed seconds, consumed at a rate that changes
// at events (rate = accelerators x relative speed, for a job spread over several accelerators).
// Between changes the rate is constant, so remaining work is linear in time and the completion
// instant is exact up to rounding to the nearest microsecond.
class WorkProgress {
 public:
  WorkProgress() = default;
  // work >= 0 (full-speed seconds), rate > 0 (full-speed seconds per second).
  WorkProgress(double work, simcore::SimTime now, double rate);

  // Consumes work up to `now` at the old rate, then switches to `rate` (> 0).
  void set_rate(simcore::SimTime now, double rate);
  double rate() const { return rate_; }
  double remaining_at(simcore::SimTime now) const;
  // When the remaining work reaches zero at the current rate.
  simcore::SimTime completion_time() const;

 private:
  double remaining_ = 0.0;  // at last_
  double rate_ = 1.0;
  simcore::SimTime last_;
};

}  // namespace wattsim::power
