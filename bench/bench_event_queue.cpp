// Event-engine throughput: the "hold" model. N events are pending; each processed event
// schedules one successor a pseudo-random delay later, so the queue stays at N. One item =
// one event through the full loop (pop, dispatch to the handler, push).

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>

#include "simcore/simulation.hpp"

namespace {

using wattsim::simcore::Event;
using wattsim::simcore::Phase;
using wattsim::simcore::SimTime;
using wattsim::simcore::Simulation;

// Delays drawn once (xorshift) so the benchmark measures the queue, not a random generator.
std::array<std::int64_t, 4096> make_delays() {
  std::array<std::int64_t, 4096> d{};
  std::uint64_t x = 88172645463325252ull;
  for (auto& v : d) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v = static_cast<std::int64_t>(x % 1'000'000) + 1;
  }
  return d;
}

struct HoldHandler {
  const std::array<std::int64_t, 4096>& delays;
  std::uint32_t next = 0;
  void on_event(Simulation& sim, const Event& e) {
    sim.schedule_in(SimTime::from_us(delays[next++ & 4095]), Phase::kArrival, e.kind, e.target);
  }
};

void BM_EventQueue_NoOp(benchmark::State& state) {
  static const auto delays = make_delays();
  const auto pending = static_cast<std::size_t>(state.range(0));
  Simulation sim;
  sim.queue().reserve(pending + 1);
  for (std::size_t i = 0; i < pending; ++i) {
    sim.schedule_at(SimTime::from_us(delays[i & 4095] + static_cast<std::int64_t>(i)), Phase::kArrival, 0,
                    static_cast<std::uint32_t>(i));
  }
  HoldHandler handler{delays};
  for (auto _ : state) {
    sim.step(handler);
  }
  benchmark::DoNotOptimize(sim.now());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EventQueue_NoOp)->Arg(1)->Arg(1024)->Arg(1 << 20);

// Schedule then cancel: the lazy-cancellation path (a timer re-armed on every event).
void BM_EventQueue_ScheduleCancel(benchmark::State& state) {
  static const auto delays = make_delays();
  const auto pending = static_cast<std::size_t>(state.range(0));
  wattsim::simcore::EventQueue q;
  for (std::size_t i = 0; i < pending; ++i) q.push(SimTime::from_us(delays[i & 4095]), Phase::kArrival, 0, 0);
  std::uint32_t next = 0;
  for (auto _ : state) {
    auto h = q.push(SimTime::from_us(delays[next++ & 4095]), Phase::kDecision, 0, 0);
    q.cancel(h);
  }
  benchmark::DoNotOptimize(q.size());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EventQueue_ScheduleCancel)->Arg(1024);

}  // namespace
