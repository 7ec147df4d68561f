// A log-linear latency histogram (HdrHistogram's layout): exact below
// 2 x 2^SubBits, then 2^SubBits linear sub-buckets per power of two, so a
// value reported at its bucket's middle is within 1 / 2^(SubBits+1) of the
// truth. Values are unsigned integers; memory grows with the largest value
// recorded. Two instances: Histogram (7 bits, 64-bit counts: 0.4 %, about
// 24 KiB up to one second in ns) and CoarseHistogram (5 bits, 32-bit
// counts: 1.6 %, about 2 KiB up to one second in us) for the many windows.
#pragma once

#include <cstdint>
#include <vector>

namespace ksim::services::load {

template <unsigned SubBits, class Count>
class BasicHistogram {
 public:
  /// The bound on |reported - true| / true for any percentile but the
  /// exact q = 1 (a bucket is at most 1 / 2^SubBits of its lower bound wide).
  static constexpr double kRelativeError = 1.0 / static_cast<double>(2u << SubBits);

  /// Adds one value (O(1); allocates only when `value` is a new maximum
  /// beyond the buckets held so far).
  void record(std::uint64_t value) {
    const std::size_t i = index_of(value);
    if (i >= counts_.size()) counts_.resize(i + 1, 0);
    ++counts_[i];
    ++count_;
    sum_ += static_cast<double>(value);
    if (value > max_) max_ = value;
    if (value < min_) min_ = value;
  }

  /// Adds every value of `other` (the result is the histogram that
  /// recording both streams would give).
  void merge(const BasicHistogram& other);

  /// The value at quantile q in [0, 1]: the smallest recorded value v with
  /// at least ceil(q x count) values <= v, within kRelativeError; the exact
  /// max for q = 1. 0 when empty.
  [[nodiscard]] std::uint64_t quantile(double q) const;

  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] std::uint64_t max() const { return max_; }
  [[nodiscard]] std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  [[nodiscard]] double mean() const { return count_ == 0 ? 0 : sum_ / static_cast<double>(count_); }

  /// The bucket of a value, and a bucket's [lower, upper] values.
  static std::size_t index_of(std::uint64_t value);
  static std::uint64_t lower_of(std::size_t index);
  static std::uint64_t upper_of(std::size_t index);

 private:
  std::vector<Count> counts_;
  std::uint64_t count_ = 0;
  double sum_ = 0;
  std::uint64_t max_ = 0;
  std::uint64_t min_ = UINT64_MAX;
};

using Histogram = BasicHistogram<7, std::uint64_t>;
using CoarseHistogram = BasicHistogram<5, std::uint32_t>;

extern template class BasicHistogram<7, std::uint64_t>;
extern template class BasicHistogram<5, std::uint32_t>;

}  // namespace ksim::services::load
