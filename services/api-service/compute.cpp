#include "compute.h"

#include <cmath>

namespace ksim::services::api {

double burn_cpu(std::int64_t n) {
  // php-apache starts at 0.0001; the growth of x keeps each sqrt dependent
  // on the last, so the steps cannot run in parallel either.
  double x = 0.0001;
  for (std::int64_t i = 0; i < n; ++i) x += std::sqrt(x);
  return x;
}

}  // namespace ksim::services::api
