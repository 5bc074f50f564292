#pragma once
// The pending-event set: a 4-ary min-heap of small plain events ordered by
// (time, phase, sequence) (DESIGN.md §2). Phases fix the order of simultaneous events;
// the sequence number (insertion order) breaks the remaining ties, so equal inputs give
// equal outputs. Cancellation is lazy: a handle names a slot and the slot's generation;
// cancelling bumps the generation and the stale heap entry is skipped when it surfaces
// (and swept out when stale entries outnumber live ones).
//
// No allocation per event in steady state: the heap, the slot table and its free list are
// vectors that only grow. Events carry no callables; `kind` and `target` are for the
// handler to switch on and index its own arrays with.

#include <cstdint>
#include <vector>

#include "simcore/time.hpp"

namespace wattsim::simcore {

// Simultaneous events run in this order.
enum class Phase : std::uint8_t {
  kCompletion = 1,   // completions and releases
  kSignal = 2,       // signal changes: carbon, weather, renewables, prices
  kArrival = 3,      // arrivals
  kDecision = 4,     // scheduling decisions
  kMeasurement = 5,  // measurement and output
};

struct Event {
  SimTime time;
  std::uint64_t order = 0;  // phase in the top 8 bits, sequence number below
  std::uint32_t kind = 0;   // what happened, for the handler
  std::uint32_t target = 0; // which entity (an index into the handler's arrays)
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;

  Phase phase() const { return static_cast<Phase>(order >> 56); }
  std::uint64_t sequence() const { return order & ((std::uint64_t{1} << 56) - 1); }
};

// Names one scheduled event. Default-constructed handles name nothing.
struct EventHandle {
  static constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;
  std::uint32_t slot = kNoSlot;
  std::uint32_t generation = 0;
  bool valid() const { return slot != kNoSlot; }
};

class EventQueue {
 public:
  EventHandle push(SimTime time, Phase phase, std::uint32_t kind, std::uint32_t target);
  // Returns true when the event was pending (it will now never be popped).
  bool cancel(EventHandle handle);
  bool pending(EventHandle handle) const;

  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }  // live events only
  // Time of the earliest live event. Requires !empty().
  SimTime next_time();
  // The earliest live event, left in place. Requires !empty().
  const Event& top();
  // Removes and returns the earliest live event. Requires !empty().
  Event pop();

  void reserve(std::size_t events);
  void clear();
  std::uint64_t pushed_total() const { return next_sequence_; }

 private:
  // (time, order) as one unsigned 128-bit key: one branch-free comparison in the hot loop.
  __extension__ using Key = unsigned __int128;
  static Key key(const Event& e) {
    const auto t = static_cast<std::uint64_t>(e.time.us()) ^ (std::uint64_t{1} << 63);  // order-preserving
    return (static_cast<Key>(t) << 64) | e.order;
  }
  static bool before(const Event& a, const Event& b) { return key(a) < key(b); }
  bool is_live(const Event& e) const { return generation_[e.slot] == e.generation; }
  void release_slot(std::uint32_t slot);
  void remove_top();
  void drop_stale_top();
  void sift_up(std::size_t i, Event e);
  void sift_down(std::size_t i, Event e);
  void sweep_stale();

  std::vector<Event> heap_;
  std::vector<std::uint32_t> generation_;  // per slot: the generation a live event must carry
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_sequence_ = 0;
  std::size_t live_ = 0;
};

}  // namespace wattsim::simcore
