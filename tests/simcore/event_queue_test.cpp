#include "simcore/event_queue.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

using namespace wattsim::simcore;

TEST_CASE("simultaneous events pop in phase order, then insertion order", "[simcore][event_queue]") {
  EventQueue q;
  const SimTime t = SimTime::seconds(10);
  q.push(t, Phase::kMeasurement, 1, 0);
  q.push(t, Phase::kArrival, 2, 0);
  q.push(t, Phase::kCompletion, 3, 0);
  q.push(t, Phase::kArrival, 4, 0);
  q.push(t, Phase::kSignal, 5, 0);
  q.push(t, Phase::kDecision, 6, 0);
  q.push(t, Phase::kCompletion, 7, 0);
  q.push(SimTime::seconds(9), Phase::kMeasurement, 8, 0);  // earlier time beats every phase
  std::vector<std::uint32_t> kinds;
  while (!q.empty()) kinds.push_back(q.pop().kind);
  CHECK(kinds == std::vector<std::uint32_t>{8, 3, 7, 5, 2, 4, 6, 1});
}

TEST_CASE("an event carries its payload and phase", "[simcore][event_queue]") {
  EventQueue q;
  q.push(SimTime::seconds(5), Phase::kSignal, 42, 777);
  const Event e = q.pop();
  CHECK(e.time == SimTime::seconds(5));
  CHECK(e.phase() == Phase::kSignal);
  CHECK(e.kind == 42);
  CHECK(e.target == 777);
  CHECK(e.sequence() == 0);
}

TEST_CASE("cancelled events never fire", "[simcore][event_queue]") {
  EventQueue q;
  std::vector<EventHandle> handles;
  for (std::uint32_t i = 0; i < 100; ++i) {
    handles.push_back(q.push(SimTime::seconds(i % 7), Phase::kArrival, i, 0));
  }
  for (std::uint32_t i = 0; i < 100; i += 3) CHECK(q.cancel(handles[i]));
  CHECK_FALSE(q.cancel(handles[0]));  // twice: no effect
  CHECK_FALSE(q.pending(handles[0]));
  CHECK(q.pending(handles[1]));
  CHECK(q.size() == 66);
  std::vector<bool> fired(100, false);
  SimTime last = SimTime::min();
  while (!q.empty()) {
    const Event e = q.pop();
    CHECK(e.time >= last);
    last = e.time;
    fired[e.kind] = true;
  }
  for (std::uint32_t i = 0; i < 100; ++i) CHECK(fired[i] == (i % 3 != 0));
  // A handle of a fired event is no longer pending and cannot cancel anything.
  CHECK_FALSE(q.pending(handles[1]));
  CHECK_FALSE(q.cancel(handles[1]));
}

TEST_CASE("a reused slot does not revive a stale handle", "[simcore][event_queue]") {
  EventQueue q;
  const EventHandle a = q.push(SimTime::seconds(1), Phase::kArrival, 1, 0);
  CHECK(q.cancel(a));
  const EventHandle b = q.push(SimTime::seconds(2), Phase::kArrival, 2, 0);
  CHECK(b.slot == a.slot);  // the slot is recycled ...
  CHECK_FALSE(q.pending(a));  // ... but the old handle stays dead
  CHECK_FALSE(q.cancel(a));
  CHECK(q.pending(b));
  CHECK(q.pop().kind == 2);
  CHECK(q.empty());
}

TEST_CASE("cancel-heavy use keeps only live events and their order", "[simcore][event_queue]") {
  EventQueue q;
  std::mt19937_64 gen(7);
  std::vector<std::pair<EventHandle, std::int64_t>> live;
  std::vector<std::int64_t> expected;
  for (int round = 0; round < 20000; ++round) {
    const std::int64_t t = static_cast<std::int64_t>(gen() % 1000000);
    auto h = q.push(SimTime::from_us(t), Phase::kArrival, 0, 0);
    if (gen() % 4 != 0) {
      q.cancel(h);  // three in four are cancelled at once: the heap sweeps stale entries
    } else {
      expected.push_back(t);
    }
  }
  CHECK(q.size() == expected.size());
  std::sort(expected.begin(), expected.end());
  std::vector<std::int64_t> got;
  while (!q.empty()) got.push_back(q.pop().time.us());
  CHECK(got == expected);
}

TEST_CASE("a million random inserts pop in sorted order", "[simcore][event_queue]") {
  EventQueue q;
  std::mt19937_64 gen(12345);
  constexpr std::size_t n = 1'000'000;
  q.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Few distinct times, so many ties must be broken by phase and then by insertion order.
    const auto t = SimTime::from_us(static_cast<std::int64_t>(gen() % 50000));
    const auto phase = static_cast<Phase>(1 + gen() % 5);
    q.push(t, phase, static_cast<std::uint32_t>(i), 0);
  }
  REQUIRE(q.size() == n);
  Event prev = q.pop();
  bool sorted = true;
  for (std::size_t i = 1; i < n; ++i) {
    const Event e = q.pop();
    const bool ok = prev.time < e.time ||
                    (prev.time == e.time && (prev.phase() < e.phase() ||
                                             (prev.phase() == e.phase() && prev.kind < e.kind)));
    if (!ok) sorted = false;
    prev = e;
  }
  CHECK(sorted);
  CHECK(q.empty());
}

TEST_CASE("next_time skips cancelled events at the top", "[simcore][event_queue]") {
  EventQueue q;
  const auto a = q.push(SimTime::seconds(1), Phase::kArrival, 1, 0);
  q.push(SimTime::seconds(2), Phase::kArrival, 2, 0);
  q.cancel(a);
  CHECK(q.next_time() == SimTime::seconds(2));
  CHECK(q.pop().kind == 2);
}
