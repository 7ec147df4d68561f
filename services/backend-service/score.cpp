#include "score.h"

#include <algorithm>
#include <cmath>

namespace ksim::services::backend {
namespace {

// splitmix64: a tiny, well-mixed generator; quality beyond that is not needed.
std::uint64_t next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double uniform(std::uint64_t& state) {
  return static_cast<double>(next(state) >> 11) * 0x1.0p-53;  // [0, 1)
}

std::uint64_t seed_of(const Item& item) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (const char c : item.id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}

}  // namespace

Score score_item(const Item& item, std::int64_t rounds) {
  std::uint64_t state = seed_of(item);
  // Demand falls with price (elasticity 1.2 around a reference price of 10).
  const double mean_demand = 20.0 * std::pow((item.price + 1.0) / 10.0, -1.2);
  double revenue = 0;
  std::int64_t sold_out = 0;
  for (std::int64_t r = 0; r < rounds; ++r) {
    // Exponential demand by inversion: one log per simulated day.
    const double demand = -mean_demand * std::log(1.0 - uniform(state));
    const double sold = std::min(demand, static_cast<double>(item.quantity));
    if (demand > static_cast<double>(item.quantity)) ++sold_out;
    revenue += sold * item.price;
  }
  const double n = static_cast<double>(rounds);
  return {revenue / n, static_cast<double>(sold_out) / n};
}

}  // namespace ksim::services::backend
