#include "ksim/sim/kernel/simulator.h"

namespace ksim {

Simulator::Simulator() : queue_(Warm{this}) {}

Simulator::~Simulator() {
  // Destroy the callbacks of events still pending.
  for (std::uint32_t i = 0; i < state_.size(); ++i) {
    Slot& s = slot_at(i);
    if (s.ops != nullptr && s.ops->destroy != nullptr) s.ops->destroy(s.storage);
  }
}

void Simulator::Warm::operator()(std::uint32_t slot) const {
  // The next event to fire: pull its state and callback towards the core
  // while the queue finishes its bookkeeping.
  __builtin_prefetch(&sim->state_[slot]);
  __builtin_prefetch(&sim->slot_at(slot));
}

std::uint32_t Simulator::allocate_slot() {
  if (!free_.empty()) {
    const std::uint32_t i = free_.back();
    free_.pop_back();
    return i;
  }
  const auto i = static_cast<std::uint32_t>(state_.size());
  KSIM_CHECK(i != kNoSlot, "simulator: too many pending events");
  if ((i >> kChunkBits) == chunks_.size()) {
    chunks_.push_back(std::make_unique<Slot[]>(std::size_t{1} << kChunkBits));
  }
  state_.push_back(SlotState{0, 0, 0});
  return i;
}

void Simulator::free_slot(std::uint32_t i) {
  Slot& s = slot_at(i);
  if (s.ops->destroy != nullptr) s.ops->destroy(s.storage);
  s.ops = nullptr;
  free_.push_back(i);
}

EventHandle Simulator::enqueue_new(std::uint32_t i, Time at) {
  SlotState& st = state_[i];
  st.time_us = to_us(at);
  ++st.stamp;
  queue_.push(QueueEntry{st.time_us, i, st.stamp});
  return EventHandle{i, st.gen};
}

bool Simulator::is_pending(EventHandle h) const {
  if (h.slot >= state_.size() || state_[h.slot].gen != h.gen) return false;
  // A slot is pending while it holds a callback; the slot of a one-shot
  // event being fired has already had its generation bumped.
  return const_cast<Simulator*>(this)->slot_at(h.slot).ops != nullptr;
}

std::optional<Time> Simulator::scheduled_time(EventHandle h) const {
  if (!is_pending(h)) return std::nullopt;
  return time_from_us(state_[h.slot].time_us);
}

bool Simulator::cancel(EventHandle h) {
  if (!is_pending(h)) return false;
  SlotState& st = state_[h.slot];
  ++st.stamp;  // orphan the calendar entry
  --live_;
  if (h.slot == firing_) {
    // A periodic event cancelling itself from its own callback: its storage
    // is in use; fire() frees it when the callback returns.
    ++st.gen;
    return true;
  }
  ++st.gen;
  free_slot(h.slot);
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
      INT64_MAX, [this](const QueueEntry& e) { return state_[e.slot].stamp == e.stamp; });
  if (m == INT64_MAX) return std::nullopt;
  return time_from_us(m);
}

void Simulator::fire(std::uint32_t i) {
  ++fired_;
  Slot& s = slot_at(i);  // chunks never move: stays valid across the callback
  const std::int64_t period = s.period_us;
  const std::uint32_t stamp = ++state_[i].stamp;  // the entry just popped is consumed
  if (period == 0) {
    ++state_[i].gen;  // the handle stops being valid: the event has fired
    --live_;
    s.ops->invoke(s.storage);
    free_slot(i);
    return;
  }
  const std::uint32_t gen = state_[i].gen;
  firing_ = i;
  s.ops->invoke(s.storage);
  firing_ = kNoSlot;
  SlotState& st = state_[i];  // re-read: the callback may have grown state_
  if (st.gen != gen) {
    free_slot(i);  // cancelled by its own callback (cancel() did the bookkeeping)
  } else if (st.stamp == stamp) {
    st.time_us += period;
    ++st.stamp;
    queue_.push(QueueEntry{st.time_us, i, st.stamp});
  }
  // else: rescheduled by its own callback; that entry stands.
}

bool Simulator::step_until(Time limit) {
  QueueEntry e;
  while (queue_.pop_until(to_us(limit), e)) {
    if (state_[e.slot].stamp != e.stamp) continue;  // cancelled or moved
    now_ = time_from_us(e.key);
    fire(e.slot);
    return true;
  }
  return false;
}

std::uint64_t Simulator::run() {
  stop_requested_ = false;
  const std::uint64_t start = fired_;
  while (!stop_requested_ && step_until(kTimeMax)) {
  }
  return fired_ - start;
}

std::uint64_t Simulator::run_until(Time until) {
  KSIM_CHECK(until >= now_, "run_until: time is in the past");
  stop_requested_ = false;
  const std::uint64_t start = fired_;
  while (!stop_requested_ && step_until(until)) {
  }
  if (!stop_requested_) now_ = until;
  return fired_ - start;
}

}  // namespace ksim
