// A monotone priority queue over integer keys: a radix heap with 8-bit digits
// (Ahuja, Mehlhorn, Orlin and Tarjan, "Faster algorithms for the shortest
// path problem", 1990, with radix 256), which is also a hierarchical timing
// wheel (Varghese and Lauck, 1987) that keeps exact order.
//
// Why this and not a binary heap: simulated time never goes backwards, so
// every key pushed is >= a floor that only rises. An entry is filed at the
// level of the highest 8-bit digit in which its key differs from the floor,
// in the slot named by that digit; a push is an append. When level 0 (keys
// that differ from the floor only in the lowest digit, one slot per key) runs
// dry, the lowest non-empty slot of the lowest non-empty level is spilled one
// level down. An entry therefore moves at most once per digit of its delay
// (three times for a 1 s delay in microseconds), always through contiguous
// memory. See bench/sim/kernel for the measured speed-up over
// std::priority_queue.
//
// Ties: entries with equal keys come out in push order (FIFO). Equal keys
// always share a slot; a slot is spilled only when every lower slot and level
// is empty, and spilling appends in order, so within every slot equal keys
// stay in push order; a level-0 slot (a single key) is consumed from the front.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "ksim/sim/kernel/check.h"

namespace ksim {

/// One queued entry: a key (simulated microseconds) and an opaque payload.
struct QueueEntry {
  std::int64_t key;
  std::uint32_t slot;
  std::uint32_t stamp;
};

/// The default hook: nothing to warm up.
struct NoPrefetch {
  void operator()(std::uint32_t /*slot*/) const {}
};

/// Radix-256 heap of QueueEntry. `Prefetch` is called with the payload slot of
/// the entry that will be popped next, as early as the queue knows it, so the
/// owner can warm the cache lines it will touch.
template <class Prefetch = NoPrefetch>
class RadixQueue {
 public:
  explicit RadixQueue(Prefetch prefetch = {})
      : levels_(std::make_unique<Level[]>(kLevels)), prefetch_(prefetch) {}

  /// Number of entries held.
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  /// Every key pushed must be >= this. It never exceeds the key of the next
  /// entry to pop, nor the limit of a pop_until() that popped something.
  [[nodiscard]] std::int64_t floor_key() const { return static_cast<std::int64_t>(floor_); }

  /// Adds an entry. Precondition: e.key >= floor_key().
  void push(const QueueEntry& e) {
    KSIM_CHECK(e.key >= 0 && static_cast<std::uint64_t>(e.key) >= floor_,
               "radix queue: key below the floor");
    file(e);
    ++size_;
  }

  /// Pops the entry with the smallest key (FIFO among equals) if that key is
  /// <= limit. Returns false, changing nothing observable, when the queue is
  /// empty or the smallest key is above the limit.
  bool pop_until(std::int64_t limit, QueueEntry& out) {
    const auto lim = static_cast<std::uint64_t>(limit);
    for (;;) {
      Level& l0 = levels_[0];
      const unsigned d0 = digit(floor_, 0);
      const unsigned s = first_set_from(l0, d0);
      if (s < kSlots) {
        const std::uint64_t key = (floor_ & ~kDigitMask) | s;
        if (key > lim) return false;
        if (s != d0) floor_ = key;  // slot d0 is empty, so head_ is already 0
        std::vector<QueueEntry>& v = l0.slots[s];
        out = v[head_++];
        --size_;
        if (head_ < v.size()) {
          prefetch_(v[head_].slot);
        } else {
          v.clear();
          head_ = 0;
          clear_bit(l0, 0, s);
          const unsigned next = first_set_from(l0, s);
          if (next < kSlots) prefetch_(l0.slots[next].front().slot);
        }
        return true;
      }
      if (!spill(lim)) return false;
    }
  }

  /// The smallest key among entries for which `live(entry)` holds, or `none`.
  /// Does not reorganize the queue. Cost: the dead entries before the answer
  /// plus one slot (keys in a lower slot or level are below every higher one).
  template <class Live>
  [[nodiscard]] std::int64_t min_live_key(std::int64_t none, Live live) const {
    for (unsigned level = 0; level < kLevels; ++level) {
      const Level& l = levels_[level];
      for (unsigned s = first_set_from(l, 0); s < kSlots; s = first_set_from(l, s + 1)) {
        const std::vector<QueueEntry>& v = l.slots[s];
        const std::size_t from = (level == 0 && s == digit(floor_, 0)) ? head_ : 0;
        bool found = false;
        std::int64_t best = 0;
        for (std::size_t i = from; i < v.size(); ++i) {
          if ((!found || v[i].key < best) && live(v[i])) {
            best = v[i].key;
            found = true;
          }
        }
        if (found) return best;
      }
    }
    return none;
  }

 private:
  static constexpr unsigned kDigitBits = 8;
  static constexpr unsigned kSlots = 1u << kDigitBits;
  static constexpr unsigned kLevels = 64 / kDigitBits;
  static constexpr std::uint64_t kDigitMask = kSlots - 1;

  struct Level {
    std::array<std::uint64_t, kSlots / 64> bits{};  // bit s set <=> slots[s] non-empty
    std::array<std::vector<QueueEntry>, kSlots> slots;
  };

  static unsigned digit(std::uint64_t key, unsigned level) {
    return static_cast<unsigned>((key >> (kDigitBits * level)) & kDigitMask);
  }

  // First non-empty slot >= from, or kSlots.
  static unsigned first_set_from(const Level& l, unsigned from) {
    if (from >= kSlots) return kSlots;
    unsigned w = from / 64;
    std::uint64_t m = l.bits[w] & (~std::uint64_t{0} << (from % 64));
    while (m == 0) {
      if (++w == kSlots / 64) return kSlots;
      m = l.bits[w];
    }
    return w * 64 + static_cast<unsigned>(std::countr_zero(m));
  }

  void clear_bit(Level& l, unsigned level, unsigned s) {
    l.bits[s / 64] &= ~(std::uint64_t{1} << (s % 64));
    if ((l.bits[0] | l.bits[1] | l.bits[2] | l.bits[3]) == 0) level_mask_ &= ~(1u << level);
  }

  // Files an entry (key >= floor_) at its level and slot.
  void file(const QueueEntry& e) {
    const auto key = static_cast<std::uint64_t>(e.key);
    const std::uint64_t diff = key ^ floor_;
    const unsigned level =
        diff == 0 ? 0u : static_cast<unsigned>(63 - std::countl_zero(diff)) / kDigitBits;
    const unsigned s = digit(key, level);
    Level& l = levels_[level];
    l.slots[s].push_back(e);
    l.bits[s / 64] |= std::uint64_t{1} << (s % 64);
    level_mask_ |= 1u << level;
  }

  // Level 0 is empty: raise the floor to the start of the lowest non-empty
  // slot above level 0 and refile that slot's entries one level down or more.
  // Returns false (changing nothing) if that slot starts above `lim` or the
  // queue is empty.
  bool spill(std::uint64_t lim) {
    const unsigned upper = level_mask_ & ~1u;
    if (upper == 0) return false;
    const auto level = static_cast<unsigned>(std::countr_zero(upper));
    Level& l = levels_[level];
    const unsigned s = first_set_from(l, 0);
    const unsigned shift = kDigitBits * level;
    const std::uint64_t high =
        shift + kDigitBits >= 64 ? 0 : (floor_ >> (shift + kDigitBits)) << (shift + kDigitBits);
    const std::uint64_t base = high | (std::uint64_t{s} << shift);
    if (base > lim) return false;
    floor_ = base;
    head_ = 0;
    spill_.swap(l.slots[s]);  // keep both vectors' capacity in circulation
    clear_bit(l, level, s);
    for (const QueueEntry& e : spill_) file(e);
    spill_.clear();
    return true;
  }

  std::unique_ptr<Level[]> levels_;
  std::vector<QueueEntry> spill_;
  std::uint64_t floor_ = 0;
  std::size_t head_ = 0;     // consumed prefix of level-0 slot digit(floor_, 0)
  unsigned level_mask_ = 0;  // bit L set <=> level L has a non-empty slot
  std::size_t size_ = 0;
  [[no_unique_address]] Prefetch prefetch_;
};

}  // namespace ksim
