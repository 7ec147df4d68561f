// LatencyHistogram: a log-linear (HdrHistogram-like) histogram of durations in
// whole microseconds, for per-route request latencies. record() is O(1), does
// not allocate and uses no floating point; quantiles have a bounded relative
// error.
//
// Buckets: values 0 .. 255 µs each have their own bucket (exact). Above that,
// every power-of-two range [2^e, 2^(e+1)) is split into 128 equal buckets of
// width 2^(e-7), so a bucket's width is less than 1/128 of its lowest value.
// The range is 0 .. kMaxValue (1 hour); 3287 buckets of 4 bytes (~13 KB).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "ksim/sim/kernel/check.h"
#include "ksim/sim/kernel/time.h"

namespace ksim::trace {

/// The bucket layout of LatencyHistogram, as functions of microseconds.
namespace latency_buckets {

/// Sub-buckets per power of two above the exact range (2^kSubBits).
inline constexpr int kSubBits = 7;
/// Values up to kExactMask (255 µs) have one bucket each.
inline constexpr std::uint64_t kExactMask = (std::uint64_t{1} << (kSubBits + 1)) - 1;

/// The bucket of a value in [0, 2^63). Values up to kExactMask map to
/// themselves; the function is monotonic.
constexpr std::size_t index(std::uint64_t us) {
  // b = 0 for us <= 255, else the number of low bits dropped (the bucket is
  // 2^b wide); us >> b then lies in [128, 256) and the octaves follow on.
  const int b = static_cast<int>(std::bit_width(us | kExactMask)) - (kSubBits + 1);
  return (static_cast<std::size_t>(b) << kSubBits) + static_cast<std::size_t>(us >> b);
}
/// The lowest value (µs) of bucket `i`.
constexpr std::uint64_t lowest(std::size_t i) {
  if (i <= kExactMask) return i;
  const int b = static_cast<int>(i >> kSubBits) - 1;
  return static_cast<std::uint64_t>(i - (static_cast<std::size_t>(b) << kSubBits)) << b;
}
/// The highest value (µs, inclusive) of bucket `i`.
constexpr std::uint64_t highest(std::size_t i) {
  if (i <= kExactMask) return i;
  const int b = static_cast<int>(i >> kSubBits) - 1;
  return lowest(i) + (std::uint64_t{1} << b) - 1;
}

}  // namespace latency_buckets

class LatencyHistogram {
 public:
  /// The largest value kept: longer durations are recorded as exactly this.
  static constexpr std::int64_t kMaxValueUs = 3'600'000'000;  // 1 hour
  static constexpr Duration kMaxValue{kMaxValueUs};
  static constexpr std::size_t kBuckets = latency_buckets::index(kMaxValueUs) + 1;
  /// Upper bound of the relative error of quantile(): 1/128 = 0.78125 %.
  static constexpr double kMaxRelativeError = 1.0 / (1 << latency_buckets::kSubBits);

  /// Records one duration. Negative durations count as 0, durations above
  /// kMaxValue as kMaxValue (for count, quantiles, max and mean alike).
  /// Precondition: fewer than 2^32 records fall into one bucket (checked).
  void record(Duration d) {
    const auto us = static_cast<std::uint64_t>(
        d.count() < 0 ? 0 : (d.count() > kMaxValueUs ? kMaxValueUs : d.count()));
    std::uint32_t& c = counts_[latency_buckets::index(us)];
    ++c;
    KSIM_CHECK(c != 0, "LatencyHistogram: bucket count overflow");
    ++count_;
    sum_us_ += us;
    max_us_ = us > max_us_ ? us : max_us_;
  }

  /// Number of recorded durations.
  std::uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }

  /// The q-quantile, q in [0, 1] (clamped). With n = count() and the values
  /// sorted ascending v_1 <= ... <= v_n, the exact quantile is v_r with rank
  /// r = max(1, ceil(q * n)). The value returned is the highest value of the
  /// bucket holding v_r, capped at max(): never below v_r, and above it by
  /// less than kMaxRelativeError * v_r (exact for v_r < 256 µs). 0 when empty.
  Duration quantile(double q) const;

  /// The largest recorded duration (exact, after clamping); 0 when empty.
  Duration max() const { return Duration{static_cast<std::int64_t>(max_us_)}; }
  /// The arithmetic mean of the recorded durations (exact sum, rounded to the
  /// nearest microsecond); 0 when empty.
  Duration mean() const;

  /// Adds every record of `other`: the result equals recording both inputs.
  void merge(const LatencyHistogram& other);
  /// Forgets every record.
  void reset();

 private:
  std::array<std::uint32_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t sum_us_ = 0;  // exact up to 5e9 records of 1 hour (2^64 µs)
  std::uint64_t max_us_ = 0;
};

}  // namespace ksim::trace
