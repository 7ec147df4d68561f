// Internal: the decisions of a trace: the log table's rows and the HPA
// rescales that mark the replica charts.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ksim/sim/trace/records.h"

namespace ksim::report::detail {

/// Rows kept in the page's decision log; later ones are counted, not shown.
inline constexpr std::size_t kMaxDecisions = 3000;

/// The decision log: HPA syncs that rescaled (with their explanation) and
/// the HPA's warnings, Karpenter's NodeClaims and disruptions, the Cluster
/// Autoscaler's actions, faults and node warnings. Each row: t_s, kind,
/// object, reason, type, message, explanation (array of sentences).
/// Routine events (the HPA's other syncs, pod lifecycle) are left out; so is
/// SuccessfulRescale, which repeats the rescaling sync.
nlohmann::json decision_log(const std::vector<trace::TraceEvent>& events);

/// One HPA rescale of a Deployment.
struct Rescale {
  std::int64_t t_us = 0;
  std::string target;  // the Deployment, "ns/name"
  int from = 0;
  int to = 0;
  std::string text;  // the sync's message and conclusion
};

/// The HPA syncs that rescaled their target, in time order.
std::vector<Rescale> rescales(const std::vector<trace::TraceEvent>& events);

}  // namespace ksim::report::detail
