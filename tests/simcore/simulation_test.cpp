#include "simcore/simulation.hpp"

#include <catch2/catch.hpp>
#include <vector>

using namespace wattsim::simcore;

namespace {

// Records what it sees; kind 1 reschedules itself every 10 s until t = 50 s.
struct Recorder {
  std::vector<std::pair<std::int64_t, std::uint32_t>> seen;  // (time s, kind)
  std::vector<std::int64_t> measured;
  std::uint32_t stop_on_kind = 0;

  void on_event(Simulation& sim, const Event& e) {
    seen.emplace_back(sim.now().us() / 1'000'000, e.kind);
    if (e.kind == 1 && sim.now() < SimTime::seconds(50)) sim.schedule_in(SimTime::seconds(10), Phase::kArrival, 1);
    if (e.kind == stop_on_kind) sim.request_stop();
  }
  void on_measure(Simulation& sim, SimTime t) {
    CHECK(sim.now() == t);
    measured.push_back(t.us() / 1'000'000);
  }
};

struct NoMeasure {
  int count = 0;
  void on_event(Simulation&, const Event&) { ++count; }
};

}  // namespace

TEST_CASE("run_until processes events up to and including the end time", "[simcore][simulation]") {
  Simulation sim;
  Recorder r;
  sim.schedule_at(SimTime::zero(), Phase::kArrival, 1);
  CHECK(sim.run_until(SimTime::seconds(25), r) == StopReason::kReachedTime);
  CHECK(sim.now() == SimTime::seconds(25));
  CHECK(r.seen.size() == 3);  // 0, 10, 20
  CHECK(sim.run_until(SimTime::seconds(30), r) == StopReason::kReachedTime);
  CHECK(r.seen.back().first == 30);  // an event exactly at the end runs
  CHECK(sim.run(r) == StopReason::kQueueEmpty);
  CHECK(r.seen.back().first == 50);
  CHECK(sim.events_processed() == 6);
}

TEST_CASE("measurement runs after every other event at its instant", "[simcore][simulation]") {
  Simulation sim;
  Recorder r;
  sim.set_measurement(SimTime::zero(), SimTime::seconds(20));
  sim.schedule_at(SimTime::zero(), Phase::kArrival, 1);
  sim.run(r);
  // Events at 0..50; measurements at 0, 20, 40 (a tick alone does not keep the run going).
  CHECK(r.measured == std::vector<std::int64_t>{0, 20, 40});
  CHECK(r.seen.size() == 6);

  // At t = 40 the measurement sees the state after the arrival at 40: order checked via a log.
  struct Order {
    std::vector<std::string> log;
    void on_event(Simulation&, const Event&) { log.push_back("event"); }
    void on_measure(Simulation&, SimTime) { log.push_back("measure"); }
  } order;
  Simulation sim2;
  sim2.schedule_at(SimTime::seconds(10), Phase::kDecision, 0);  // scheduled before the tick ...
  sim2.set_measurement(SimTime::seconds(10), SimTime::seconds(100));
  sim2.schedule_at(SimTime::seconds(10), Phase::kCompletion, 0);  // ... and after it
  sim2.run_until(SimTime::seconds(10), order);
  CHECK(order.log == std::vector<std::string>{"event", "event", "measure"});
}

TEST_CASE("a handler can stop the loop", "[simcore][simulation]") {
  Simulation sim;
  Recorder r;
  r.stop_on_kind = 9;
  sim.schedule_at(SimTime::zero(), Phase::kArrival, 1);
  sim.schedule_at(SimTime::seconds(15), Phase::kArrival, 9);
  CHECK(sim.run_until(SimTime::seconds(100), r) == StopReason::kStopRequested);
  CHECK(sim.now() == SimTime::seconds(15));
  CHECK(sim.run(r) == StopReason::kQueueEmpty);  // resumes where it stopped
  CHECK(r.seen.back().first == 50);
}

TEST_CASE("step processes one event at a time", "[simcore][simulation]") {
  Simulation sim;
  NoMeasure h;
  sim.schedule_at(SimTime::seconds(3), Phase::kArrival, 0);
  sim.schedule_at(SimTime::seconds(1), Phase::kArrival, 0);
  CHECK(sim.step(h));
  CHECK(sim.now() == SimTime::seconds(1));
  CHECK(sim.step(h));
  CHECK(sim.now() == SimTime::seconds(3));
  CHECK_FALSE(sim.step(h));
  CHECK(h.count == 2);
}

TEST_CASE("cancelled events do not reach the handler", "[simcore][simulation]") {
  Simulation sim;
  NoMeasure h;
  const auto a = sim.schedule_at(SimTime::seconds(1), Phase::kArrival, 0);
  sim.schedule_at(SimTime::seconds(2), Phase::kArrival, 0);
  CHECK(sim.cancel(a));
  sim.run(h);
  CHECK(h.count == 1);
}

TEST_CASE("scheduling in the past is refused", "[simcore][simulation]") {
  Simulation sim;
  NoMeasure h;
  sim.schedule_at(SimTime::seconds(10), Phase::kArrival, 0);
  sim.run(h);
  CHECK_THROWS_AS(sim.schedule_at(SimTime::seconds(5), Phase::kArrival, 0), std::logic_error);
  CHECK_THROWS_AS(sim.set_measurement(SimTime::seconds(10), SimTime::zero()), std::invalid_argument);
}

TEST_CASE("progress sinks are told every 4096 events", "[simcore][simulation]") {
  struct Counter : ProgressSink {
    int calls = 0;
    std::uint64_t last = 0;
    void update(SimTime, std::uint64_t events) override {
      ++calls;
      last = events;
    }
  } counter;
  Simulation sim;
  sim.set_progress(&counter);
  NoMeasure h;
  for (int i = 0; i < 10000; ++i) sim.schedule_at(SimTime::seconds(i), Phase::kArrival, 0);
  sim.run(h);
  CHECK(counter.calls == 2);
  CHECK(counter.last == 8192);
}
