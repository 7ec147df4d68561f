#include "ksim/sim/kernel/simulator.h"

namespace ksim {

Simulator::Simulator() : queue_(Warm{this}) {}

Simulator::~Simulator() {
  // Destroy the callbacks of events still pending.
  for (std::uint32_t i = 0; i < slot_count_; ++i) {
    Slot& s = slot_at(i);
    if (s.manager != nullptr && s.needs_destroy) s.manager(Op::kDestroy, s.storage);
  }
}

std::uint32_t Simulator::grow_slots() {
  const std::uint32_t i = slot_count_;
  KSIM_CHECK(i != kNoSlot, "simulator: too many pending events");
  if ((i >> kChunkBits) == chunks_.size()) chunks_.emplace_back();  // zero-filled: free slots
  ++slot_count_;
  return i;
}

bool Simulator::is_pending(EventHandle h) const {
  if (h.slot >= slot_count_) return false;
  // A slot is pending while it holds a callback and the handle's generation;
  // the slot of a one-shot event being fired has already moved on.
  const Slot& s = slot_at(h.slot);
  return s.gen == h.gen && s.manager != nullptr;
}

bool Simulator::cancel(EventHandle h) {
  if (!is_pending(h)) return false;
  Slot& s = slot_at(h.slot);
  ++s.stamp;  // orphan the calendar entry
  ++s.gen;
  --live_;
  // A periodic event cancelling itself from its own callback: its storage is
  // in use; fire() frees it when the callback returns.
  if (h.slot != firing_) free_slot(h.slot, s);
  return true;
}

bool Simulator::reschedule(EventHandle h, Time at) {
  if (!is_pending(h)) return false;
  KSIM_CHECK(at >= now_, "reschedule: time is in the past");
  enqueue_new(h.slot, at);
  return true;
}

std::optional<Time> Simulator::next_event_time() const {
  const std::int64_t m = queue_.min_live_key(
      INT64_MAX, [this](const QueueEntry& e) { return slot_at(e.slot).stamp == e.stamp; });
  if (m == INT64_MAX) return std::nullopt;
  return time_from_us(m);
}

inline void Simulator::fire(std::uint32_t i, Slot& s) {
  ++fired_;
  const std::uint32_t stamp = ++s.stamp;  // the entry just popped is consumed
  if (s.period_us == 0) {
    ++s.gen;  // the handle stops being valid: the event has fired
    --live_;
    s.manager(Op::kInvoke, s.storage);
    free_slot(i, s);
    return;
  }
  // Periodic. Chunks never move, so `s` stays valid across the callback.
  const std::uint32_t gen = s.gen;
  firing_ = i;
  s.manager(Op::kInvoke, s.storage);
  firing_ = kNoSlot;
  if (s.gen != gen) {
    free_slot(i, s);  // cancelled by its own callback (cancel() did the bookkeeping)
  } else if (s.stamp == stamp) {
    ++s.stamp;
    queue_.push(QueueEntry{to_us(now_) + s.period_us, i, s.stamp});
  }
  // else: rescheduled by its own callback; that entry stands.
}

bool Simulator::step_until(Time limit) {
  QueueEntry e;
  while (queue_.pop_until(to_us(limit), e)) {
    Slot& s = slot_at(e.slot);
    if (s.stamp != e.stamp) continue;  // cancelled or moved
    now_ = time_from_us(e.key);
    fire(e.slot, s);
    return true;
  }
  return false;
}

std::uint64_t Simulator::run() {
  stop_requested_ = false;
  const std::uint64_t start = fired_;
  limit_ = kTimeMax;
  while (!stop_requested_ && step_until(kTimeMax)) {
  }
  limit_ = kTimeZero;
  return fired_ - start;
}

std::uint64_t Simulator::run_until(Time until) {
  KSIM_CHECK(until >= now_, "run_until: time is in the past");
  stop_requested_ = false;
  const std::uint64_t start = fired_;
  limit_ = until;
  while (!stop_requested_ && step_until(until)) {
  }
  limit_ = kTimeZero;
  if (!stop_requested_) now_ = until;
  return fired_ - start;
}

}  // namespace ksim
