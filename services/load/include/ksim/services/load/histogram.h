// A log-linear latency histogram (HdrHistogram's layout): exact below 256,
// then 128 linear sub-buckets per power of two, so any recorded value is
// known within 1/256 of itself (0.4 %) once reported at its bucket's middle.
// Values are unsigned integers (the recorder uses nanoseconds); memory grows
// with the largest value recorded (about 14 KiB up to one second in ns).
#pragma once

#include <cstdint>
#include <vector>

namespace ksim::services::load {

class Histogram {
 public:
  /// The bound on |reported - true| / true for any percentile (a value is
  /// reported at its bucket's middle, a bucket is at most 1/128 of its lower
  /// bound wide).
  static constexpr double kRelativeError = 1.0 / 256;

  /// Adds one value (O(1), allocates only when `value` is a new maximum
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

  /// Adds every value of `other` (histograms are mergeable: the result is
  /// the one recording both streams would give).
  void merge(const Histogram& other);

  /// The value at quantile q in [0, 1]: the smallest recorded value v
  /// such that at least ceil(q x count) values are <= v, within
  /// kRelativeError; the exact max for q = 1. 0 when empty.
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
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  double sum_ = 0;
  std::uint64_t max_ = 0;
  std::uint64_t min_ = UINT64_MAX;
};

}  // namespace ksim::services::load
