// Internal: the page's sections, each a titled list of charts built from the
// trace (report/README.md lists them).
#pragma once

#include <nlohmann/json.hpp>

#include "trace_data.h"

namespace ksim::report::detail {

/// The HPA's default tolerance (--horizontal-pod-autoscaler-tolerance): no
/// rescale while current / target stays within [1 - t, 1 + t].
inline constexpr double kHpaTolerance = 0.1;

/// Load: requests/s per route, stacked (the route mix).
nlohmann::json load_section(const TraceData& d);
/// Per Deployment: desired, current and ready replicas, each HPA rescale marked.
nlohmann::json replicas_section(const TraceData& d);
/// Per HPA and metric: the current value against the target's tolerance band.
nlohmann::json hpa_section(const TraceData& d);
/// Per route: latency p50 / p95 / p99 and errors/s, per statistics window.
nlohmann::json routes_section(const TraceData& d);
/// Running nodes by NodePool / node group and by capacity type.
nlohmann::json nodes_section(const TraceData& d);
/// Dollars so far per NodePool / node group and per capacity type (stacked:
/// the top is the total; the total alone for a trace without them), and the
/// running nodes' price per hour.
nlohmann::json cost_section(const TraceData& d);

}  // namespace ksim::report::detail
