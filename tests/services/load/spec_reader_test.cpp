// The load spec reader: every shape, the seed scenarios, a load-only file,
// the quick form, and errors that name the file, line and field.
#include "ksim/services/load/spec_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ksim::services::load {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

LoadSpec read_ok(const std::string& yaml) {
  auto s = read_spec_text(yaml, "t.yaml");
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error());
  return s.value_or(LoadSpec{});
}

std::string read_error(const std::string& yaml) {
  auto s = read_spec_text(yaml, "t.yaml");
  EXPECT_FALSE(s.has_value());
  return s ? "" : s.error();
}

TEST(SvcLoadParseDuration, UnitsFractionsAndErrors) {
  EXPECT_EQ(parse_duration("30s"), Micros{seconds{30}});
  EXPECT_EQ(parse_duration("250ms"), Micros{milliseconds{250}});
  EXPECT_EQ(parse_duration("1h30m"), Micros{minutes{90}});
  EXPECT_EQ(parse_duration("1.5s"), Micros{milliseconds{1500}});
  EXPECT_EQ(parse_duration("7us"), Micros{7});
  EXPECT_EQ(parse_duration("0"), Micros{0});
  EXPECT_FALSE(parse_duration("30"));
  EXPECT_FALSE(parse_duration("fast"));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration(""));
}

TEST(SvcLoadSpecReader, EveryShapeWithItsFields) {
  const LoadSpec s = read_ok(R"(load:
  target: {ingress: ns/web, host: api.example.com}
  arrivals: deterministic
  routes: [{path: /a}, {method: POST, path: /b, weight: 3, body: '{"x":1}'}]
  phases:
    - {shape: constant, rps: 20, duration: 5m}
    - {shape: ramp, from: 20, to: 200, duration: 10m, arrivals: poisson}
    - {shape: step, from: 1, to: 2, at: 30s, duration: 1m}
    - {shape: spike, rps: 5, peak: 50, at: 10s, width: 5s, duration: 1m}
    - {shape: sine, mean: 10, amplitude: 4, period: 1m, shift: 15s, duration: 2m}
    - {shape: diurnal, min: 10, max: 150, peakAt: 14h, routes: [{path: /c}]}
seed: 42
timings: {requestTimeout: 5s, hpaSyncPeriod: 15s}
)");
  EXPECT_EQ(s.request_timeout, Micros{seconds{5}});
  EXPECT_EQ(s.host, "api.example.com");
  EXPECT_EQ(s.seed, 42u);
  ASSERT_EQ(s.routes.size(), 2u);
  EXPECT_EQ(s.routes[0].method, "GET");
  EXPECT_EQ(s.routes[0].weight, 1.0);
  EXPECT_EQ(s.routes[1].method, "POST");
  EXPECT_EQ(s.routes[1].weight, 3.0);
  EXPECT_EQ(s.routes[1].body, R"({"x":1})");
  ASSERT_EQ(s.phases.size(), 6u);
  EXPECT_EQ(std::get<ConstantRate>(s.phases[0].shape).rps, 20);
  EXPECT_EQ(s.phases[0].arrivals, Arrivals::kDeterministic);
  EXPECT_EQ(s.phases[0].duration, Micros{minutes{5}});
  EXPECT_EQ(s.phases[0].line, 6);
  EXPECT_EQ(std::get<Ramp>(s.phases[1].shape).to, 200);
  EXPECT_EQ(s.phases[1].arrivals, Arrivals::kPoisson);
  EXPECT_EQ(std::get<Step>(s.phases[2].shape).at, Micros{seconds{30}});
  const auto& spike = std::get<Spike>(s.phases[3].shape);
  EXPECT_EQ(spike.peak, 50);
  EXPECT_EQ(spike.width, Micros{seconds{5}});
  const auto& sine = std::get<Sine>(s.phases[4].shape);
  EXPECT_EQ(sine.period, Micros{minutes{1}});
  EXPECT_EQ(sine.shift, Micros{seconds{15}});
  const auto& day = std::get<Diurnal>(s.phases[5].shape);
  EXPECT_EQ(day.peak_at, Micros{hours{14}});
  EXPECT_EQ(day.start, Micros{0});
  EXPECT_EQ(s.phases[5].duration, Micros{hours{24}});  // diurnal's default
  ASSERT_EQ(s.phases[5].routes.size(), 1u);
  EXPECT_EQ(s.total(), Micros{minutes{5 + 10 + 1 + 1 + 2} + hours{24}});
}

TEST(SvcLoadSpecReader, RatesOfTheShapes) {
  const LoadSpec s = read_ok(R"(phases:
  - {shape: ramp, from: 10, to: 30, duration: 10s}
  - {shape: step, from: 1, to: 2, at: 3s, duration: 10s}
  - {shape: spike, rps: 5, peak: 50, at: 2s, width: 1s, duration: 10s}
  - {shape: sine, mean: 10, amplitude: 4, period: 4s, duration: 10s}
  - {shape: diurnal, min: 10, max: 150, peakAt: 14h}
routes: [{path: /}]
)");
  EXPECT_DOUBLE_EQ(s.phases[0].rate_at(Micros{seconds{5}}), 20);
  EXPECT_EQ(s.phases[0].rate_at(Micros{seconds{10}}), 0);  // past the end
  EXPECT_EQ(s.phases[1].rate_at(Micros{seconds{2}}), 1);
  EXPECT_EQ(s.phases[1].rate_at(Micros{seconds{3}}), 2);
  EXPECT_EQ(s.phases[2].rate_at(Micros{milliseconds{2500}}), 50);
  EXPECT_EQ(s.phases[2].rate_at(Micros{seconds{3}}), 5);
  EXPECT_NEAR(s.phases[3].rate_at(Micros{seconds{1}}), 14, 1e-9);
  EXPECT_NEAR(s.phases[4].rate_at(Micros{hours{14}}), 150, 1e-9);
  EXPECT_NEAR(s.phases[4].rate_at(Micros{hours{2}}), 10, 1e-9);
}

TEST(SvcLoadSpecReader, TheSeedScenariosRead) {
  const std::filesystem::path dir = std::filesystem::path(KSIM_SOURCE_DIR) / "scenarios";
  auto api = read_spec_file(dir / "api-backend.yaml");
  ASSERT_TRUE(api.has_value()) << api.error();
  EXPECT_EQ(api->host, "api.example.com");
  EXPECT_EQ(api->phases.size(), 5u);
  EXPECT_EQ(api->total(), Micros{minutes{50}});
  ASSERT_EQ(api->routes.size(), 3u);
  EXPECT_EQ(api->routes[1].path, "/api/compute?n=1000000");  // the query is sent as is
  EXPECT_EQ(api->seed, 1u);
  auto po = read_spec_file(dir / "product-order.yaml");
  ASSERT_TRUE(po.has_value()) << po.error();
  ASSERT_EQ(po->routes.size(), 6u);
  EXPECT_EQ(po->routes[3].method, "POST");
  EXPECT_EQ(po->routes[3].body, R"({"productId":"p-1001","quantity":1,"customerId":"load"})");
  EXPECT_EQ(po->seed, 42u);
  ASSERT_EQ(po->phases.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Diurnal>(po->phases[0].shape));
  auto burst = read_spec_file(dir / "karpenter-burst.yaml");
  ASSERT_TRUE(burst.has_value()) << burst.error();
  EXPECT_EQ(burst->phases.size(), 3u);
  EXPECT_EQ(burst->host, "");
}

TEST(SvcLoadSpecReader, EveryScenarioWithALoadReads) {
  const std::filesystem::path dir = std::filesystem::path(KSIM_SOURCE_DIR) / "scenarios";
  int read = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    auto s = read_spec_file(entry.path());
    if (!s && s.error().find(": load: required field missing") != std::string::npos) continue;
    ASSERT_TRUE(s.has_value()) << s.error();
    EXPECT_GT(s->total(), Micros{0}) << entry.path();
    ++read;
  }
  EXPECT_GE(read, 3);
}

TEST(SvcLoadSpecReader, ALoadSectionAloneOrItsFieldsAtTheTop) {
  const LoadSpec a = read_ok(
      "load:\n  routes: [{path: /x}]\n  phases: [{shape: constant, rps: 1, duration: 1s}]\n");
  const LoadSpec b =
      read_ok("routes: [{path: /x}]\nphases: [{shape: constant, rps: 1, duration: 1s}]\n");
  EXPECT_EQ(a.phases.size(), 1u);
  EXPECT_EQ(b.phases.size(), 1u);
  EXPECT_EQ(b.routes[0].path, "/x");
}

TEST(SvcLoadSpecReader, ErrorsNameFileLineAndField) {
  const std::string e = read_error(R"(load:
  routes: [{path: /x}]
  phases:
    - {shape: constant, rps: 20, duration: 5m}
    - {shape: constant, rps: fast, duration: 5m}
)");
  EXPECT_NE(e.find("t.yaml:5: load.phases[1].rps: expected a number, got string 'fast'"),
            std::string::npos)
      << e;
}

TEST(SvcLoadSpecReader, EveryProblemIsReported) {
  const std::string e = read_error(R"(load:
  phases:
    - {shape: wave, duration: 5m}
    - {shape: ramp, from: 1, to: 2}
    - {shape: sine, mean: 1, amplitude: 2, period: 10, duration: 1m, colour: red}
    - {shape: constant, rps: -1, duration: 0s}
)");
  for (const char* expected :
       {"t.yaml:3: load.phases[0].shape: expected one of constant",
        "t.yaml:3: load.phases[0].routes: required field missing (no load.routes)",
        "t.yaml:4: load.phases[1].duration: required field missing",
        "t.yaml:5: load.phases[2].period: expected a duration like 30s or 250ms, got number 10 "
        "(add a unit)",
        "t.yaml:5: load.phases[2].amplitude: must not exceed mean",
        "t.yaml:5: load.phases[2].colour: unknown field for shape sine",
        "t.yaml:6: load.phases[3].rps: must not be negative",
        "t.yaml:6: load.phases[3].duration: must be greater than 0"}) {
    EXPECT_NE(e.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << e;
  }
}

TEST(SvcLoadSpecReader, BadRoutesAndTopLevel) {
  EXPECT_NE(read_error("load:\n  routes: [{path: x}]\n  phases: [{shape: constant, rps: 1, "
                       "duration: 1s}]\n")
                .find("t.yaml:2: load.routes[0].path: expected a request path"),
            std::string::npos);
  EXPECT_NE(read_error("seed: 1\n").find("t.yaml:1: load: required field missing"),
            std::string::npos);
  EXPECT_NE(read_error("load: [1, 2\n").find("t.yaml:"), std::string::npos);  // invalid YAML
  EXPECT_NE(read_error("load:\n  routes: [{path: /x}]\n  phases: []\n").find("at least one phase"),
            std::string::npos);
  auto missing = read_spec_file("/nonexistent/x.yaml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("/nonexistent/x.yaml: cannot open"), std::string::npos);
}

// A scratch folder for replay CSVs, removed at the end of the test.
struct Scratch {
  Scratch()
      : dir(std::filesystem::temp_directory_path() /
            ("ksim-load-spec-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir);
  }
  ~Scratch() { std::filesystem::remove_all(dir); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
  }
  std::filesystem::path dir;
};

TEST(SvcLoadSpecReader, ReplaysReadTheirCsvBesideTheSpec) {
  const Scratch scratch;
  scratch.write("rates.csv", "rps\n# a comment\n10\n\n20\n30\n");
  scratch.write("times.csv", "0.5\n1\n1\n3.25\n");
  scratch.write("load.yaml", R"(routes: [{path: /}]
phases:
  - {shape: replay, csv: rates.csv}
  - {shape: replay, csv: rates.csv, speed: 2}
  - {shape: replay, csv: times.csv, format: timestamps, speed: 0.5}
)");
  auto s = read_spec_file(scratch.dir / "load.yaml");
  ASSERT_TRUE(s.has_value()) << s.error();
  const auto& rates = std::get<Replay>(s->phases[0].shape);
  EXPECT_EQ(rates.rates, (std::vector<double>{10, 20, 30}));
  EXPECT_EQ(s->phases[0].duration, Micros{seconds{3}});                   // the recording's length
  EXPECT_EQ(s->phases[1].duration, Micros{milliseconds{1500}});           // ... at speed 2
  EXPECT_DOUBLE_EQ(s->phases[1].rate_at(Micros{milliseconds{600}}), 40);  // 2 x 20
  EXPECT_DOUBLE_EQ(s->phases[0].cumulative(2.5), 10 + 20 + 15);
  const auto& times = std::get<Replay>(s->phases[2].shape);
  EXPECT_EQ(times.timestamps, (std::vector<double>{1, 2, 2, 6.5}));  // / speed 0.5
  EXPECT_EQ(s->phases[2].duration, Micros{6'500'001});
}

TEST(SvcLoadSpecReader, ReplayErrorsNameTheCsvLine) {
  const Scratch scratch;
  scratch.write("bad.csv", "rps\n10\nlots\n-1\n");
  scratch.write("load.yaml", R"(routes: [{path: /}]
phases:
  - {shape: replay, csv: bad.csv}
  - {shape: replay, csv: none.csv, speed: 0}
)");
  auto s = read_spec_file(scratch.dir / "load.yaml");
  ASSERT_FALSE(s.has_value());
  const std::string csv = (scratch.dir / "bad.csv").string();
  for (const std::string& expected : {csv + ":3: phases[0].csv: expected a number, got 'lots'",
                                      csv + ":4: phases[0].csv: must not be negative",
                                      std::string("phases[1].speed: must be greater than 0"),
                                      std::string("phases[1].csv: cannot read ")}) {
    EXPECT_NE(s.error().find(expected), std::string::npos) << expected << "\nin:\n" << s.error();
  }
}

TEST(SvcLoadQuickSpec, OnePhaseOneRouteAndFlagErrors) {
  auto s = quick_spec({100, Micros{seconds{3}}, "POST", "/x", "{}", Arrivals::kDeterministic});
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->phases.size(), 1u);
  EXPECT_EQ(std::get<ConstantRate>(s->phases[0].shape).rps, 100);
  EXPECT_EQ(s->routes[0].body, "{}");
  EXPECT_EQ(s->total(), Micros{seconds{3}});
  QuickLoad q{1, Micros{1}, "GET", "/", "", Arrivals::kPoisson};
  q.rate = 0;
  EXPECT_EQ(quick_spec(q).error().substr(0, 6), "--rate");
  q.rate = 1;
  q.duration = Micros{0};
  EXPECT_EQ(quick_spec(q).error().substr(0, 10), "--duration");
  q.duration = Micros{1};
  q.path = "x";
  EXPECT_EQ(quick_spec(q).error().substr(0, 6), "--path");
  q.path = "/a b";
  EXPECT_EQ(quick_spec(q).error().substr(0, 6), "--path");
  q.path = "/";
  q.method = "G T";
  EXPECT_EQ(quick_spec(q).error().substr(0, 8), "--method");
}

}  // namespace
}  // namespace ksim::services::load
