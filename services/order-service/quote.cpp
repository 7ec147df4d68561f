#include "quote.h"

#include <array>
#include <cmath>
#include <vector>

namespace ksim::services::order {
namespace {

// splitmix64: tiny, fast and identical everywhere (the standard library's
// distributions differ between implementations).
struct SplitMix {
  std::uint64_t state;
  double uniform() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (static_cast<double>(z >> 11) + 0.5) * 0x1.0p-53;  // (0, 1)
  }
};

constexpr double kBinDays = 0.01;
constexpr std::size_t kBins = 6000;  // 60 days; later deliveries land in the last bin

double percentile(const std::vector<std::int64_t>& bins, std::int64_t samples, double q) {
  const auto wanted = static_cast<std::int64_t>(std::ceil(q * static_cast<double>(samples)));
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < bins.size(); ++i) {
    seen += bins[i];
    if (seen >= wanted) return static_cast<double>(i + 1) * kBinDays;
  }
  return static_cast<double>(bins.size()) * kBinDays;
}

}  // namespace

Quote make_quote(std::int64_t quantity, double unit_price, std::int64_t samples) {
  // Mean days per stage; bigger orders take longer to pick and pack.
  const double scale = 1.0 + std::log10(static_cast<double>(quantity));
  const std::array<double, kStages> mean{0.2 * scale, 0.1 * scale, 1.5, 0.7};
  SplitMix rng{0x5eedULL + static_cast<std::uint64_t>(quantity)};
  std::vector<std::int64_t> bins(kBins, 0);
  for (std::int64_t s = 0; s < samples; ++s) {
    double days = 0.0;
    for (const double m : mean) days -= m * std::log(rng.uniform());
    const auto bin = static_cast<std::size_t>(days / kBinDays);
    ++bins[bin < kBins ? bin : kBins - 1];
  }
  Quote q;
  q.quantity = quantity;
  q.unit_price = unit_price;
  q.subtotal = unit_price * static_cast<double>(quantity);
  q.discount = quantity >= 1000 ? 0.10 : (quantity >= 100 ? 0.05 : 0.0);
  q.total = q.subtotal * (1.0 - q.discount);
  q.delivery_days_p50 = percentile(bins, samples, 0.50);
  q.delivery_days_p95 = percentile(bins, samples, 0.95);
  q.samples = samples;
  return q;
}

}  // namespace ksim::services::order
