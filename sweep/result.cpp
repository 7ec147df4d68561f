// summarize and mark_pareto (result.h).
#include "ksim/sweep/result.h"

#include <algorithm>

namespace ksim::sweep {
namespace {

double ms(Duration d) { return static_cast<double>(d.count()) / 1000.0; }

}  // namespace

PointResult summarize(std::size_t index, const Point& point, const run::RunSummary& summary,
                      std::span<const analysis::ExpectResult> expectations) {
  PointResult r;
  r.index = index;
  r.point = point;
  r.cost_dollars = summary.cost_dollars;
  for (const run::RouteSummary& route : summary.routes) {
    r.routes.push_back(
        {route.route, route.requests, route.errors, ms(route.p50), ms(route.p95), ms(route.p99)});
    r.requests += route.requests;
    r.errors += route.errors;
    r.worst_p99_ms = std::max(r.worst_p99_ms, ms(route.p99));
  }
  r.error_rate =
      r.requests == 0 ? 0 : static_cast<double>(r.errors) / static_cast<double>(r.requests);
  r.peak_nodes = summary.peak_nodes;
  r.nodeclaims = summary.nodeclaims_launched;
  for (const analysis::ExpectResult& e : expectations) {
    (e.passed ? r.expectations_passed : r.expectations_failed) += 1;
  }
  r.slo_pass = r.expectations_failed == 0;
  return r;
}

bool mark_pareto(std::vector<PointResult>& points) {
  const bool among_passing =
      std::any_of(points.begin(), points.end(), [](const PointResult& p) { return p.slo_pass; });
  const auto candidate = [&](const PointResult& p) { return !among_passing || p.slo_pass; };
  // O(n^2): grids are hundreds of points, not millions.
  for (PointResult& p : points) {
    p.pareto =
        candidate(p) && std::none_of(points.begin(), points.end(), [&](const PointResult& q) {
          return candidate(q) && q.cost_dollars <= p.cost_dollars &&
                 q.worst_p99_ms <= p.worst_p99_ms &&
                 (q.cost_dollars < p.cost_dollars || q.worst_p99_ms < p.worst_p99_ms);
        });
  }
  return among_passing;
}

}  // namespace ksim::sweep
