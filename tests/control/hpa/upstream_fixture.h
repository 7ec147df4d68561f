// The fixture of upstream horizontal_test.go (prepareTestClient /
// newFakeHorizontalClient) rebuilt as a ReconcileInput, so that the upstream
// testCase tables can be transcribed row by row: same names, same pod shapes,
// same controller settings (tolerance 0.1, CPU initialization 2 min, readiness
// delay 10 s, downscale window 5 min, legacy scaleUpLimitFactor 8).
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "ksim/control/hpa/reconcile.h"

namespace ksim::control::hpa::upstream {

using namespace std::chrono_literals;

/// time.Now() of the sync (metrics are taken a moment before it).
inline Instant now() { return Instant{std::chrono::seconds(1'800'000'000)}; }

/// hotCPUCreationTime (a moment before the sync) and coolCPUCreationTime.
inline Instant hot() { return now() - 10ms; }
inline Instant cool() { return now() - 3min; }

/// One expected condition (messages and times are cleared upstream).
struct Cond {
  std::string type;
  ConditionStatus status = ConditionStatus::kTrue;
  std::string reason;
};

/// statusOkWithOverrides: the three conditions of a successful rescale, with
/// the given ones replaced in place.
std::vector<Cond> status_ok(std::vector<Cond> overrides = {});

/// The fields of upstream's testCase / horizontalScenario.
struct Scenario {
  std::int32_t min_replicas = 0;
  std::int32_t max_replicas = 0;
  std::int32_t spec_replicas = 0;
  std::int32_t status_replicas = 0;
  std::int32_t cpu_target = 0;                          // CPUTarget (0: no CPU metric)
  std::vector<std::int64_t> levels{};                   // reportedLevels (milli)
  std::optional<std::vector<std::int64_t>> requests{};  // reportedCPURequests (milli)
  std::vector<ConditionStatus> readiness{};             // reportedPodReadiness
  std::vector<Instant> start{};                         // reportedPodStartTime
  std::vector<PodPhase> phases{};                       // reportedPodPhase
  std::vector<bool> deleting{};                         // reportedPodDeletionTimestamp
  std::vector<MetricSpec> metrics{};                    // metricsTarget
  std::optional<ScalingRules> scale_up{};               // scaleUpRules
  std::optional<ScalingRules> scale_down{};             // scaleDownRules
  std::optional<std::vector<Recommendation>> recommendations{};
  std::vector<HpaCondition> initial_conditions{};
  std::optional<Instant> last_scale_time{};
  std::string target_kind = "ReplicationController";
  std::string target_name = "test-rc";
  std::string target_api_version = "v1";
  bool scale_to_zero_gate = false;
  bool tolerance_gate = false;
};

/// The ReconcileInput the upstream fakes amount to.
ReconcileInput build(const Scenario& s);

/// Conditions of `status` as (type, status, reason), in order.
std::vector<Cond> conditions_of(const HpaStatus& status);

/// The upstream assertions: desired replicas (status and scale write), that the
/// scale is written iff it changes, and the conditions.
void expect_result(const Scenario& s, const ReconcileResult& r, std::int32_t want_desired,
                   const std::vector<Cond>& want_conditions);

/// findCpuUtilization of the status, or -1.
std::int32_t cpu_utilization(const HpaStatus& status);

// Metric specs of the upstream tables (metric name "qps").
MetricSpec pods_metric(std::int64_t average_milli);
MetricSpec object_value(std::int64_t value_milli);
MetricSpec object_average(std::int64_t average_milli);
MetricSpec external_value(std::int64_t value_milli);
MetricSpec external_average(std::int64_t average_milli);
MetricSpec container_cpu(const std::string& container, std::int32_t utilization);
MetricSpec unknown_metric(const std::string& type);

/// generateScalingRules(pods, podsPeriod, percent, percentPeriod, window).
ScalingRules scaling_rules(std::int32_t pods, std::int32_t pods_period, std::int32_t percent,
                           std::int32_t percent_period, std::int32_t window);

/// generateEventsUniformDistribution(raw, period): events at the centres of
/// `raw.size()` equal segments of the last `period` seconds (a moment older
/// than the sync, as upstream's time.Now() is).
std::vector<ScaleEvent> uniform_events(const std::vector<int>& raw, int period);

// Shorthands the transcribed upstream tables share.
using CS = ConditionStatus;
inline constexpr CS T = CS::kTrue;
inline constexpr CS F = CS::kFalse;
/// `n` containers' requests of `milli` each (upstream's reportedCPURequests).
inline std::vector<std::int64_t> req(std::size_t n, std::int64_t milli = 1000) {
  return std::vector<std::int64_t>(n, milli);
}

inline bool operator==(const Cond& a, const Cond& b) {
  return a.type == b.type && a.status == b.status && a.reason == b.reason;
}
void PrintTo(const Cond& c, std::ostream* os);

}  // namespace ksim::control::hpa::upstream
