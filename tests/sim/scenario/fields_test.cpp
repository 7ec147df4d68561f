// The shared field readers: durations, numbers, distributions (every kind,
// both units), HTTP methods, paths and route patterns, file references.
#include <gtest/gtest.h>

#include <chrono>

#include "field_reader.h"
#include "helpers.h"

namespace ksim::scenario::detail {
namespace {

using namespace std::chrono_literals;
using testing::read_errors;

std::optional<Distribution> dist(std::string_view yaml, Unit unit,
                                 std::vector<std::string>* errors = nullptr) {
  std::optional<Distribution> out;
  auto e = read_errors(yaml, [&](const Field& r) { out = read_distribution(*r.get("d"), unit); });
  if (errors != nullptr) *errors = e;
  return out;
}

TEST(Fields, Durations) {
  auto errors = read_errors("a: 1m30s\nb: 0\nc: 250ms\n", [&](const Field& r) {
    EXPECT_EQ(read_duration(*r.get("a")), 90s);
    EXPECT_EQ(read_duration(*r.get("b")), 0s);
    EXPECT_EQ(read_positive_duration(*r.get("c")), 250ms);
  });
  EXPECT_TRUE(errors.empty());
}

TEST(Fields, DurationErrors) {
  const auto errors = read_errors("a: 30\nb: -5s\nc: 0s\nd: [1]\ne: 5 min\n", [](const Field& r) {
    (void)read_duration(*r.get("a"));
    (void)read_duration(*r.get("b"));
    (void)read_positive_duration(*r.get("c"));
    (void)read_duration(*r.get("d"));
    (void)read_duration(*r.get("e"));
  });
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0],
            "x.yaml:1: a: expected a duration like 30s or 250ms, got number 30 (add a unit)");
  EXPECT_EQ(errors[1], "x.yaml:2: b: must not be negative, got '-5s'");
  EXPECT_EQ(errors[2], "x.yaml:3: c: must be greater than 0");
  EXPECT_EQ(errors[3], "x.yaml:4: d: expected a duration like 30s or 250ms, got a list");
  EXPECT_EQ(errors[4],
            "x.yaml:5: e: invalid duration '5 min': missing or unknown unit (use h, m, s, ms, us "
            "or ns)");
}

TEST(Fields, NonNegativeNumbersAndCounts) {
  double v = 0;
  std::int32_t n = 1;
  const auto errors = read_errors("a: 2.5\nb: -1\nc: 0\nd: fast\n", [&](const Field& r) {
    set_non_negative(r, "a", v);
    set_non_negative(r, "b", v);
    set_count(r, "c", n);
    set_non_negative(r, "d", v);
  });
  EXPECT_EQ(v, 2.5);
  EXPECT_EQ(n, 1);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], "x.yaml:2: b: must be greater than or equal to 0, got -1");
  EXPECT_EQ(errors[1], "x.yaml:3: c: must be at least 1, got 0");
  EXPECT_EQ(errors[2], "x.yaml:4: d: expected a number, got string 'fast'");
}

TEST(Fields, ScalarDistributionsAreConstants) {
  auto ms = dist("d: 1.5ms", Unit::kMilliseconds);
  ASSERT_TRUE(ms);
  EXPECT_EQ(ms->kind(), DistributionKind::kConstant);
  EXPECT_DOUBLE_EQ(ms->spec().value, 1.5);
  auto us = dist("d: 200us", Unit::kMilliseconds);
  ASSERT_TRUE(us);
  EXPECT_DOUBLE_EQ(us->spec().value, 0.2);
  auto bytes = dist("d: 2048", Unit::kBytes);
  ASSERT_TRUE(bytes);
  EXPECT_DOUBLE_EQ(bytes->spec().value, 2048);
}

TEST(Fields, EveryDistributionKind) {
  const struct {
    const char* yaml;
    DistributionSpec spec;
  } cases[] = {
      {"d: {dist: constant, value: 2s}", {.value = 2000}},
      {"d: {dist: exponential, mean: 5ms}", {.kind = DistributionKind::kExponential, .mean = 5}},
      {"d: {dist: lognormal, mean: 5ms, sd: 2ms}",
       {.kind = DistributionKind::kLogNormal, .mean = 5, .sd = 2}},
      {"d: {dist: pareto, alpha: 1.5, min: 1ms, max: 1s}",
       {.kind = DistributionKind::kBoundedPareto, .alpha = 1.5, .min = 1, .max = 1000}},
      {"d: {dist: uniform, min: 1ms, max: 3ms}",
       {.kind = DistributionKind::kUniform, .min = 1, .max = 3}},
  };
  for (const auto& c : cases) {
    auto d = dist(c.yaml, Unit::kMilliseconds);
    ASSERT_TRUE(d) << c.yaml;
    EXPECT_EQ(d->spec(), c.spec) << c.yaml;
  }
  auto bytes = dist("d: {dist: uniform, min: 100, max: 300}", Unit::kBytes);
  ASSERT_TRUE(bytes);
  EXPECT_DOUBLE_EQ(bytes->mean(), 200);
}

TEST(Fields, DistributionErrors) {
  std::vector<std::string> e;
  EXPECT_FALSE(dist("d: {dist: normal, mean: 1ms}", Unit::kMilliseconds, &e));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0],
            "x.yaml:1: d.dist: expected constant, exponential, lognormal, pareto or uniform, got "
            "'normal'");
  EXPECT_FALSE(dist("d: {dist: lognormal, mean: 5ms}", Unit::kMilliseconds, &e));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "x.yaml:1: d.sd: required field missing");
  EXPECT_FALSE(dist("d:\n  dist: exponential\n  mean: 5ms\n  sd: 1ms\n", Unit::kMilliseconds, &e));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "x.yaml:4: d.sd: unknown field for exponential (known: dist, mean)");
  EXPECT_FALSE(dist("d: {mean: 5ms}", Unit::kMilliseconds, &e));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "x.yaml:1: d.dist: required field missing");
  EXPECT_FALSE(dist("d: {dist: exponential, mean: 5}", Unit::kMilliseconds, &e));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0],
            "x.yaml:1: d.mean: expected a duration like 30s or 250ms, got number 5 (add a unit)");
}

TEST(Fields, DistributionParametersAreValidatedByTheKernel) {
  std::vector<std::string> e;
  EXPECT_FALSE(dist("d: {dist: pareto, alpha: 1.5, min: 10ms, max: 5ms}", Unit::kMilliseconds, &e));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0],
            "x.yaml:1: d: bounded pareto: need alpha > 0 and 0 < lo < hi, got alpha=1.500000 "
            "lo=10.000000 hi=5.000000 (in milliseconds)");
  EXPECT_FALSE(dist("d: {dist: exponential, mean: 0}", Unit::kBytes, &e));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "x.yaml:1: d: exponential: mean must be > 0, got 0.000000 (in bytes)");
  EXPECT_FALSE(dist("d: {dist: uniform, min: 3ms, max: 1ms}", Unit::kMilliseconds, &e));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0],
            "x.yaml:1: d: uniform: need finite lo <= hi, got lo=3.000000 hi=1.000000 (in "
            "milliseconds)");
}

TEST(Fields, Methods) {
  const auto errors = read_errors("a: POST\nb: '*'\nc: '*'\nd: get\n", [](const Field& r) {
    EXPECT_EQ(read_method(*r.get("a"), false), "POST");
    EXPECT_EQ(read_method(*r.get("b"), true), "*");
    EXPECT_FALSE(read_method(*r.get("c"), false));
    EXPECT_FALSE(read_method(*r.get("d"), true));
  });
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0],
            "x.yaml:3: c: expected an HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS), "
            "got '*'");
  EXPECT_EQ(errors[1],
            "x.yaml:4: d: expected an HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS "
            "or *), got 'get'");
}

TEST(Fields, PathsAndPatterns) {
  const auto errors = read_errors(
      "a: /api/v1/products/{id}/reserve\nb: /api/**\nc: /api/*/x\nd: api\ne: /a/**/b\n"
      "f: /a/{id\ng: /a/{id}\nh: /a b\n",
      [](const Field& r) {
        EXPECT_EQ(read_path(*r.get("a"), true), "/api/v1/products/{id}/reserve");
        EXPECT_EQ(read_path(*r.get("b"), true), "/api/**");
        EXPECT_EQ(read_path(*r.get("c"), true), "/api/*/x");
        EXPECT_FALSE(read_path(*r.get("d"), true));
        EXPECT_FALSE(read_path(*r.get("e"), true));
        EXPECT_FALSE(read_path(*r.get("f"), true));
        EXPECT_FALSE(read_path(*r.get("g"), false));  // a request path has no parameters
        EXPECT_FALSE(read_path(*r.get("h"), false));
      });
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0], "x.yaml:4: d: a path must start with '/', got 'api'");
  EXPECT_EQ(errors[1], "x.yaml:5: e: '**' must be the last segment");
  EXPECT_EQ(errors[2], "x.yaml:6: f: a parameter must be a whole segment like {id}, got '{id'");
  EXPECT_EQ(errors[3], "x.yaml:7: g: unexpected character in segment '{id}'");
  EXPECT_EQ(errors[4], "x.yaml:8: h: unexpected character in segment 'a b'");
}

TEST(Fields, FilePaths) {
  const auto base = testing::data_dir();
  const auto errors = read_errors("a: replay/rates.csv\nb: replay/none.csv\n", [&](const Field& r) {
    EXPECT_EQ(read_file_path(*r.get("a"), base), base / "replay/rates.csv");
    EXPECT_FALSE(read_file_path(*r.get("b"), base));
  });
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "x.yaml:2: b: no such file or folder: '" + (base / "replay/none.csv").string() + "'");
}

}  // namespace
}  // namespace ksim::scenario::detail
