// `ksim explain`: the HPA's decisions in a trace, taught step by step. Reads
// the `Sync` events' details (sim/trace/SCHEMA.md, "HPA Sync details") and
// the events and route windows around them; never runs the models.
//
// For each chosen decision (references are to ../shared/reference/hpa.md):
//   - the pods and how each one counted (section 3: ready, unready, missing,
//     ignored, with the rule) and what the conservative path assumed for it
//     (section 5.1 step 7: missing pods at 0 on a scale-up, at their request
//     (or the target) on a scale-down; unready pods at 0 on a scale-up);
//   - utilization = floor(100 x usage / request), ratio = utilization /
//     target, the tolerance test (section 4) and ceil(ratio x N) = raw
//     (section 5.1 steps 6-7);
//   - the stabilization window (sections 7.1, 8.3): the recommendations in
//     it and which one held the result;
//   - the limits (sections 7.2, 8.4): each policy's limit, the one selected,
//     min/max, and the final count;
//   - what followed, until the HPA's next rescale or 10 minutes: the pods
//     created, how long they were Pending (FailedScheduling to Scheduled),
//     the NodeClaims Karpenter launched (or the Cluster Autoscaler's
//     scale-ups), when the last new pod became Ready, and per route the p99
//     recovery (defined at RouteRecovery).
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "ksim/sim/kernel/time.h"
#include "ksim/sim/trace/trace_reader.h"

namespace ksim::analysis {

/// Which decisions to explain. With none of at/from/to: every sync that
/// changed the replica count. `at`: per HPA, the sync at or just before it.
/// `from`/`to`: every sync in [from, to] (either end may be open).
struct ExplainOptions {
  std::optional<Time> at;
  std::optional<Time> from;
  std::optional<Time> to;
  /// "hpa/NAME", "NAME" or "NS/NAME"; empty: every HPA.
  std::string object;
};

/// One pod's line of the table (milli-values; utilization in percent).
struct PodLine {
  std::string name;
  std::string group;   // ready, unready, missing, ignored
  std::string reason;  // the grouping rule; "" when ready
  std::optional<std::int64_t> usage;
  std::optional<std::int64_t> request;
  std::optional<std::int64_t> assumed;  // filled in by the conservative path
  /// floor(100 x usage / request) when both are known.
  [[nodiscard]] std::optional<std::int64_t> utilization() const;
};

/// One metric's proposal with its arithmetic (calc fields are set only for
/// Resource and Pods metrics, `has_calc`).
struct MetricExplain {
  std::string metric;  // "Resource cpu"
  std::optional<std::int32_t> replicas;
  std::optional<std::string> error;
  bool has_calc = false;
  std::vector<PodLine> pods;
  std::int32_t ready_pods = 0;
  std::optional<std::int32_t> target_utilization;
  std::optional<std::int64_t> target_average;
  std::optional<std::int32_t> utilization;
  std::string usage_total;
  std::string request_total;
  std::int64_t average = 0;
  double ratio = 0;
  double tolerance_low = 0.9;
  double tolerance_high = 1.1;
  bool conservative = false;
  std::optional<std::int32_t> new_utilization;
  std::string new_usage_total;
  std::string new_request_total;
  std::optional<double> new_ratio;
  std::int32_t count = 0;
  std::string outcome;  // within-tolerance, scaled, keep-reversed, keep-against
  /// The ratio the final step used (new_ratio on the conservative path).
  [[nodiscard]] double final_ratio() const { return new_ratio.value_or(ratio); }
  [[nodiscard]] bool within_tolerance(double r) const {
    return tolerance_low <= r && r <= tolerance_high;
  }
};

struct RecommendationLine {
  std::int32_t replicas = 0;
  Time t{};
  bool in_up_window = false;
  bool in_down_window = false;
};

struct PolicyLine {
  std::string type;  // Pods, Percent
  std::int32_t value = 0;
  std::int32_t period_seconds = 0;
  std::int32_t period_start = 0;
  std::int32_t limit = 0;
};

/// Stabilization and limits as the sync's `normalization` details give them.
struct NormalizationExplain {
  bool behavior = false;
  std::int32_t current = 0;
  std::int32_t raw = 0;
  std::int32_t min_replicas = 0;
  std::int32_t max_replicas = 0;
  std::int32_t up_window_seconds = 0;
  std::int32_t down_window_seconds = 0;
  std::vector<RecommendationLine> recommendations;
  std::int32_t up_recommendation = 0;
  std::int32_t down_recommendation = 0;
  std::int32_t stabilized = 0;
  std::string direction;  // up, down, none
  std::string select_policy;
  std::vector<PolicyLine> policies;
  std::int32_t rate_limit = 0;
  std::int32_t bound = 0;
  std::string limit;  // DesiredWithinRange, ScaleUpLimit, ...
  std::int32_t desired = 0;
};

/// A new pod after a scale-up: when it was Pending, scheduled and Ready.
struct PodFollowup {
  std::string name;  // ns/name
  Time created{};
  std::optional<Time> first_failed_scheduling;
  std::optional<Time> scheduled;
  std::string node;
  std::optional<Time> ready;
};

/// A node launched in the follow-up span, or earlier (up to 10 minutes
/// before the decision) when its node took some of the decision's new pods:
/// a Karpenter NodeClaim `launched` or a Cluster Autoscaler `scale-up`.
struct NodeLaunch {
  Time t{};
  std::string kind;    // NodeClaim, NodeGroup
  std::string object;  // the NodePool or node group
  std::string message;
  /// The node it made (the Node `Launched` event written just before it at
  /// the same time) and when that node became Ready.
  std::string node;
  std::optional<Time> node_ready;
  /// New pods of this decision later scheduled onto that node.
  std::vector<std::string> pods;
};

/// A route's p99 around the decision. `baseline` is the lowest p99 of the
/// route's windows in the 5 minutes before the decision (the latency before
/// the load rose); `before` the last window ending at or before the decision;
/// `peak` the highest p99 in the follow-up span; `recovered` the start of the
/// first window in the span, at or after the peak, whose p99 is at most
/// 1.1 x baseline (absent: not within the span).
struct RouteRecovery {
  std::string route;
  std::optional<Duration> baseline;
  std::optional<Duration> before;
  std::optional<Duration> peak;
  std::optional<Time> peak_at;
  std::optional<Time> recovered;
  std::optional<Duration> recovered_p99;
};

struct Followup {
  Time until{};  // end of the span: next rescale of this HPA or +10 min
  std::vector<PodFollowup> new_pods;
  std::int32_t deleted_pods = 0;
  std::vector<NodeLaunch> nodes;
  std::optional<Time> last_ready;  // when the last new pod became Ready
  std::vector<RouteRecovery> routes;
};

/// One HPA sync explained.
struct Decision {
  std::int64_t event_id = 0;
  Time t{};
  std::string hpa;     // ns/name
  std::string target;  // the Deployment, ns/name
  std::int32_t current = 0;
  std::int32_t desired = 0;
  bool scaled = false;
  std::string reason;  // Computed, AboveMaxReplicas, ...
  std::optional<std::string> error;
  std::vector<MetricExplain> metrics;
  std::optional<NormalizationExplain> normalization;
  std::vector<std::string> sentences;  // the controller's own explanation
  Followup followup;
};

/// The chosen decisions in time order, or an error: the trace cannot be read,
/// no HPA matches `object` ("no HPA named ..."), or no decision in the range.
std::expected<std::vector<Decision>, std::string> explain_decisions(const trace::TraceReader& trace,
                                                                    const ExplainOptions& options);

/// Plain text for a terminal: aligned tables, times as 12m30s.
std::string format_text(const std::vector<Decision>& decisions);
/// The same content as one JSON document {"decisions": [...]}.
std::string format_json(const std::vector<Decision>& decisions);

}  // namespace ksim::analysis
