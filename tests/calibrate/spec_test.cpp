// calibrate/spec: the calibration spec read back, and its located errors.
#include "ksim/calibrate/spec.h"

#include <gtest/gtest.h>

namespace ksim::calibrate {
namespace {

std::filesystem::path data(const char* name) {
  return std::filesystem::path(KSIM_SOURCE_DIR) / "tests/calibrate/data" / name;
}

TEST(CalibrateSpec, ReadsEveryField) {
  const auto s = read_spec(data("good.yaml"));
  ASSERT_TRUE(s.has_value()) << s.error().front();
  EXPECT_EQ(s->service, "web");
  EXPECT_EQ(s->command,
            (std::vector<std::string>{"{bin}/web", "--port", "{port}", "--data", "{dir}/db"}));
  EXPECT_EQ(s->env.at("LOG_LEVEL"), "warn");
  EXPECT_EQ(s->ready_path, "/ready");
  ASSERT_EQ(s->setup.size(), 1u);
  EXPECT_EQ(s->setup[0].method, "POST");
  EXPECT_EQ(s->setup[0].repeat, 3);
  EXPECT_EQ(s->duration, std::chrono::seconds(5));
  EXPECT_EQ(s->warmup, std::chrono::seconds(2));
  ASSERT_EQ(s->routes.size(), 2u);
  EXPECT_EQ(s->routes[0].method, "GET");
  EXPECT_EQ(s->routes[0].pattern, "/items/{id}");
  EXPECT_EQ(s->routes[0].request.method, "GET");
  EXPECT_EQ(s->routes[0].rates, (std::vector<double>{50, 100}));  // the top's, sorted
  EXPECT_EQ(s->routes[1].rates, (std::vector<double>{20}));
  EXPECT_EQ(s->routes[1].request.body, "{\"id\":\"x\"}");
}

TEST(CalibrateSpec, LocatedErrors) {
  const auto s = read_spec(data("bad.yaml"));
  ASSERT_FALSE(s.has_value());
  const std::string f = data("bad.yaml").string();
  const std::vector<std::string> want = {
      f + ":2: command: at least the program",
      f + ":3: duration: expected a positive duration such as 10s or 500ms, got 'fast'",
      f + ":5: routes[0].route: expected \"METHOD /path/{param}\", got '/items'",
      f + ":5: routes[0].rates: required field missing (here or at the top)",
      f + ":6: routes[0].request.path: must start with '/'",
      f + ":8: routes[1].request.repeat: must be at least 1",
      f + ":9: routes[1].rates[0]: a rate must be greater than 0",
      f + ":9: routes[1].rates: at least one rate",
      f + ":10: routes[1].extra: unknown field (known: route, request, rates)",
  };
  EXPECT_EQ(s.error(), want);
  EXPECT_EQ(read_spec(data("none.yaml")).error().front(),
            data("none.yaml").string() + ": cannot read the file");
}

TEST(CalibrateSpec, Substitute) {
  EXPECT_EQ(substitute("{bin}/x --port {port} {port}", {{"bin", "/b"}, {"port", "80"}}),
            "/b/x --port 80 80");
  EXPECT_EQ(substitute("{i}{i}", {{"i", "{i}"}}), "{i}{i}");  // no loop on itself
}

}  // namespace
}  // namespace ksim::calibrate
