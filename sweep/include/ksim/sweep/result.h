// What a sweep keeps of one grid point's run, and the Pareto front of cost vs
// latency over the points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ksim/analysis/expect.h"
#include "ksim/sim/run/run.h"
#include "ksim/sweep/grid.h"

namespace ksim::sweep {

/// One entry route's figures over the whole run; latencies in milliseconds.
struct RouteResult {
  std::string route;  // "GET /api/items"
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;
  friend bool operator==(const RouteResult&, const RouteResult&) = default;
};

struct PointResult {
  std::size_t index = 0;
  Point point;  // the parameters' values at this point
  double cost_dollars = 0;
  std::uint64_t requests = 0;  // summed over the routes
  std::uint64_t errors = 0;
  double error_rate = 0;    // errors / requests (0 without requests)
  double worst_p99_ms = 0;  // the highest route p99
  std::vector<RouteResult> routes;
  std::uint64_t peak_nodes = 0;
  std::uint64_t nodeclaims = 0;  // Karpenter NodeClaims launched
  /// The scenario's `expect:` checked against the point's trace; slo_pass:
  /// none failed (true when the scenario has no expectations).
  std::uint32_t expectations_passed = 0;
  std::uint32_t expectations_failed = 0;
  bool slo_pass = true;
  /// On the Pareto front of (cost_dollars, worst_p99_ms): set by mark_pareto.
  bool pareto = false;
  friend bool operator==(const PointResult&, const PointResult&) = default;
};

/// The point's figures from its run summary and its expectations' results.
PointResult summarize(std::size_t index, const Point& point, const run::RunSummary& summary,
                      std::span<const analysis::ExpectResult> expectations);

/// Marks the points no other candidate dominates in (cost_dollars,
/// worst_p99_ms), both lower-is-better: q dominates p when q is no worse in
/// both and better in one (points equal in both are all on the front). The
/// candidates are the points that pass the SLO, or all points when none
/// does; the others are never marked. Returns whether the front was taken
/// among SLO-passing points only.
bool mark_pareto(std::vector<PointResult>& points);

}  // namespace ksim::sweep
