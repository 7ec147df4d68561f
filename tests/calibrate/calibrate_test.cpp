// calibrate(): the HTTP library's example binary measured for real. What is
// asserted follows from what the routes do, not from the machine's speed:
// /burn?ms=2 spins on the CPU for 2 ms of wall time (so it costs at most
// that, plus the request's own handling) and costs more than /items/{id},
// which only formats a small JSON body.
#include "ksim/calibrate/calibrate.h"

#include <gtest/gtest.h>

namespace ksim::calibrate {
namespace {

using namespace std::chrono_literals;

TEST(CalibrateRun, ExampleBinaryRoutesAreMeasured) {
  auto spec =
      read_spec(std::filesystem::path(KSIM_SOURCE_DIR) / "tests/calibrate/data/example.yaml");
  ASSERT_TRUE(spec.has_value());
  CalibrateOptions o;
  o.bin_dir = KSIM_EXAMPLE_BIN_DIR;
  o.service_cpu = 0;
  o.duration = 1s;
  o.warmup = 200ms;
  o.idle = 300ms;
  std::vector<std::string> lines;
  o.progress = [&lines](const std::string& l) { lines.push_back(l); };
  const auto p = calibrate(*spec, o);
  ASSERT_TRUE(p.has_value()) << p.error();
  EXPECT_EQ(p->service, "ksim-http-example");
  EXPECT_EQ(p->service_cpu, 0);
  EXPECT_GT(p->peak_rss_bytes, 0u);
  EXPECT_GE(p->idle_cpu_per_second, 0.0);
  ASSERT_EQ(p->routes.size(), 2u);
  const RouteProfile& burn = p->routes[0];
  const RouteProfile& items = p->routes[1];
  EXPECT_EQ(burn.pattern, "/burn");
  EXPECT_EQ(items.pattern, "/items/{id}");
  for (const RouteProfile* r : {&burn, &items}) {
    ASSERT_EQ(r->samples.size(), 2u) << r->pattern;
    for (const RateSample& s : r->samples) {
      EXPECT_GT(s.completed, 0u);
      EXPECT_EQ(s.failed, 0u);
      EXPECT_GT(s.cpu_seconds, 0.0);
    }
  }
  EXPECT_GT(burn.fit.cpu_mean_ms, items.fit.cpu_mean_ms);
  EXPECT_LT(burn.fit.cpu_mean_ms, 3.0);
  // {"burned_ms":2,"spins":N} and {"id":"i-1"}.
  EXPECT_GT(burn.fit.response_bytes, 20.0);
  EXPECT_EQ(items.fit.response_bytes, 12.0);
  EXPECT_EQ(lines.size(), 4u);  // one per step
}

TEST(CalibrateRun, ServiceThatNeverGetsReadyIsAnError) {
  CalibrationSpec spec;
  spec.service = "sleeper";
  spec.command = {"sh", "-c", "echo waiting for nothing; exec sleep 600"};
  RouteSpec route;
  route.method = "GET";
  route.pattern = "/";
  route.request.path = "/";
  route.rates = {1};
  spec.routes.push_back(route);
  spec.ready_path = "/ready";
  CalibrateOptions o;
  o.ready_timeout = 1s;
  const auto p = calibrate(spec, o);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().find("was not ready (GET /ready answering 200) within 1 s"),
            std::string::npos)
      << p.error();
  EXPECT_NE(p.error().find("| waiting for nothing"), std::string::npos) << p.error();
}

}  // namespace
}  // namespace ksim::calibrate
