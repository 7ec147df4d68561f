// The CPU-heavy route's computation: a Monte Carlo estimate of an item's
// expected revenue per day under random demand. Cost is linear in `rounds`
// (one simulated day each) so load on GET /backend/items/{id}/score drives CPU
// the way the HPA walkthrough's php-apache page does.
#pragma once

#include <cstdint>

#include "item_store.h"

namespace ksim::services::backend {

inline constexpr std::int64_t kMaxScoreRounds = 1'000'000;

struct Score {
  double expected_revenue = 0;  // per simulated day, same unit as price
  double sell_out_rate = 0;     // fraction of days demand exceeded the stock
};

// Deterministic: the same item and rounds give the same score (the random
// stream is seeded from the id). Precondition: 1 <= rounds <= kMaxScoreRounds.
Score score_item(const Item& item, std::int64_t rounds);

}  // namespace ksim::services::backend
