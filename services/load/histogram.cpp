// BasicHistogram (histogram.h), instantiated for Histogram and CoarseHistogram.
#include "ksim/services/load/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ksim::services::load {

// With S = 2^SubBits: values below 2S are their own bucket; values in
// [2^(SubBits+s), 2^(SubBits+1+s)) for s >= 1 keep their top SubBits+1
// bits: bucket 2S + (s - 1) S + (v >> s) - S, of width 2^s.
template <unsigned SubBits, class Count>
std::size_t BasicHistogram<SubBits, Count>::index_of(std::uint64_t value) {
  constexpr std::uint64_t kSub = 1ull << SubBits;
  if (value < 2 * kSub) return static_cast<std::size_t>(value);
  const unsigned shift = static_cast<unsigned>(std::bit_width(value)) - (SubBits + 1);
  return static_cast<std::size_t>(2 * kSub + (shift - 1) * kSub + (value >> shift) - kSub);
}

template <unsigned SubBits, class Count>
std::uint64_t BasicHistogram<SubBits, Count>::lower_of(std::size_t index) {
  constexpr std::uint64_t kSub = 1ull << SubBits;
  if (index < 2 * kSub) return index;
  const std::uint64_t k = index - 2 * kSub;
  return (kSub + k % kSub) << (k / kSub + 1);
}

template <unsigned SubBits, class Count>
std::uint64_t BasicHistogram<SubBits, Count>::upper_of(std::size_t index) {
  constexpr std::uint64_t kSub = 1ull << SubBits;
  if (index < 2 * kSub) return index;
  const std::uint64_t shift = (index - 2 * kSub) / kSub + 1;
  return lower_of(index) + (1ull << shift) - 1;
}

template <unsigned SubBits, class Count>
void BasicHistogram<SubBits, Count>::merge(const BasicHistogram& other) {
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

template <unsigned SubBits, class Count>
std::uint64_t BasicHistogram<SubBits, Count>::quantile(double q) const {
  if (count_ == 0) return 0;
  if (q >= 1.0) return max_;
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(std::max(q, 0.0) * static_cast<double>(count_))));
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

template class BasicHistogram<7, std::uint64_t>;
template class BasicHistogram<5, std::uint32_t>;

}  // namespace ksim::services::load
