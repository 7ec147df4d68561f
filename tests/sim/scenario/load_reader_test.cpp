// load: target, route mix, every phase shape with its defaults, replays,
// and the located errors (the issue's "load.phases[2].rps" example).
#include <gtest/gtest.h>

#include <chrono>

#include "helpers.h"

namespace ksim::scenario {
namespace {

using namespace std::chrono_literals;
using testing::errors_of;
using testing::parse_ok;

TEST(LoadReader, Defaults) {
  const Scenario s = parse_ok(R"(load:
  routes: [{path: /}]
  phases: [{shape: constant, rps: 5, duration: 1m}]
)");
  EXPECT_EQ(s.load.target.kind, LoadTarget::Kind::kIngress);
  EXPECT_EQ(s.load.target.namespace_, "shop");  // the manifests' only Ingress
  EXPECT_EQ(s.load.target.name, "web");
  EXPECT_EQ(s.load.target.host, "");
  EXPECT_EQ(s.load.routes, (std::vector<RouteWeight>{{"GET", "/", 1.0, "", ""}}));
  ASSERT_EQ(s.load.phases.size(), 1u);
  const LoadPhase& p = s.load.phases[0];
  EXPECT_EQ(p.arrivals, Arrivals::kPoisson);
  EXPECT_EQ(p.duration, 1min);
  EXPECT_TRUE(p.routes.empty());
  EXPECT_EQ(std::get<ConstantRate>(p.shape).rps, 5);
  EXPECT_EQ(p.line, 3);
}

// A route's body and content type are kept for ksim-load (real servers).
TEST(LoadReader, RouteBodies) {
  const Scenario s = parse_ok(R"(load:
  routes:
    - {method: POST, path: /orders, body: '{"q":1}', weight: 2}
    - {method: PUT, path: /x, body: 'a=1', contentType: application/x-www-form-urlencoded}
    - {path: "/api/compute?n=1000000&fast"}
  phases: [{shape: constant, rps: 5, duration: 1m}]
)");
  ASSERT_EQ(s.load.routes.size(), 3u);
  EXPECT_EQ(s.load.routes[2].path, "/api/compute?n=1000000&fast");  // a query, kept
  EXPECT_EQ(s.load.routes[0].body, R"({"q":1})");
  EXPECT_EQ(s.load.routes[0].content_type, "");
  EXPECT_EQ(s.load.routes[1].content_type, "application/x-www-form-urlencoded");
}

TEST(LoadReader, QueryErrors) {
  const auto errors = errors_of(R"(load:
  routes: [{path: "/a?b c"}, {path: "/a/b?c#d"}, {path: "/a b?c"}]
  phases: [{shape: constant, rps: 5, duration: 1m}]
)");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0],
            "x.yaml:2: load.routes[0].path: a query must not hold spaces or '#', got 'b c'");
  EXPECT_EQ(errors[1],
            "x.yaml:2: load.routes[1].path: a query must not hold spaces or '#', got 'c#d'");
  EXPECT_NE(errors[2].find("load.routes[2].path"), std::string::npos);
}

TEST(LoadReader, EveryShape) {
  const Scenario s = parse_ok(R"(load:
  target: {service: web}
  arrivals: deterministic
  routes:
    - {method: POST, path: /orders, weight: 3}
    - {path: /products}
  phases:
    - {shape: ramp, from: 1, to: 10, duration: 10m}
    - {shape: step, from: 1, to: 10, at: 30s, duration: 1m, arrivals: poisson}
    - {shape: spike, rps: 5, peak: 50, at: 1m, width: 10s, duration: 5m}
    - {shape: sine, mean: 10, amplitude: 5, period: 1h, duration: 2h}
    - {shape: diurnal, min: 10, max: 100}
    - shape: constant
      rps: 1
      duration: 1m
      routes: [{path: /only}]
)");
  EXPECT_EQ(s.load.target.kind, LoadTarget::Kind::kService);
  EXPECT_EQ(s.load.target.namespace_, "shop");
  EXPECT_EQ(s.load.routes[0], (RouteWeight{"POST", "/orders", 3, "", ""}));
  const auto& ph = s.load.phases;
  ASSERT_EQ(ph.size(), 6u);
  EXPECT_EQ(ph[0].arrivals, Arrivals::kDeterministic);  // load.arrivals
  EXPECT_EQ(ph[1].arrivals, Arrivals::kPoisson);        // the phase's own
  EXPECT_EQ(std::get<Ramp>(ph[0].shape).to, 10);
  EXPECT_EQ(std::get<Step>(ph[1].shape).at, 30s);
  EXPECT_EQ(std::get<Spike>(ph[2].shape).width, 10s);
  EXPECT_EQ(std::get<Sine>(ph[3].shape).shift, 0s);  // default
  const auto& d = std::get<Diurnal>(ph[4].shape);
  EXPECT_EQ(d.peak_at, 12h);       // default: noon
  EXPECT_EQ(d.start, 0s);          // default: the run starts at midnight
  EXPECT_EQ(ph[4].duration, 24h);  // default: a day
  EXPECT_EQ(ph[5].routes, (std::vector<RouteWeight>{{"GET", "/only", 1, "", ""}}));
  EXPECT_EQ(s.duration, 10min + 1min + 5min + 2h + 24h + 1min);
}

TEST(LoadReader, Replays) {
  const Scenario s = parse_ok(R"(load:
  routes: [{path: /}]
  phases:
    - {shape: replay, csv: replay/rates.csv, speed: 2}
    - {shape: replay, csv: replay/timestamps.csv, format: timestamps}
)");
  const Replay& rates = std::get<Replay>(s.load.phases[0].shape);
  EXPECT_EQ(rates.format, Replay::Format::kRates);
  EXPECT_EQ(rates.csv, testing::data_dir() / "replay/rates.csv");
  EXPECT_EQ(rates.rates, (std::vector<double>{10, 20, 30.5}));
  EXPECT_EQ(s.load.phases[0].duration, 1500ms);  // 3 recorded seconds at speed 2
  const Replay& ts = std::get<Replay>(s.load.phases[1].shape);
  EXPECT_EQ(ts.timestamps.size(), 5u);
  EXPECT_EQ(s.load.phases[1].duration, 2s + 1us);  // the last arrival is inside
}

TEST(LoadReader, TheIssueExample) {
  const auto errors = errors_of(R"(load:
  routes: [{path: /}]
  phases:
    - {shape: constant, rps: 1, duration: 1m}
    - {shape: constant, rps: 2, duration: 1m}
    - shape: constant
      rps: fast
      duration: 1m
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "x.yaml:7: load.phases[2].rps: expected a number, got string 'fast'");
}

TEST(LoadReader, PhaseErrors) {
  const auto errors = errors_of(R"(load:
  routes: [{path: /, weight: 0}]
  phases:
    - {shape: constant, rps: 1}
    - {shape: square, rps: 1, duration: 1m}
    - {shape: sine, mean: 1, amplitude: 2, period: 0s, duration: 1m}
    - {shape: diurnal, min: 5, max: 1, peakAt: 25h}
    - {shape: ramp, from: 1, to: -2, duration: 1m, peak: 3}
    - {rps: 1, duration: 1m}
    - {shape: replay, csv: replay/none.csv, speed: 0}
)");
  ASSERT_EQ(errors.size(), 12u);
  EXPECT_EQ(errors[0],
            "x.yaml:2: load.routes: weighted choice: weights must have a positive finite sum");
  EXPECT_EQ(errors[1], "x.yaml:4: load.phases[0].duration: required field missing");
  EXPECT_EQ(errors[2],
            "x.yaml:5: load.phases[1].shape: expected constant, ramp, step, spike, sine, diurnal "
            "or replay, got 'square'");
  EXPECT_EQ(errors[3], "x.yaml:6: load.phases[2].period: must be greater than 0");
  EXPECT_EQ(errors[4],
            "x.yaml:6: load.phases[2].amplitude: must not exceed mean (the rate would go "
            "negative)");
  EXPECT_EQ(errors[5], "x.yaml:7: load.phases[3].min: must not exceed max");
  EXPECT_EQ(errors[6], "x.yaml:7: load.phases[3].peakAt: must be a time of day (less than 24h)");
  EXPECT_EQ(errors[7], "x.yaml:8: load.phases[4].to: must be greater than or equal to 0, got -2");
  EXPECT_EQ(errors[8], "x.yaml:8: load.phases[4].peak: unknown field for shape ramp");
  EXPECT_EQ(errors[9], "x.yaml:9: load.phases[5].shape: required field missing");
  EXPECT_EQ(errors[10], "x.yaml:10: load.phases[6].speed: must be greater than 0");
  EXPECT_EQ(errors[11], "x.yaml:10: load.phases[6].csv: no such file or folder: '" +
                            (testing::data_dir() / "replay/none.csv").string() + "'");
}

TEST(LoadReader, ReplayFileErrors) {
  const auto errors = errors_of(R"(load:
  routes: [{path: /}]
  phases:
    - {shape: replay, csv: replay/none.csv}
    - {shape: replay, csv: replay/bad.csv, format: timestamps}
)");
  const std::string bad = (testing::data_dir() / "replay/bad.csv").string();
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0], "x.yaml:4: load.phases[0].csv: no such file or folder: '" +
                           (testing::data_dir() / "replay/none.csv").string() + "'");
  // Errors inside the CSV name the CSV's own lines, after the scenario's.
  EXPECT_EQ(errors[1], bad + ":3: load.phases[1].csv: expected a number, got 'fast'");
  EXPECT_EQ(errors[2], bad + ":4: load.phases[1].csv: timestamps must not decrease");
  EXPECT_EQ(errors[3],
            bad + ":5: load.phases[1].csv: must be greater than or equal to 0, got -1.000000");
}

TEST(LoadReader, TargetErrors) {
  const auto errors = errors_of(R"(load:
  target: {ingress: api, service: web, host: a.example.com}
  phases: [{shape: constant, rps: 1, duration: 1m}]
)");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], "x.yaml:2: load.target.service: give only one of ingress or service");
  EXPECT_EQ(errors[1], "x.yaml:2: load.target.ingress: no Ingress 'api' in the manifests");
  EXPECT_EQ(errors[2], "x.yaml:3: load.phases[0].routes: required field missing (no load.routes)");
}

TEST(LoadReader, TargetNeededWithSeveralIngresses) {
  const auto errors = errors_of(R"(manifests: [two-ingresses/]
load:
  routes: [{path: /}]
  phases: [{shape: constant, rps: 1, duration: 1m}]
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "x.yaml:2: load.target: required field missing (the manifests have 2 Ingresses: name "
            "one, or a service)");
}

}  // namespace
}  // namespace ksim::scenario
