// compare, format_comparison, comparison_json (compare.h): the rows of two
// traces' facts, their differences and marks, as text and as JSON.
#include "ksim/analysis/compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace ksim::analysis {
namespace {

using nlohmann::json;

std::optional<double> secs(const std::optional<Duration>& d) {
  if (!d) return std::nullopt;
  return static_cast<double>(d->count()) / 1e6;
}

void judge(CompareRow& r, double threshold) {
  if (r.a && r.b) {
    r.diff = *r.b - *r.a;
    if (*r.a != 0) r.ratio = *r.diff / std::abs(*r.a);
    const double d = std::abs(*r.diff);
    r.marked = d > absolute_floor(r.unit) && (*r.a == 0 || d / std::abs(*r.a) > threshold);
  } else {
    r.marked = r.a.has_value() != r.b.has_value();
  }
  if (!r.marked) {
    r.verdict = Verdict::kSame;
  } else if (!r.lower_is_better || !r.diff) {
    r.verdict = Verdict::kDiffers;
  } else {
    r.verdict = *r.diff < 0 ? Verdict::kBetter : Verdict::kWorse;
  }
}

class Rows {
 public:
  Rows(Comparison& c, double threshold) : c_(c), threshold_(threshold) {}
  void add(std::string group, std::string metric, Unit unit, std::optional<double> a,
           std::optional<double> b, bool lower_is_better = false) {
    CompareRow r;
    r.group = std::move(group);
    r.metric = std::move(metric);
    r.unit = unit;
    r.a = a;
    r.b = b;
    r.lower_is_better = lower_is_better;
    judge(r, threshold_);
    c_.rows.push_back(std::move(r));
  }

 private:
  Comparison& c_;
  double threshold_;
};

template <typename T>
const T* find(const std::vector<T>& v, const std::string& name, std::string T::*key) {
  auto it = std::ranges::find(v, name, key);
  return it == v.end() ? nullptr : &*it;
}

template <typename T>
std::vector<std::string> names(const std::vector<T>& a, const std::vector<T>& b,
                               std::string T::*key) {
  std::set<std::string> all;
  for (const T& x : a) all.insert(x.*key);
  for (const T& x : b) all.insert(x.*key);
  return {all.begin(), all.end()};
}

void one_sided(Comparison& c, std::string_view what, const std::string& name, bool in_a,
               bool in_b) {
  if (in_a != in_b)
    c.notes.push_back(fmt::format("only in {}: {} {}", in_a ? "A" : "B", what, name));
}

void compare_deployments(const TraceFacts& a, const TraceFacts& b, Comparison& c, Rows& rows) {
  for (const std::string& name : names(a.deployments, b.deployments, &DeploymentFacts::name)) {
    const DeploymentFacts* da = find(a.deployments, name, &DeploymentFacts::name);
    const DeploymentFacts* db = find(b.deployments, name, &DeploymentFacts::name);
    one_sided(c, "deployment", name, da != nullptr, db != nullptr);
    auto get = [](const DeploymentFacts* d, auto f) -> std::optional<double> {
      if (d == nullptr) return std::nullopt;
      return f(*d);
    };
    const std::string g = "deployment " + name;
    rows.add(g, "peak replicas", Unit::kReplicas, get(da, [](auto& d) { return d.peak; }),
             get(db, [](auto& d) { return d.peak; }));
    const auto time_row = [&](std::string metric, std::optional<Duration> DeploymentFacts::*m) {
      rows.add(g, std::move(metric), Unit::kTime, da == nullptr ? std::nullopt : secs(da->*m),
               db == nullptr ? std::nullopt : secs(db->*m));
    };
    time_row("peak at", &DeploymentFacts::peak_at);
    time_row("first scale-up", &DeploymentFacts::first_scale_up);
    time_row("first scale-down", &DeploymentFacts::first_scale_down);
    rows.add(g, "replica-seconds", Unit::kReplicaSeconds,
             get(da, [](auto& d) { return d.replica_seconds; }),
             get(db, [](auto& d) { return d.replica_seconds; }));
  }
}

void compare_routes(const TraceFacts& a, const TraceFacts& b, Comparison& c, Rows& rows) {
  const std::string worst = a.has_summary && b.has_summary ? "" : " (worst window)";
  for (const std::string& name : names(a.routes, b.routes, &RouteFacts::route)) {
    const RouteFacts* ra = find(a.routes, name, &RouteFacts::route);
    const RouteFacts* rb = find(b.routes, name, &RouteFacts::route);
    one_sided(c, "route", name, ra != nullptr, rb != nullptr);
    const std::string g = "route " + name;
    auto count = [](const RouteFacts* r, double RouteFacts::*m) -> std::optional<double> {
      if (r == nullptr) return std::nullopt;
      return r->*m;
    };
    auto rate = [](const RouteFacts* r) -> std::optional<double> {
      if (r == nullptr || r->requests == 0) return std::nullopt;
      return r->errors / r->requests;
    };
    auto lat = [](const RouteFacts* r, std::optional<Duration> RouteFacts::*m) {
      return r == nullptr ? std::nullopt : secs(r->*m);
    };
    rows.add(g, "requests", Unit::kCount, count(ra, &RouteFacts::requests),
             count(rb, &RouteFacts::requests));
    rows.add(g, "errors", Unit::kCount, count(ra, &RouteFacts::errors),
             count(rb, &RouteFacts::errors), true);
    rows.add(g, "error rate", Unit::kRatio, rate(ra), rate(rb), true);
    rows.add(g, "p50" + worst, Unit::kLatency, lat(ra, &RouteFacts::p50), lat(rb, &RouteFacts::p50),
             true);
    rows.add(g, "p95" + worst, Unit::kLatency, lat(ra, &RouteFacts::p95), lat(rb, &RouteFacts::p95),
             true);
    rows.add(g, "p99" + worst, Unit::kLatency, lat(ra, &RouteFacts::p99), lat(rb, &RouteFacts::p99),
             true);
  }
}

void compare_cost_and_nodes(const TraceFacts& a, const TraceFacts& b, Rows& rows) {
  rows.add("cost", "total", Unit::kDollars, a.cost, b.cost, true);
  std::set<std::string> owners;
  for (const auto& [o, d] : a.cost_by_owner) owners.insert(o);
  for (const auto& [o, d] : b.cost_by_owner) owners.insert(o);
  auto of = [](const TraceFacts& f, const std::string& o) -> std::optional<double> {
    auto it = f.cost_by_owner.find(o);
    if (it == f.cost_by_owner.end()) return std::nullopt;
    return it->second;
  };
  for (const std::string& o : owners) rows.add("cost", o, Unit::kDollars, of(a, o), of(b, o), true);
  rows.add("nodes", "peak", Unit::kNodes, a.nodes_peak, b.nodes_peak);
}

}  // namespace

double absolute_floor(Unit unit) {
  switch (unit) {
    case Unit::kReplicas:
    case Unit::kNodes:
      return 0.5;
    case Unit::kTime:
    case Unit::kReplicaSeconds:
    case Unit::kCount:
      return 1;
    case Unit::kRatio:
      return 0.001;
    case Unit::kLatency:
      return 0.0001;
    case Unit::kDollars:
      return 0.0001;
  }
  return 0;
}

Comparison compare(const TraceFacts& a, const TraceFacts& b, const CompareOptions& options) {
  Comparison c;
  c.a_label = a.label;
  c.a_description = a.description;
  c.b_label = b.label;
  c.b_description = b.description;
  c.threshold = options.threshold;
  Rows rows(c, options.threshold);
  compare_deployments(a, b, c, rows);
  compare_routes(a, b, c, rows);
  compare_cost_and_nodes(a, b, rows);
  for (const TraceFacts* f : {&a, &b}) {
    if (!f->has_summary) {
      c.notes.push_back(fmt::format(
          "{} has no run summary (meta 'summary'): its latency percentiles are the worst "
          "window's, its scale times the windows' samples",
          f == &a ? "A" : "B"));
    }
  }
  return c;
}

}  // namespace ksim::analysis
