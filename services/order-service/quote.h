// The CPU-heavy route of order-service: a price and delivery-time quote by
// Monte Carlo simulation. Pure and deterministic (a fixed-seed generator).
//
// Cost model: `samples` simulated deliveries of kStages random stages each,
// i.e. about samples * kStages * (one log + a few flops): linear in samples.
#pragma once

#include <cstdint>

namespace ksim::services::order {

inline constexpr std::int64_t kMaxSamples = 10'000'000;
inline constexpr int kStages = 4;  // picking, packing, line haul, last mile

struct Quote {
  std::int64_t quantity = 0;
  double unit_price = 0.0;
  double subtotal = 0.0;
  double discount = 0.0;  // volume discount, a fraction of the subtotal
  double total = 0.0;
  double delivery_days_p50 = 0.0;
  double delivery_days_p95 = 0.0;
  std::int64_t samples = 0;
};

// Preconditions: quantity >= 1, unit_price >= 0, 1 <= samples <= kMaxSamples.
Quote make_quote(std::int64_t quantity, double unit_price, std::int64_t samples);

}  // namespace ksim::services::order
