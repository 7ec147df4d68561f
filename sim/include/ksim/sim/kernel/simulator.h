// The discrete-event kernel: a virtual clock and an event calendar.
//
// It knows nothing of Kubernetes. Models schedule callbacks; the kernel fires
// them in (time, insertion order) order, so ties are deterministic (as in
// ns-3's Simulator). Pending events live in a slot pool with their callback
// stored inline (no heap allocation per event); the calendar is a radix heap
// of 16-byte entries (radix_queue.h). Cancel and reschedule are lazy: they
// bump the slot's stamp, and stale calendar entries are skipped when popped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "ksim/sim/kernel/check.h"
#include "ksim/sim/kernel/huge_chunk.h"
#include "ksim/sim/kernel/radix_queue.h"
#include "ksim/sim/kernel/time.h"

namespace ksim {

/// Identifies a scheduled event. Stays valid while the event is pending; a
/// periodic event stays pending until cancelled. Default: refers to nothing.
struct EventHandle {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t gen = 0;
  friend bool operator==(const EventHandle&, const EventHandle&) = default;
};

/// Bytes of captured state an event callback may carry inline. A larger
/// callback does not compile: capture a pointer to model state instead.
inline constexpr std::size_t kEventCallbackBytes = 40;

class Simulator {
 public:
  Simulator();
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  /// Current simulated time: the time of the event being (or last) fired, or
  /// the limit of the last run_until().
  [[nodiscard]] Time now() const { return now_; }

  /// Schedules `fn()` at `at`. Precondition: at >= now(). Events at the same
  /// time fire in the order they were scheduled.
  template <class F>
  EventHandle schedule_at(Time at, F&& fn) {
    return schedule_impl(at, Duration{0}, std::forward<F>(fn));
  }

  /// Schedules `fn()` after `delay` (>= 0).
  template <class F>
  EventHandle schedule_in(Duration delay, F&& fn) {
    KSIM_CHECK(delay.count() >= 0, "schedule_in: negative delay");
    return schedule_impl(now_ + delay, Duration{0}, std::forward<F>(fn));
  }

  /// Schedules `fn()` at every instant phase + k * period (k integer) that is
  /// >= now(), until cancelled. Precondition: period > 0, 0 <= phase < period.
  /// The next firing is scheduled after `fn` returns, so `fn` may cancel or
  /// reschedule its own handle.
  template <class F>
  EventHandle schedule_periodic(Duration period, Duration phase, F&& fn) {
    KSIM_CHECK(period.count() > 0, "schedule_periodic: period must be positive");
    KSIM_CHECK(phase.count() >= 0 && phase < period, "schedule_periodic: need 0 <= phase < period");
    const std::int64_t p = period.count();
    const std::int64_t t = to_us(now_);
    const std::int64_t rem = ((t - phase.count()) % p + p) % p;
    const std::int64_t first = rem == 0 ? t : t + (p - rem);
    return schedule_impl(time_from_us(first), period, std::forward<F>(fn));
  }

  /// Cancels a pending event. Returns false if it already fired, was
  /// cancelled, or the handle is default.
  bool cancel(EventHandle h);

  /// Moves a pending event to `at` (>= now()); it then ties after events
  /// already scheduled at `at`. A periodic event continues every period from
  /// `at`. Returns false if the event is not pending.
  bool reschedule(EventHandle h, Time at);

  /// Whether the event is still pending.
  [[nodiscard]] bool is_pending(EventHandle h) const;

  /// Moves the clock to `t` without an event, when that changes nothing an
  /// event would: t >= now(), within the limit of the run in progress (never
  /// outside run() / run_until()), and no event pending at or before t (so
  /// ties keep their order). Returns whether it moved; it may also decline
  /// when it cannot tell in O(1) (t beyond the calendar's current 8.192 ms
  /// window, or a cancelled event in the way). A model that knows
  /// its own next instant (an arrival process) can go on there directly
  /// instead of scheduling itself, when nothing else comes first.
  bool advance_to(Time t) {
    if (t < now_ || t > limit_ || stop_requested_) return false;
    if (static_cast<std::uint64_t>(to_us(t)) >= queue_.key_lower_bound()) return false;
    now_ = t;
    return true;
  }

  /// The time of the earliest pending event, if any.
  [[nodiscard]] std::optional<Time> next_event_time() const;

  /// Fires the earliest pending event. Returns false if there is none.
  bool step() { return step_until(kTimeMax); }

  /// Fires events until none is pending or stop() is called. Returns the
  /// number fired. With a periodic event pending this only ends by stop().
  std::uint64_t run();

  /// Fires every event with time <= until (including ones scheduled along the
  /// way), then sets now() to `until` unless stop() was called. Returns the
  /// number fired. Precondition: until >= now().
  std::uint64_t run_until(Time until);

  /// Makes the current run()/run_until() return after the event being fired.
  void stop() { stop_requested_ = true; }

  /// Events pending (scheduled, not yet fired or cancelled).
  [[nodiscard]] std::size_t pending() const { return live_; }
  /// Events fired since construction.
  [[nodiscard]] std::uint64_t events_fired() const { return fired_; }

 private:
  // What a slot's callback can be asked to do; one pointer serves all three.
  enum class Op { kInvoke, kDestroy };
  using Manager = void (*)(Op, void*);
  template <class F>
  static void manage(Op op, void* p) {
    if (op == Op::kInvoke) {
      (*static_cast<F*>(p))();
    } else if constexpr (!std::is_trivially_destructible_v<F>) {
      static_cast<F*>(p)->~F();
    }
  }

  // Everything firing, cancelling and validating an event touches sits in one
  // cache line, so an event costs one random memory access.
  struct alignas(64) Slot {
    alignas(8) unsigned char storage[kEventCallbackBytes];
    Manager manager;                  // null while the slot is free
    std::int64_t period_us;           // 0 = one-shot
    std::uint32_t stamp;              // matches the live calendar entry; bumped to orphan it
    std::uint32_t gen : 31;           // matches live handles; bumped when the event ends
    std::uint32_t needs_destroy : 1;  // the callback has a non-trivial destructor
  };
  static_assert(sizeof(Slot) == 64);
  struct Warm {
    Simulator* sim;
    void operator()(std::uint32_t slot) const { __builtin_prefetch(&sim->slot_at(slot)); }
  };

  // Slots come in 2 MiB chunks (huge pages where the OS allows) that never
  // move, so a callback may schedule events while it runs.
  static constexpr unsigned kChunkBits = 15;  // 32768 slots of 64 bytes
  static_assert(HugeArray<Slot>::kCount == std::size_t{1} << kChunkBits);
  static constexpr std::uint32_t kNoSlot = UINT32_MAX;

  [[nodiscard]] Slot& slot_at(std::uint32_t i) const {
    return chunks_[i >> kChunkBits].data()[i & ((1u << kChunkBits) - 1)];
  }

  template <class F>
  EventHandle schedule_impl(Time at, Duration period, F&& fn) {
    using Fn = std::decay_t<F>;
    static_assert(sizeof(Fn) <= kEventCallbackBytes,
                  "event callback captures too much: capture a pointer to model state");
    static_assert(alignof(Fn) <= 8, "event callback is over-aligned");
    static_assert(std::is_invocable_r_v<void, Fn&>, "event callback must be callable as fn()");
    KSIM_CHECK(at >= now_, "schedule: time is in the past");
    const std::uint32_t i = allocate_slot();
    Slot& s = slot_at(i);
    ::new (static_cast<void*>(s.storage)) Fn(std::forward<F>(fn));
    s.manager = &manage<Fn>;
    s.needs_destroy = !std::is_trivially_destructible_v<Fn>;
    s.period_us = period.count();
    ++live_;
    return enqueue_new(i, at);
  }

  // A free slot: the most recently freed one (still in cache), else a new one.
  std::uint32_t allocate_slot() {
    if (free_.empty()) [[unlikely]]
      return grow_slots();
    const std::uint32_t i = free_.back();
    free_.pop_back();
    return i;
  }
  std::uint32_t grow_slots();
  // Destroys the callback and returns the slot to the pool.
  void free_slot(std::uint32_t i, Slot& s) {
    if (s.needs_destroy) s.manager(Op::kDestroy, s.storage);
    s.manager = nullptr;
    free_.push_back(i);
  }
  // Files slot i's (new) calendar entry at `at`, orphaning any earlier one.
  EventHandle enqueue_new(std::uint32_t i, Time at) {
    Slot& s = slot_at(i);
    ++s.stamp;
    queue_.push(QueueEntry{to_us(at), i, s.stamp});
    return EventHandle{i, s.gen};
  }
  bool step_until(Time limit);
  void fire(std::uint32_t i, Slot& s);

  Time now_{};
  Time limit_{};  // of the run in progress (advance_to); kTimeZero outside runs
  RadixQueue<Warm> queue_;
  std::vector<HugeArray<Slot>> chunks_;
  std::uint32_t slot_count_ = 0;
  std::vector<std::uint32_t> free_;
  std::size_t live_ = 0;
  std::uint64_t fired_ = 0;
  std::uint32_t firing_ = kNoSlot;
  bool stop_requested_ = false;
};

}  // namespace ksim
