#pragma once
// The simulation loop: a clock and an event queue. The domain layer (datacenter/) supplies a
// handler type; the loop calls it directly (a template, so no virtual call or std::function
// per event):
//
//   struct World {
//     void on_event(Simulation& sim, const Event& e);          // required
//     void on_measure(Simulation& sim, SimTime t);             // optional: periodic measurement
//   };
//
// on_measure is called at every multiple of the measurement interval (from its start), in the
// measurement phase: after every other event at that instant. Handlers schedule further events
// through the Simulation they receive. Time never goes back: scheduling before now() throws.

#include <cstdint>
#include <stdexcept>
#include <string>

#include "simcore/event_queue.hpp"
#include "simcore/time.hpp"

namespace wattsim::simcore {

class Simulation;

template <class H>
concept EventHandler = requires(H h, Simulation& sim, const Event& e) { h.on_event(sim, e); };

enum class StopReason {
  kReachedTime,    // run_until(t): every event up to t was processed and now() == t
  kQueueEmpty,     // nothing left to do (measurement ticks alone do not keep a run going)
  kStopRequested,  // a handler called request_stop()
};

// Observes the loop's progress without being part of it (e.g. simcore's ProgressReporter).
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void update(SimTime now, std::uint64_t events) = 0;
};

class Simulation {
 public:
  // Reserved event kind of the measurement ticks; handlers never see it in on_event.
  static constexpr std::uint32_t kMeasureKind = 0xFFFFFFFFu;

  SimTime now() const { return now_; }
  std::uint64_t events_processed() const { return events_processed_; }
  EventQueue& queue() { return queue_; }
  const EventQueue& queue() const { return queue_; }

  EventHandle schedule_at(SimTime t, Phase phase, std::uint32_t kind, std::uint32_t target = 0) {
    if (t < now_) {
      throw std::logic_error("event scheduled in the past: at " + format_time(t) + ", now " + format_time(now_));
    }
    return queue_.push(t, phase, kind, target);
  }
  EventHandle schedule_in(SimTime delay, Phase phase, std::uint32_t kind, std::uint32_t target = 0) {
    return schedule_at(now_ + delay, phase, kind, target);
  }
  bool cancel(EventHandle handle) { return queue_.cancel(handle); }

  // Calls the handler's on_measure at start, start + interval, ... (interval > 0).
  void set_measurement(SimTime start, SimTime interval);
  SimTime measurement_interval() const { return measure_interval_; }

  // Whether an event (measurement ticks included) is pending at `t` in `phase` or an earlier
  // phase. A handler uses it to act at once, within the current instant, when nothing that
  // must come first is still to happen.
  bool pending_at(SimTime t, Phase phase) {
    if (queue_.empty()) return false;
    const Event& e = queue_.top();
    return e.time < t || (e.time == t && e.phase() <= phase);
  }

  // Makes the running loop return after the current event.
  void request_stop() { stop_requested_ = true; }

  // Reports progress to `sink` every 4096 events (nullptr: none).
  void set_progress(ProgressSink* sink) { progress_ = sink; }

  // Processes the next event. Returns false (and does nothing) when no real event is pending.
  template <EventHandler H>
  bool step(H& handler) {
    if (!has_real_events()) return false;
    dispatch(handler, queue_.pop());
    return true;
  }

  // Processes every event at or before `end`, then advances the clock to `end`.
  template <EventHandler H>
  StopReason run_until(SimTime end, H& handler) {
    stop_requested_ = false;
    while (!queue_.empty() && queue_.next_time() <= end) {
      dispatch(handler, queue_.pop());
      if (stop_requested_) return StopReason::kStopRequested;
    }
    if (end > now_) now_ = end;
    return StopReason::kReachedTime;
  }

  // Processes events until none but measurement ticks remain, or a stop is requested.
  template <EventHandler H>
  StopReason run(H& handler) {
    stop_requested_ = false;
    while (has_real_events()) {
      dispatch(handler, queue_.pop());
      if (stop_requested_) return StopReason::kStopRequested;
    }
    return StopReason::kQueueEmpty;
  }

 private:
  bool has_real_events() const { return queue_.size() > (queue_.pending(measure_handle_) ? 1u : 0u); }

  template <class H>
  void dispatch(H& handler, const Event& e) {
    now_ = e.time;
    ++events_processed_;
    if (e.kind == kMeasureKind) {
      measure_handle_ = queue_.push(now_ + measure_interval_, Phase::kMeasurement, kMeasureKind, 0);
      if constexpr (requires { handler.on_measure(*this, now_); }) handler.on_measure(*this, now_);
    } else {
      handler.on_event(*this, e);
    }
    if (progress_ != nullptr && (events_processed_ & 0xFFFu) == 0) progress_->update(now_, events_processed_);
  }

  EventQueue queue_;
  SimTime now_ = SimTime::zero();
  std::uint64_t events_processed_ = 0;
  SimTime measure_interval_ = SimTime::zero();
  EventHandle measure_handle_;
  ProgressSink* progress_ = nullptr;
  bool stop_requested_ = false;
};

inline void Simulation::set_measurement(SimTime start, SimTime interval) {
  if (interval <= SimTime::zero()) throw std::invalid_argument("measurement interval must be positive");
  if (start < now_) throw std::logic_error("measurement start " + format_time(start) + " is before now");
  queue_.cancel(measure_handle_);
  measure_interval_ = interval;
  measure_handle_ = queue_.push(start, Phase::kMeasurement, kMeasureKind, 0);
}

}  // namespace wattsim::simcore
