// calibrate/fit: the cost per request against hand-computed samples.
#include "ksim/calibrate/fit.h"

#include <gtest/gtest.h>

namespace ksim::calibrate {
namespace {

RateSample sample(double rate, double seconds, std::uint64_t done, double cpu) {
  RateSample s;
  s.rate = rate;
  s.seconds = seconds;
  s.completed = done;
  s.cpu_seconds = cpu;
  s.service_mean_ms = 1.0;
  s.service_sd_ms = 0.5;
  s.response_bytes_mean = 100;
  return s;
}

// CPU = 0.01 CPU-s/s idle x 10 s + 0.3 ms x requests, exactly: the slope
// through the origin of the CPU above idle is 0.3 ms at every rate.
TEST(CalibrateFit, SlopeAboveTheIdleBaseline) {
  const std::vector<RateSample> s = {sample(50, 10, 500, 0.1 + 0.15),
                                     sample(100, 10, 1000, 0.1 + 0.30),
                                     sample(200, 10, 2000, 0.1 + 0.60)};
  const auto fit = fit_route(s, 0.01);
  ASSERT_TRUE(fit.has_value()) << fit.error();
  EXPECT_NEAR(fit->cpu_mean_ms, 0.3, 1e-12);
  ASSERT_EQ(fit->cpu_per_request_ms.size(), 3u);
  for (double per : fit->cpu_per_request_ms) EXPECT_NEAR(per, 0.3, 1e-12);
  EXPECT_NEAR(fit->spread, 0.0, 1e-9);
  // sd = mean x CV of the service times at the lowest rate (0.5 / 1.0).
  EXPECT_NEAR(fit->cpu_sd_ms, 0.15, 1e-12);
  EXPECT_DOUBLE_EQ(fit->response_bytes, 100);
}

// Not linear: 0.2 ms at 1,000 requests, 0.4 ms at 2,000. The slope weighs
// the larger step more: (1000 x 0.2 + 2000 x 0.8) / (1000^2 + 2000^2) s =
// 1.8 / 5e6 s = 0.36 ms; the spread is |0.2 - 0.36| / 0.36.
TEST(CalibrateFit, LeastSquaresAndSpread) {
  const std::vector<RateSample> s = {sample(100, 10, 1000, 0.2), sample(200, 10, 2000, 0.8)};
  const auto fit = fit_route(s, 0.0);
  ASSERT_TRUE(fit.has_value());
  EXPECT_NEAR(fit->cpu_mean_ms, 0.36, 1e-12);
  EXPECT_NEAR(fit->spread, (0.36 - 0.2) / 0.36, 1e-9);
}

TEST(CalibrateFit, Refusals) {
  EXPECT_FALSE(fit_route({}, 0).has_value());
  EXPECT_EQ(fit_route({sample(10, 1, 0, 0.1)}, 0).error(), "no request completed");
  RateSample failing = sample(100, 10, 980, 0.3);
  failing.failed = 20;  // 2 % > 1 %
  EXPECT_EQ(fit_route({failing}, 0).error(), "20 of 1000 requests failed at 100 requests/s");
  failing.failed = 9;  // under 1 %: kept
  EXPECT_TRUE(fit_route({failing}, 0).has_value());
}

TEST(CalibrateFit, DurationsTheScenarioReaderTakes) {
  EXPECT_EQ(format_ms(0.2134), "213us");
  EXPECT_EQ(format_ms(0.0006), "1us");
  EXPECT_EQ(format_ms(0.0004), "0us");
  EXPECT_EQ(format_ms(2.25), "2.25ms");
  EXPECT_EQ(format_ms(0.99999), "1ms");
  EXPECT_EQ(format_ms(1234.5), "1234ms");  // %.0f rounds half to even
  EXPECT_EQ(format_ms(0.0), "0us");
}

}  // namespace
}  // namespace ksim::calibrate
