#include "ksim/sim/trace/histogram.h"

#include <cmath>

namespace ksim::trace {

Duration LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return Duration{0};
  q = q < 0.0 ? 0.0 : (q > 1.0 ? 1.0 : q);
  const auto n = static_cast<double>(count_);
  auto rank = static_cast<std::uint64_t>(std::ceil(q * n));
  rank = rank < 1 ? 1 : (rank > count_ ? count_ : rank);
  // No bucket above max()'s holds a record, so the walk ends by then.
  const std::size_t last = latency_buckets::index(max_us_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i <= last; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const std::uint64_t high = latency_buckets::highest(i);
      return Duration{static_cast<std::int64_t>(high < max_us_ ? high : max_us_)};
    }
  }
  return max();  // unreachable: counts_ sum to count_
}

Duration LatencyHistogram::mean() const {
  if (count_ == 0) return Duration{0};
  return Duration{static_cast<std::int64_t>((sum_us_ + count_ / 2) / count_)};
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBuckets; ++i) {
    const std::uint64_t sum = std::uint64_t{counts_[i]} + other.counts_[i];
    KSIM_CHECK(sum <= UINT32_MAX, "LatencyHistogram::merge: bucket count overflow");
    counts_[i] = static_cast<std::uint32_t>(sum);
  }
  count_ += other.count_;
  sum_us_ += other.sum_us_;
  max_us_ = other.max_us_ > max_us_ ? other.max_us_ : max_us_;
}

void LatencyHistogram::reset() { *this = LatencyHistogram{}; }

}  // namespace ksim::trace
