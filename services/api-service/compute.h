// The CPU-burning page of the HPA walkthrough (php-apache's index.php:
// x += sqrt(x) a million times), with the loop count a parameter.
#pragma once

#include <cstdint>

namespace ksim::services::api {

inline constexpr std::int64_t kDefaultComputeN = 100'000;
inline constexpr std::int64_t kMaxComputeN = 100'000'000;

// Work proportional to n (n square roots); the result depends on every step,
// so the optimiser cannot drop the loop. Precondition: 0 <= n.
double burn_cpu(std::int64_t n);

}  // namespace ksim::services::api
