// Histogram (histogram.h).
#include "ksim/services/load/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ksim::services::load {
namespace {

constexpr unsigned kSubBits = 7;                  // 128 sub-buckets a power of two
constexpr std::uint64_t kSub = 1ull << kSubBits;  // 128
constexpr std::uint64_t kExact = 2 * kSub;        // values below are their own bucket

}  // namespace

// Values in [2^(7+s), 2^(8+s)) for s >= 1 keep their top 8 bits: bucket
// kExact + (s - 1) x 128 + (v >> s) - 128, of width 2^s.
std::size_t Histogram::index_of(std::uint64_t value) {
  if (value < kExact) return static_cast<std::size_t>(value);
  const unsigned shift = static_cast<unsigned>(std::bit_width(value)) - (kSubBits + 1);
  return static_cast<std::size_t>(kExact + (shift - 1) * kSub + (value >> shift) - kSub);
}

std::uint64_t Histogram::lower_of(std::size_t index) {
  if (index < kExact) return index;
  const std::uint64_t k = index - kExact;
  const std::uint64_t shift = k / kSub + 1;
  return (kSub + k % kSub) << shift;
}

std::uint64_t Histogram::upper_of(std::size_t index) {
  if (index < kExact) return index;
  const std::uint64_t shift = (index - kExact) / kSub + 1;
  return lower_of(index) + (1ull << shift) - 1;
}

void Histogram::merge(const Histogram& other) {
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

std::uint64_t Histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  if (q >= 1.0) return max_;
  q = std::max(q, 0.0);
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      // The bucket's middle, but never past what was actually recorded.
      const std::uint64_t mid = lower_of(i) + (upper_of(i) - lower_of(i)) / 2;
      return std::clamp(mid, min(), max_);
    }
  }
  return max_;
}

}  // namespace ksim::services::load
