#include "ksim/services/http/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ksim::services::http {
namespace {

TEST(HttpMetricsTest, CounterExposition) {
  MetricsRegistry registry;
  auto& family = registry.counter("orders_total", "Orders created.", {"status"});
  family.with({"ok"}).inc();
  family.with({"ok"}).inc(2);
  family.with({"failed"}).inc();
  EXPECT_EQ(registry.expose(),
            "# HELP orders_total Orders created.\n"
            "# TYPE orders_total counter\n"
            "orders_total{status=\"ok\"} 3\n"
            "orders_total{status=\"failed\"} 1\n");
}

TEST(HttpMetricsTest, UnlabelledGaugeExposition) {
  MetricsRegistry registry;
  auto& g = registry.gauge("queue_depth", "Items queued.").with({});
  g.set(4);
  g.add(-1.5);
  EXPECT_EQ(registry.expose(),
            "# HELP queue_depth Items queued.\n"
            "# TYPE queue_depth gauge\n"
            "queue_depth 2.5\n");
}

TEST(HttpMetricsTest, LabelledHistogramExposition) {
  MetricsRegistry registry;
  const double bounds[] = {0.01, 0.1, 1};
  auto& h = registry.histogram("latency_seconds", "Latency.", {"route"}, bounds).with({"/a/{id}"});
  h.observe(0.005);
  h.observe(0.01);  // on the bound: counted in le="0.01"
  h.observe(0.5);
  h.observe(3);
  EXPECT_EQ(registry.expose(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{route=\"/a/{id}\",le=\"0.01\"} 2\n"
            "latency_seconds_bucket{route=\"/a/{id}\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{route=\"/a/{id}\",le=\"1\"} 3\n"
            "latency_seconds_bucket{route=\"/a/{id}\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{route=\"/a/{id}\"} 3.515\n"
            "latency_seconds_count{route=\"/a/{id}\"} 4\n");
}

TEST(HttpMetricsTest, LabelValuesAndHelpAreEscaped) {
  MetricsRegistry registry;
  registry.counter("c_total", "Help with \\ and\nnewline.", {"v"})
      .with({"a\"quote\" back\\slash\nline"})
      .inc();
  EXPECT_EQ(registry.expose(),
            "# HELP c_total Help with \\\\ and\\nnewline.\n"
            "# TYPE c_total counter\n"
            "c_total{v=\"a\\\"quote\\\" back\\\\slash\\nline\"} 1\n");
}

TEST(HttpMetricsTest, SameLabelsGiveTheSameSeries) {
  MetricsRegistry registry;
  auto& family = registry.counter("x_total", "X.", {"a", "b"});
  Counter& first = family.with({"1", "2"});
  EXPECT_EQ(&first, &family.with({"1", "2"}));
  EXPECT_NE(&first, &family.with({"2", "1"}));
  EXPECT_EQ(&family, &registry.counter("x_total", "X.", {"a", "b"}));
}

TEST(HttpMetricsTest, CallbackMetricsReadAtScrapeTime) {
  MetricsRegistry registry;
  double backlog = 7;
  registry.callback("outbox_backlog", "Events not yet published.", MetricType::kGauge,
                    [&backlog] { return backlog; });
  EXPECT_NE(registry.expose().find("outbox_backlog 7\n"), std::string::npos);
  backlog = 0;
  EXPECT_NE(registry.expose().find("outbox_backlog 0\n"), std::string::npos);
}

TEST(HttpMetricsTest, ProcessMetricsArePresentAndPositive) {
  MetricsRegistry registry;
  add_process_metrics(registry);
  const std::string text = registry.expose();
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
  const auto rss = text.find("\nprocess_resident_memory_bytes ");
  ASSERT_NE(rss, std::string::npos);
  EXPECT_GT(std::stod(text.substr(rss + 31)), 0.0);
}

TEST(HttpMetricsTest, InvalidNamesAndTypeClashesAreRejected) {
  MetricsRegistry registry;
  registry.counter("a_total", "A.");
  EXPECT_THROW(registry.gauge("a_total", "A."), std::invalid_argument);
  EXPECT_THROW(registry.counter("1bad", "B."), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok_total", "B.", {"le"}), std::invalid_argument);
}

TEST(HttpMetricsTest, ConcurrentIncrementsAreAllCounted) {
  MetricsRegistry registry;
  Counter& c = registry.counter("n_total", "N.").with({});
  Histogram& h = registry.histogram("h_seconds", "H.", {}).with({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        c.inc();
        h.observe(0.001);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40'000u);
  EXPECT_EQ(h.count(), 40'000u);
}

TEST(HttpMetricsTest, ValueFormatting) {
  EXPECT_EQ(format_value(0.0005), "0.0005");
  EXPECT_EQ(format_value(2.0), "2");
  EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_value(-1.0 / 0.0), "-Inf");
}

}  // namespace
}  // namespace ksim::services::http
