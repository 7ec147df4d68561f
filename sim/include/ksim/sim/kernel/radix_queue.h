// A monotone priority queue over integer keys: a radix heap with 13-bit digits
// (Ahuja, Mehlhorn, Orlin and Tarjan, "Faster algorithms for the shortest
// path problem", 1990, with radix 8192), which is also a hierarchical timing
// wheel (Varghese and Lauck, 1987) that keeps exact order.
//
// Why this and not a binary heap: simulated time never goes backwards, so
// every key pushed is >= a floor that only rises. An entry is filed at the
// level of the highest 13-bit digit in which its key differs from the floor,
// in the slot named by that digit; a push is an append. When level 0 (keys
// that differ from the floor only in the lowest digit, one slot per key) runs
// dry, the lowest non-empty slot of the lowest non-empty level is spilled one
// level down. An entry therefore moves at most once per digit of its delay
// (once for a delay under 67 s in microseconds), always through contiguous
// memory. See bench/sim/kernel for the measured speed-up over
// std::priority_queue.
//
// Ties: entries with equal keys come out in push order (FIFO). Equal keys
// always share a slot; a slot is spilled only when every lower slot and level
// is empty, and spilling appends in order, so within every slot equal keys
// stay in push order; a level-0 slot (a single key) is consumed from the front.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "ksim/sim/kernel/check.h"
#include "ksim/sim/kernel/huge_chunk.h"

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

/// Radix-8192 heap of QueueEntry. `Prefetch` is called with the payload slot of
/// each entry as soon as it is filed at level 0 (due within 8192 keys) and with
/// the next entry to pop, so the owner can warm the cache lines it will touch.
///
/// Storage: every slot is a FIFO chain of 256-byte blocks drawn from one pool
/// and recycled last-in first-out, so memory tracks the entries held (not the
/// peak of each slot) and a spill writes into blocks that are still in cache.
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
      const bool have_run = run_head_ < run_.size();
      Level& l0 = levels_[0];
      const unsigned s = first_set_from(l0, digit(floor_, 0));
      if (!have_run && s == kSlots) {
        if (!spill(lim)) return false;
        continue;
      }
      const std::uint64_t slot_key = s < kSlots ? (floor_ & ~kDigitMask) | s : ~std::uint64_t{0};
      // On equal keys the run goes first: it holds entries pushed before the
      // spill that made their key due, and level 0 only what came after.
      if (have_run && static_cast<std::uint64_t>(run_[run_head_].key) <= slot_key) {
        const QueueEntry& e = run_[run_head_];
        if (static_cast<std::uint64_t>(e.key) > lim) return false;
        floor_ = static_cast<std::uint64_t>(e.key);
        out = e;
        --size_;
        if (++run_head_ == run_.size()) {
          run_.clear();
          run_head_ = 0;
        } else if (run_head_ + kRunAhead < run_.size()) {
          prefetch_(run_[run_head_ + kRunAhead].slot);
        }
        return true;
      }
      if (slot_key > lim) return false;
      pop_slot(l0, s, slot_key, out);
      return true;
    }
  }

  /// A lower bound of every key held (cancelled entries included), in O(1):
  /// the run's head, the first used slot of level 0, or the start of the next
  /// level-0 window (every higher level holds keys from there on).
  [[nodiscard]] std::uint64_t key_lower_bound() const {
    std::uint64_t b = (floor_ | kDigitMask) + 1;
    const unsigned s = first_set_from(levels_[0], digit(floor_, 0));
    if (s < kSlots) b = std::min(b, (floor_ & ~kDigitMask) | s);
    if (run_head_ < run_.size()) b = std::min(b, static_cast<std::uint64_t>(run_[run_head_].key));
    return b;
  }

  /// The smallest key among entries for which `live(entry)` holds, or `none`.
  /// Does not reorganize the queue. Cost: the dead entries before the answer
  /// plus one slot (keys in a lower slot or level are below every higher one).
  template <class Live>
  [[nodiscard]] std::int64_t min_live_key(std::int64_t none, Live live) const {
    // The run is sorted; level 0 may hold smaller keys, so take the lesser.
    std::int64_t in_run = none;
    for (std::size_t i = run_head_; i < run_.size(); ++i) {
      if (live(run_[i])) {
        in_run = run_[i].key;
        break;
      }
    }
    const std::int64_t in_slots = min_live_in_levels(none, live);
    if (in_run == none) return in_slots;
    if (in_slots == none) return in_run;
    return in_run < in_slots ? in_run : in_slots;
  }

 private:
  template <class Live>
  [[nodiscard]] std::int64_t min_live_in_levels(std::int64_t none, Live live) const {
    for (unsigned level = 0; level < kLevels; ++level) {
      const Level& l = levels_[level];
      for (unsigned s = first_set_from(l, 0); s < kSlots; s = first_set_from(l, s + 1)) {
        std::uint32_t from = (level == 0 && s == digit(floor_, 0)) ? head_ : 0;
        bool found = false;
        std::int64_t best = 0;
        const Chain& c = l.chains[s];
        for (std::uint32_t bi = c.head; bi != kNil; bi = next_[bi]) {
          const Block& b = block(bi);
          const std::uint32_t n = bi == c.tail ? c.tail_count : kPerBlock;
          for (std::uint32_t i = from; i < n; ++i) {
            if ((!found || b.entries[i].key < best) && live(b.entries[i])) {
              best = b.entries[i].key;
              found = true;
            }
          }
          from = 0;
        }
        if (found) return best;
      }
    }
    return none;
  }

  // 13-bit digits: a delay of up to 67 s (in microseconds) is filed at level 1
  // and moves once before it is popped; the entries due in the next 8.2 ms
  // form the sorted run.
  static constexpr unsigned kDigitBits = 13;
  static constexpr unsigned kSlots = 1u << kDigitBits;
  static constexpr unsigned kWords = kSlots / 64;
  static constexpr unsigned kSummaryWords = (kWords + 63) / 64;
  static constexpr unsigned kLevels = (64 + kDigitBits - 1) / kDigitBits;
  static constexpr std::uint64_t kDigitMask = kSlots - 1;
  static constexpr std::uint32_t kNil = UINT32_MAX;
  static constexpr std::uint32_t kPerBlock = 16;
  static constexpr std::size_t kRunAhead = 8;      // run entries warmed ahead of the pop
  static constexpr std::size_t kRankSortMax = 32;  // rank sort up to here
  static constexpr unsigned kRadixLowBits = 7;     // then two counting passes
  static constexpr unsigned kRadixHighBits = kDigitBits - kRadixLowBits;

  struct alignas(64) Block {
    QueueEntry entries[kPerBlock];
  };
  static_assert(sizeof(Block) == 256);
  static constexpr std::uint32_t kBlocksPerChunk = HugeArray<Block>::kCount;

  // A slot's blocks, oldest first. Every block but the tail is full; the
  // tail's fill count lives here, in memory that stays hot, so an append is a
  // store into the tail block and never waits for it to load.
  struct Chain {
    std::uint32_t head = kNil;
    std::uint32_t tail = kNil;
    std::uint32_t tail_count = 0;
  };

  struct Level {
    std::array<std::uint64_t, kSummaryWords> summary{};  // bit w set <=> bits[w] != 0
    std::array<std::uint64_t, kWords> bits{};            // bit s set <=> chains[s] non-empty
    std::array<Chain, kSlots> chains{};
  };

  static unsigned digit(std::uint64_t key, unsigned level) {
    return static_cast<unsigned>((key >> (kDigitBits * level)) & kDigitMask);
  }

  // First non-empty slot >= from, or kSlots.
  static unsigned first_set_from(const Level& l, unsigned from) {
    if (from >= kSlots) return kSlots;
    const unsigned w = from / 64;
    const std::uint64_t m = l.bits[w] & (~std::uint64_t{0} << (from % 64));
    if (m != 0) return w * 64 + static_cast<unsigned>(std::countr_zero(m));
    // The next non-empty word after w, from the summary.
    for (unsigned nw = w + 1; nw < kWords; nw = (nw / 64 + 1) * 64) {
      const std::uint64_t sm = l.summary[nw / 64] & (~std::uint64_t{0} << (nw % 64));
      if (sm != 0) {
        const unsigned word = (nw / 64) * 64 + static_cast<unsigned>(std::countr_zero(sm));
        return word * 64 + static_cast<unsigned>(std::countr_zero(l.bits[word]));
      }
    }
    return kSlots;
  }

  void set_bit(Level& l, unsigned level, unsigned s) {
    const unsigned w = s / 64;
    l.bits[w] |= std::uint64_t{1} << (s % 64);
    l.summary[w / 64] |= std::uint64_t{1} << (w % 64);
    level_mask_ |= 1u << level;
  }

  void clear_bit(Level& l, unsigned level, unsigned s) {
    const unsigned w = s / 64;
    std::uint64_t& word = l.bits[w];
    word &= ~(std::uint64_t{1} << (s % 64));
    if (word != 0) return;
    l.summary[w / 64] &= ~(std::uint64_t{1} << (w % 64));
    for (const std::uint64_t sm : l.summary) {
      if (sm != 0) return;
    }
    level_mask_ &= ~(1u << level);
  }

  [[nodiscard]] Block& block(std::uint32_t i) {
    return chunks_[i / kBlocksPerChunk].data()[i % kBlocksPerChunk];
  }
  [[nodiscard]] const Block& block(std::uint32_t i) const {
    return chunks_[i / kBlocksPerChunk].data()[i % kBlocksPerChunk];
  }

  std::uint32_t acquire() {
    std::uint32_t i = free_;
    if (i != kNil) {
      free_ = next_[i];
    } else {
      i = static_cast<std::uint32_t>(next_.size());
      KSIM_CHECK(i != kNil, "radix queue: too many blocks");
      if (i % kBlocksPerChunk == 0) chunks_.emplace_back();
      next_.push_back(kNil);
    }
    next_[i] = kNil;
    return i;
  }

  void release(std::uint32_t i) {
    next_[i] = free_;
    free_ = i;
  }

  // Files an entry (key >= floor_) at the tail of its level and slot.
  void file(const QueueEntry& e) {
    const auto key = static_cast<std::uint64_t>(e.key);
    const std::uint64_t diff = key ^ floor_;
    const unsigned level =
        diff == 0 ? 0u : static_cast<unsigned>(63 - std::countl_zero(diff)) / kDigitBits;
    const unsigned s = digit(key, level);
    Level& l = levels_[level];
    // Level 0 holds the entries due within the next 8192 keys: warm them now.
    if (level == 0) prefetch_(e.slot);
    Chain& c = l.chains[s];
    if (c.tail == kNil) {
      c.head = c.tail = acquire();
      c.tail_count = 0;
      set_bit(l, level, s);
    } else if (c.tail_count == kPerBlock) {
      const std::uint32_t b = acquire();
      next_[c.tail] = b;
      c.tail = b;
      c.tail_count = 0;
    }
    block(c.tail).entries[c.tail_count++] = e;
  }

  // Pops the front of level-0 slot s, whose key is `key` (the smallest held).
  void pop_slot(Level& l0, unsigned s, std::uint64_t key, QueueEntry& out) {
    if (key != floor_) {
      floor_ = key;  // the slot at the old floor is empty, so head_ is already 0
    }
    Chain& c = l0.chains[s];
    const std::uint32_t bi = c.head;
    out = block(bi).entries[head_++];
    --size_;
    if (head_ == (bi == c.tail ? c.tail_count : kPerBlock)) {
      head_ = 0;
      const std::uint32_t next = next_[bi];
      release(bi);
      if (next == kNil) {
        c = Chain{};
        clear_bit(l0, 0, s);
        return;
      }
      c.head = next;
    }
    prefetch_(block(c.head).entries[head_].slot);
  }

  // Level 0 and the run are empty: raise the floor to the start of the lowest non-empty
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
    const Chain chain = l.chains[s];
    l.chains[s] = Chain{};
    clear_bit(l, level, s);
    std::uint32_t bi = chain.head;
    while (bi != kNil) {
      // Copy the block out and recycle it first: the refiling below reuses it
      // while it is still in cache.
      QueueEntry buf[kPerBlock];
      const Block& b = block(bi);
      const std::uint32_t n = bi == chain.tail ? chain.tail_count : kPerBlock;
      const std::uint32_t next = next_[bi];
      for (std::uint32_t i = 0; i < n; ++i) buf[i] = b.entries[i];
      release(bi);
      for (std::uint32_t i = 0; i < n; ++i) {
        // What becomes due within the new floor's level-0 window goes to the
        // run (sorted below) instead of one level-0 slot per key.
        if (((static_cast<std::uint64_t>(buf[i].key) ^ floor_) >> kDigitBits) == 0) {
          run_.push_back(buf[i]);
        } else {
          file(buf[i]);
        }
      }
      bi = next;
    }
    sort_run();
    return true;
  }

  // One stable counting pass: `to` = `from` ordered by bits [shift, shift+bits)
  // of the key.
  void radix_pass(const std::vector<QueueEntry>& from, std::vector<QueueEntry>& to, unsigned shift,
                  unsigned bits) {
    const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
    std::array<std::uint32_t, (std::size_t{1} << kRadixLowBits) + 1> counts{};
    KSIM_CHECK(bits <= kRadixLowBits, "radix pass wider than its counters");
    for (const QueueEntry& e : from)
      ++counts[((static_cast<std::uint64_t>(e.key) >> shift) & mask) + 1];
    for (std::size_t d = 1; d <= mask + 1; ++d) counts[d] += counts[d - 1];
    to.resize(from.size());
    for (const QueueEntry& e : from) {
      to[counts[(static_cast<std::uint64_t>(e.key) >> shift) & mask]++] = e;
    }
  }

  // Stable sort of the run by key (FIFO among equal keys). All keys share
  // every digit but the lowest, so only that digit is compared.
  void sort_run() {
    const std::size_t n = run_.size();
    if (n <= 1) {
      // Nothing to order.
    } else if (n <= kRankSortMax) {
      // Branch-free rank sort: rank = how many (digit, index) pairs are
      // smaller. The pairs are distinct, so ties keep their push order; the
      // counting loop vectorizes, where insertion sort mispredicts per entry.
      rank_keys_.resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        rank_keys_[i] =
            static_cast<std::int32_t>((digit(static_cast<std::uint64_t>(run_[i].key), 0) << 8) | i);
      }
      sorted_.resize(n);
      const std::int32_t* k = rank_keys_.data();
      for (std::size_t i = 0; i < n; ++i) {
        std::size_t rank = 0;
        for (std::size_t j = 0; j < n; ++j) rank += static_cast<std::size_t>(k[j] < k[i]);
        sorted_[rank] = run_[i];
      }
      run_.swap(sorted_);
    } else {
      // LSD radix sort of the lowest digit in two stable counting passes.
      radix_pass(run_, sorted_, 0, kRadixLowBits);
      radix_pass(sorted_, run_, kRadixLowBits, kRadixHighBits);
    }
    for (std::size_t i = 0; i < n && i < kRunAhead; ++i) prefetch_(run_[i].slot);
  }

  std::unique_ptr<Level[]> levels_;
  // Blocks live in huge-page chunks and never move.
  std::vector<HugeArray<Block>> chunks_;
  std::vector<std::uint32_t> next_;  // per block: the next block of its chain (or free list)
  std::uint32_t free_ = kNil;        // free blocks, linked through next_
  // The run: entries due in the current level-0 window that arrived by a
  // spill, sorted by key; consumed from run_head_.
  std::vector<QueueEntry> run_;
  std::size_t run_head_ = 0;
  std::vector<QueueEntry> sorted_;       // sort scratch
  std::vector<std::int32_t> rank_keys_;  // rank-sort scratch
  std::uint64_t floor_ = 0;
  std::uint32_t head_ = 0;   // entries consumed in the head block of level-0 slot digit(floor_, 0)
  unsigned level_mask_ = 0;  // bit L set <=> level L has a non-empty slot
  std::size_t size_ = 0;
  [[no_unique_address]] Prefetch prefetch_;
};

}  // namespace ksim
