#include "simcore/event_queue.hpp"

#include <stdexcept>

#include "simcore/assert.hpp"

namespace wattsim::simcore {

namespace {
constexpr std::size_t kArity = 4;
constexpr std::uint64_t kSequenceMask = (std::uint64_t{1} << 56) - 1;
}  // namespace

EventHandle EventQueue::push(SimTime time, Phase phase, std::uint32_t kind, std::uint32_t target) {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    if (generation_.size() >= EventHandle::kNoSlot) throw std::length_error("event queue: too many pending events");
    slot = static_cast<std::uint32_t>(generation_.size());
    generation_.push_back(0);
  }
  Event e;
  e.time = time;
  e.order = (static_cast<std::uint64_t>(phase) << 56) | (next_sequence_++ & kSequenceMask);
  e.kind = kind;
  e.target = target;
  e.slot = slot;
  e.generation = generation_[slot];
  heap_.push_back(e);
  sift_up(heap_.size() - 1, e);
  ++live_;
  return EventHandle{slot, e.generation};
}

bool EventQueue::pending(EventHandle handle) const {
  return handle.valid() && handle.slot < generation_.size() && generation_[handle.slot] == handle.generation;
}

bool EventQueue::cancel(EventHandle handle) {
  if (!pending(handle)) return false;
  release_slot(handle.slot);
  --live_;
  // Stale entries stay in the heap until they surface; sweep when they outnumber live ones
  // so that cancel-heavy use cannot grow the heap without bound.
  if (heap_.size() > 64 && heap_.size() - live_ > live_) sweep_stale();
  return true;
}

void EventQueue::release_slot(std::uint32_t slot) {
  ++generation_[slot];  // invalidates the handle and the heap entry
  free_slots_.push_back(slot);
}

SimTime EventQueue::next_time() {
  WATTSIM_ASSERT(live_ > 0, live_);
  drop_stale_top();
  return heap_.front().time;
}

const Event& EventQueue::top() {
  WATTSIM_ASSERT(live_ > 0, live_);
  drop_stale_top();
  return heap_.front();
}

Event EventQueue::pop() {
  WATTSIM_ASSERT(live_ > 0, live_);
  drop_stale_top();
  Event top = heap_.front();
  remove_top();
  release_slot(top.slot);
  --live_;
  return top;
}

void EventQueue::drop_stale_top() {
  while (!is_live(heap_.front())) remove_top();
}

void EventQueue::remove_top() {
  Event last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0, last);
}

void EventQueue::sift_up(std::size_t i, Event e) {
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void EventQueue::sift_down(std::size_t i, Event e) {
  const std::size_t n = heap_.size();
  for (;;) {
    const std::size_t first = i * kArity + 1;
    if (first >= n) break;
    const std::size_t last = first + kArity < n ? first + kArity : n;
    // Branch-free minimum of up to four children (selects compile to conditional moves).
    std::size_t best = first;
    Key best_key = key(heap_[first]);
    for (std::size_t c = first + 1; c < last; ++c) {
      const Key k = key(heap_[c]);
      const bool smaller = k < best_key;
      best = smaller ? c : best;
      best_key = smaller ? k : best_key;
    }
    if (!(best_key < key(e))) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = e;
}

void EventQueue::sweep_stale() {
  std::size_t kept = 0;
  for (const Event& e : heap_) {
    if (is_live(e)) heap_[kept++] = e;
  }
  heap_.resize(kept);
  // Floyd's heap construction; (time, order) is a total order, so pop order is unchanged.
  if (kept > 1) {
    for (std::size_t i = (kept - 2) / kArity + 1; i-- > 0;) sift_down(i, heap_[i]);
  }
}

void EventQueue::reserve(std::size_t events) {
  heap_.reserve(events);
  generation_.reserve(events);
  free_slots_.reserve(events);
}

void EventQueue::clear() {
  for (const Event& e : heap_) {
    if (is_live(e)) release_slot(e.slot);
  }
  heap_.clear();
  live_ = 0;
}

}  // namespace wattsim::simcore
