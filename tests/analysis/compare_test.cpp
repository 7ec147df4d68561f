// compare on two hand-written traces with known differences: the figures
// each side reads (series, windows, or the run summary), the differences,
// their marks and verdicts, one-sided objects, the text and the JSON.
#include "ksim/analysis/compare.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "ksim/sim/run/summary_json.h"
#include "ksim/sim/trace/trace_writer.h"

namespace ksim::analysis {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

Time at(Duration d) { return kTimeZero + d; }

struct Side {
  std::vector<double> web;  // shop/web's desired = ready replicas at each minute 0..10
  std::string only;         // a Deployment of this side only
  Duration slow_p99;        // GET /a's p99 in the window at 5m (20 ms otherwise)
  std::int64_t errors_per_window = 0;
  bool post_route = false;  // POST /b too
  double pool_cost = 0;     // nodepool/default; nodegroup/managed is $0.25
  double peak_nodes = 0;
  std::string summary;  // meta 'summary', if any
};

fs::path write_trace(const std::string& name, const Side& s) {
  const fs::path path = fs::temp_directory_path() /
                        ("ksim-compare-test-" + std::to_string(::getpid()) + "-" + name + ".db");
  auto w = trace::TraceWriter::create(path);
  EXPECT_TRUE(w.has_value()) << w.error();
  w->write_meta("scenario", "hand");
  w->write_meta("seed", "1");
  w->write_meta("duration_us", std::to_string(Duration{10min}.count()));
  w->write_meta("cost_dollars", std::to_string(s.pool_cost + 0.25));
  if (!s.summary.empty()) w->write_meta("summary", s.summary);
  auto deployment = [&](const std::string& object, const std::vector<double>& values) {
    const auto ready = w->series("deployment", object, "ready_replicas", "replicas");
    const auto desired = w->series("deployment", object, "desired_replicas", "replicas");
    for (std::size_t m = 0; m < values.size(); ++m) {
      w->sample(ready, at(std::chrono::minutes{m}), values[m]);
      w->sample(desired, at(std::chrono::minutes{m}), values[m]);
    }
  };
  deployment("shop/web", s.web);
  deployment("shop/api", std::vector<double>(11, 3));
  deployment(s.only, std::vector<double>(11, 1));
  const auto nodes = w->series("cluster", "", "nodes", "nodes");
  for (int m = 0; m <= 10; ++m)
    w->sample(nodes, at(std::chrono::minutes{m}), m == 4 ? s.peak_nodes : 2);
  const auto pool = w->series("cost", "nodepool/default", "cost", "$");
  const auto group = w->series("cost", "nodegroup/managed", "cost", "$");
  const auto type = w->series("cost", "capacity-type/on-demand", "cost", "$");
  w->sample(pool, at(10min), s.pool_cost);
  w->sample(group, at(10min), 0.25);
  w->sample(type, at(10min), s.pool_cost + 0.25);
  for (int m = 0; m < 10; ++m) {
    trace::LatencyHistogram h;
    for (int i = 0; i < 100; ++i) h.record(m == 5 ? s.slow_p99 : 20ms);
    w->route_window(at(std::chrono::minutes{m}), 1min, "GET /a", 100, s.errors_per_window, h);
    if (s.post_route) w->route_window(at(std::chrono::minutes{m}), 1min, "POST /b", 10, 0, h);
  }
  auto committed = w->commit();
  EXPECT_TRUE(committed.has_value()) << committed.error();
  return path;
}

TraceFacts facts_of(const std::string& name, const Side& s) {
  const fs::path path = write_trace(name, s);
  auto t = trace::TraceReader::open(path);
  EXPECT_TRUE(t.has_value()) << t.error();
  auto f = read_facts(*t, name);
  EXPECT_TRUE(f.has_value()) << f.error();
  fs::remove(path);
  return *f;
}

const Side kA{.web = {2, 2, 4, 6, 6, 6, 3, 2, 2, 2, 2},
              .only = "shop/old",
              .slow_p99 = 300ms,
              .pool_cost = 1.0,
              .peak_nodes = 3,
              .summary = ""};
const Side kB{.web = {2, 2, 2, 5, 8, 8, 8, 4, 2, 2, 2},
              .only = "shop/new",
              .slow_p99 = 20ms,
              .errors_per_window = 2,
              .post_route = true,
              .pool_cost = 1.25,
              .peak_nodes = 4,
              .summary = ""};

const CompareRow& row(const Comparison& c, const std::string& group, const std::string& metric) {
  for (const CompareRow& r : c.rows) {
    if (r.group == group && r.metric == metric) return r;
  }
  ADD_FAILURE() << "no row " << group << " / " << metric;
  static const CompareRow kNone;
  return kNone;
}

TEST(CompareFacts, FromTheSeriesAndWindowsWithoutASummary) {
  const TraceFacts a = facts_of("a", kA);
  EXPECT_FALSE(a.has_summary);
  EXPECT_EQ(a.description, "hand, seed 1");
  ASSERT_EQ(a.deployments.size(), 3u);  // by name: shop/api, shop/old, shop/web
  const DeploymentFacts& web = a.deployments[2];
  EXPECT_EQ(web.name, "shop/web");
  EXPECT_EQ(web.initial, 2);
  EXPECT_EQ(web.peak, 6);
  EXPECT_EQ(web.peak_at, 3min);
  EXPECT_EQ(web.first_scale_up, 2min);
  EXPECT_EQ(web.first_scale_down, 6min);
  // (2+2+4+6+6+6+3+2+2+2) x 60 s; the sample at 10m is the end.
  EXPECT_DOUBLE_EQ(web.replica_seconds, 35 * 60);
  EXPECT_DOUBLE_EQ(a.deployments[0].replica_seconds, 3 * 600);
  EXPECT_FALSE(a.deployments[0].first_scale_up.has_value());
  ASSERT_EQ(a.routes.size(), 1u);
  EXPECT_EQ(a.routes[0].requests, 1000);
  EXPECT_EQ(a.routes[0].p99, 300ms);  // the worst window's
  EXPECT_EQ(a.routes[0].p50, 300ms);
  EXPECT_DOUBLE_EQ(*a.cost, 1.25);
  // Capacity types are not owners.
  EXPECT_EQ(a.cost_by_owner, (std::map<std::string, double>{{"nodegroup/managed", 0.25},
                                                            {"nodepool/default", 1.0}}));
  EXPECT_EQ(a.nodes_peak, 3);
}

TEST(CompareFacts, ReplicaSecondsHoldTheFirstSampleFromZeroAndTheLastToTheEnd) {
  const fs::path path =
      fs::temp_directory_path() / ("ksim-compare-test-" + std::to_string(::getpid()) + "-hold.db");
  {
    auto w = trace::TraceWriter::create(path);
    ASSERT_TRUE(w.has_value()) << w.error();
    w->write_meta("duration_us", std::to_string(Duration{10min}.count()));
    const auto ready = w->series("deployment", "shop/web", "ready_replicas", "replicas");
    w->sample(ready, at(1min), 4);
    w->sample(ready, at(5min), 2);
    ASSERT_TRUE(w->commit().has_value());
  }
  auto t = trace::TraceReader::open(path);
  ASSERT_TRUE(t.has_value()) << t.error();
  auto f = read_facts(*t, "hold");
  ASSERT_TRUE(f.has_value()) << f.error();
  fs::remove(path);
  ASSERT_EQ(f->deployments.size(), 1u);
  // 4 from 0 to 5m, 2 from 5m to the run's end at 10m.
  EXPECT_DOUBLE_EQ(f->deployments[0].replica_seconds, 4 * 300 + 2 * 300);
  EXPECT_FALSE(f->cost.has_value());  // no cost meta or series: nothing to compare
}

TEST(Compare, DifferencesMarkedWithTheirDirection) {
  const Comparison c = compare(facts_of("a", kA), facts_of("b", kB));
  EXPECT_EQ(c.a_label, "a");
  const CompareRow& peak = row(c, "deployment shop/web", "peak replicas");
  EXPECT_EQ(peak.a, 6);
  EXPECT_EQ(peak.b, 8);
  EXPECT_EQ(peak.diff, 2);
  EXPECT_NEAR(*peak.ratio, 2.0 / 6, 1e-12);
  EXPECT_TRUE(peak.marked);
  EXPECT_EQ(peak.verdict, Verdict::kDiffers);  // more replicas: neither better nor worse
  const CompareRow& up = row(c, "deployment shop/web", "first scale-up");
  EXPECT_EQ(up.a, 120);
  EXPECT_EQ(up.b, 180);
  EXPECT_TRUE(up.marked);
  EXPECT_EQ(row(c, "deployment shop/web", "peak at").b, 240);
  EXPECT_EQ(row(c, "deployment shop/web", "first scale-down").b, 420);
  const CompareRow& rs = row(c, "deployment shop/web", "replica-seconds");
  EXPECT_EQ(rs.a, 2100);
  EXPECT_EQ(rs.b, 2580);
  EXPECT_EQ(rs.diff, 480);
  EXPECT_NEAR(*rs.ratio, 480.0 / 2100, 1e-12);
  // The same on both sides: not marked.
  const CompareRow& api = row(c, "deployment shop/api", "replica-seconds");
  EXPECT_EQ(api.diff, 0);
  EXPECT_FALSE(api.marked);
  EXPECT_EQ(api.verdict, Verdict::kSame);

  const CompareRow& p99 = row(c, "route GET /a", "p99 (worst window)");
  EXPECT_DOUBLE_EQ(*p99.a, 0.3);
  EXPECT_DOUBLE_EQ(*p99.b, 0.02);
  EXPECT_EQ(p99.verdict, Verdict::kBetter);
  const CompareRow& errors = row(c, "route GET /a", "errors");
  EXPECT_EQ(errors.a, 0);
  EXPECT_EQ(errors.b, 20);
  EXPECT_FALSE(errors.ratio.has_value());  // no ratio to 0, still marked
  EXPECT_EQ(errors.verdict, Verdict::kWorse);
  EXPECT_DOUBLE_EQ(*row(c, "route GET /a", "error rate").b, 0.02);
  EXPECT_FALSE(row(c, "route GET /a", "requests").marked);

  const CompareRow& cost = row(c, "cost", "total");
  EXPECT_DOUBLE_EQ(*cost.diff, 0.25);
  EXPECT_NEAR(*cost.ratio, 0.2, 1e-12);
  EXPECT_EQ(cost.verdict, Verdict::kWorse);
  EXPECT_EQ(row(c, "cost", "nodepool/default").verdict, Verdict::kWorse);
  EXPECT_FALSE(row(c, "cost", "nodegroup/managed").marked);
  const CompareRow& nodes = row(c, "nodes", "peak");
  EXPECT_EQ(nodes.diff, 1);
  EXPECT_TRUE(nodes.marked);
  EXPECT_EQ(nodes.verdict, Verdict::kDiffers);
}

TEST(Compare, ObjectsOfOneSideOnlyAreMarkedAndNamed) {
  const Comparison c = compare(facts_of("a", kA), facts_of("b", kB));
  const CompareRow& old = row(c, "deployment shop/old", "peak replicas");
  EXPECT_EQ(old.a, 1);
  EXPECT_FALSE(old.b.has_value());
  EXPECT_TRUE(old.marked);
  EXPECT_FALSE(row(c, "deployment shop/new", "replica-seconds").a.has_value());
  EXPECT_EQ(row(c, "route POST /b", "requests").b, 100);
  const std::vector<std::string> want = {"only in A: deployment shop/old",
                                         "only in B: deployment shop/new",
                                         "only in B: route POST /b"};
  for (const std::string& n : want) {
    EXPECT_NE(std::ranges::find(c.notes, n), c.notes.end()) << n;
  }
}

TEST(Compare, TheThresholdDecidesTheMarks) {
  const Comparison c =
      compare(facts_of("a", kA), facts_of("b", kB), CompareOptions{.threshold = 0.25});
  EXPECT_FALSE(row(c, "deployment shop/web", "replica-seconds").marked);  // +22.9 %
  EXPECT_FALSE(row(c, "cost", "total").marked);                           // +20 %
  EXPECT_TRUE(row(c, "deployment shop/web", "peak replicas").marked);     // +33 %
  // Below the absolute floor nothing is marked, however large relatively.
  EXPECT_EQ(absolute_floor(Unit::kDollars), 0.0001);
  TraceFacts a, b;
  a.cost = 0.00001;
  b.cost = 0.00005;
  EXPECT_FALSE(row(compare(a, b), "cost", "total").marked);
}

TEST(Compare, TheRunSummaryGivesExactFigures) {
  run::RunSummary s;
  run::RouteSummary route;
  route.route = "GET /a";
  route.requests = 1000;
  route.errors = 3;
  route.p50 = 20ms;
  route.p95 = 21ms;
  route.p99 = 42ms;
  route.max = 300ms;
  s.routes.push_back(route);
  s.deployments.push_back(run::DeploymentSummary{.name = "shop/web",
                                                 .initial = 2,
                                                 .min = 2,
                                                 .peak = 7,
                                                 .final_replicas = 2,
                                                 .peak_at = at(185s),
                                                 .first_scale_up = at(95s),
                                                 .first_scale_down = std::nullopt});
  s.cost_dollars = 2.5;
  s.cost_by_owner = {{"nodepool/default", 2.5}};
  s.peak_nodes = 9;
  s.node_autoscaler = "karpenter";
  Side with = kA;
  with.summary = run::summary_json(s);
  const TraceFacts f = facts_of("s", with);
  EXPECT_TRUE(f.has_summary);
  EXPECT_EQ(f.description, "hand, seed 1, karpenter");
  const DeploymentFacts& web = f.deployments[2];
  EXPECT_EQ(web.peak, 7);
  EXPECT_EQ(web.peak_at, 185s);
  EXPECT_EQ(web.first_scale_up, 95s);
  EXPECT_FALSE(web.first_scale_down.has_value());
  EXPECT_DOUBLE_EQ(web.replica_seconds, 35 * 60);  // always the ready samples
  EXPECT_EQ(f.routes[0].p99, 42ms);
  EXPECT_EQ(f.routes[0].errors, 3);
  EXPECT_EQ(f.cost, 2.5);
  EXPECT_EQ(f.nodes_peak, 9);

  const Comparison c = compare(f, f);
  EXPECT_FALSE(row(c, "route GET /a", "p99").marked);  // exact: no "(worst window)"
  EXPECT_TRUE(c.notes.empty());
  // A scale-down in one trace only is a difference.
  TraceFacts g = f;
  g.deployments[2].first_scale_down = 300s;
  EXPECT_TRUE(row(compare(f, g), "deployment shop/web", "first scale-down").marked);
}

TEST(Compare, ASummaryNotAsDocumentedIsAnError) {
  Side bad = kA;
  bad.summary = R"({"routes": []})";
  const fs::path path = write_trace("bad", bad);
  auto t = trace::TraceReader::open(path);
  ASSERT_TRUE(t.has_value());
  auto f = read_facts(*t, "bad");
  ASSERT_FALSE(f.has_value());
  EXPECT_NE(f.error().find("meta 'summary'"), std::string::npos) << f.error();
  fs::remove(path);
}

TEST(CompareFormat, TheTableAndTheJson) {
  const Comparison c = compare(facts_of("a.db", kA), facts_of("b.db", kB));
  const std::string text = format_comparison(c);
  EXPECT_NE(text.find("A  a.db: hand, seed 1\nB  b.db: hand, seed 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("deployment shop/web\n"), std::string::npos) << text;
  // The first line starting `start` after the group `group`'s heading.
  auto line_of = [&](const std::string& start, const std::string& group = "deployment shop/web") {
    const auto at = text.find("\n" + start, text.find("\n" + group + "\n")) + 1;
    EXPECT_NE(at, 0u) << start << "\n" << text;
    return text.substr(at, text.find('\n', at) - at);
  };
  const std::string peak = line_of("  peak replicas");
  EXPECT_NE(peak.find(" 6 "), std::string::npos) << peak;
  EXPECT_NE(peak.find("+2"), std::string::npos) << peak;
  EXPECT_NE(peak.find("+33.3%  *"), std::string::npos) << peak;
  EXPECT_NE(line_of("  first scale-up").find("+1m0s"), std::string::npos);
  const std::string cost = line_of("  total", "cost");
  EXPECT_NE(cost.find("$1.25"), std::string::npos) << cost;
  EXPECT_NE(cost.find("+$0.2500"), std::string::npos) << cost;
  EXPECT_TRUE(cost.ends_with("+20.0%  * worse")) << cost;
  EXPECT_TRUE(line_of("  p99 (worst window)", "route GET /a").ends_with("* better"));
  EXPECT_NE(text.find("A has no run summary"), std::string::npos);

  const nlohmann::json j = comparison_json(c);
  EXPECT_EQ(j.at("a").at("label"), "a.db");
  EXPECT_EQ(j.at("threshold"), 0.05);
  bool seen = false;
  for (const auto& r : j.at("rows")) {
    if (r.at("group") != "cost" || r.at("metric") != "total") continue;
    seen = true;
    EXPECT_EQ(r.at("verdict"), "worse");
    EXPECT_EQ(r.at("marked"), true);
    EXPECT_DOUBLE_EQ(r.at("diff").get<double>(), 0.25);
    EXPECT_EQ(r.at("a_text"), "$1.25");
  }
  EXPECT_TRUE(seen);
  EXPECT_TRUE(j.at("rows")[0].at("ratio").is_number() || j.at("rows")[0].at("ratio").is_null());
}

}  // namespace
}  // namespace ksim::analysis
