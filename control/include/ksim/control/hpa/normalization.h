// From the raw proposal to the desired replica count: stabilization and limits.
// upstream: horizontal.go normalizeDesiredReplicas (no behavior) and
// normalizeDesiredReplicasWithBehaviors, storeScaleEvent; API defaults from
// pkg/apis/autoscaling/v2/defaults.go.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ksim/control/hpa/types.h"

namespace ksim::control::hpa {

/// Why the normalized count is what it is (the ScalingLimited reasons, plus the
/// stabilization that may have bound it first).
enum class LimitReason {
  kDesiredWithinRange,
  kTooManyReplicas,
  kTooFewReplicas,
  kScaleUpLimit,
  kScaleDownLimit,
};
enum class StabilizationReason { kReadyForNewScale, kScaleUpStabilized, kScaleDownStabilized };

std::string to_string(LimitReason r);
std::string to_string(StabilizationReason r);

/// Behavior rules after API defaulting and the controller's scale-down window.
struct ResolvedRules {
  std::int32_t stabilization_window_seconds = 0;
  SelectPolicy select_policy = SelectPolicy::kMax;
  std::vector<ScalingPolicy> policies;
};
struct ResolvedBehavior {
  ResolvedRules scale_up;
  ResolvedRules scale_down;
};

/// upstream: SetDefaults_HorizontalPodAutoscalerBehavior plus
/// maybeInitScaleDownStabilizationWindow (an unset scale-down window becomes
/// the controller's --horizontal-pod-autoscaler-downscale-stabilization).
ResolvedBehavior resolve_behavior(const Behavior& b, Duration downscale_stabilization);

/// A stored recommendation as stabilization saw it (before this sync's raw
/// proposal was recorded), and which window it fell in (strict: after now - W).
struct RecommendationUse {
  std::int32_t replicas = 0;
  Instant time{};
  bool in_up_window = false;    // behavior path only
  bool in_down_window = false;  // the legacy window, or behavior's scale-down one
};

/// One scaling policy's limit this sync (upstream: calculateScaleUpLimitWithScalingRules /
/// calculateScaleDownLimitWithBehaviors, per policy).
struct PolicyLimit {
  ScalingPolicy policy;
  std::int32_t period_start = 0;  // current - added + removed in the period
  std::int32_t limit = 0;         // what the policy allows this sync
};

/// Normalization as numbers (what `explain` shows).
struct NormalizationDetail {
  bool behavior = false;  // spec.behavior set (else the legacy path)
  std::int32_t current = 0;
  std::int32_t raw = 0;  // the largest proposal across metrics
  std::int32_t min_replicas = 0;
  std::int32_t max_replicas = 0;
  /// Stabilization windows in seconds (legacy: up 0, down the controller's).
  std::int32_t up_window_seconds = 0;
  std::int32_t down_window_seconds = 0;
  std::vector<RecommendationUse> recommendations;
  std::int32_t up_rec = 0;    // lowest in the scale-up window and raw (behavior)
  std::int32_t down_rec = 0;  // highest in the scale-down window and raw
  std::int32_t stabilized = 0;
  /// The rate limit's direction: +1 up, -1 down, 0 none (stabilized == current).
  int direction = 0;
  SelectPolicy select_policy = SelectPolicy::kMax;
  std::vector<PolicyLimit> policies;  // behavior path, in the direction taken
  /// Behavior: the policies' selected limit (clamped to current); legacy: the
  /// scale-up cap max(factor x current, minimum).
  std::int32_t rate_limit = 0;
  /// The bound applied in that direction: min(max, limit) up, max(min, limit)
  /// down; legacy: [min_replicas, upper].
  std::int32_t bound = 0;
  LimitReason limit = LimitReason::kDesiredWithinRange;
  std::int32_t desired = 0;
};

/// The outcome of normalization with the conditions it sets.
struct Normalized {
  std::int32_t desired = 0;
  std::int32_t stabilized = 0;
  StabilizationReason stabilization = StabilizationReason::kReadyForNewScale;
  std::string stabilization_message;
  LimitReason limit = LimitReason::kDesiredWithinRange;
  std::string limit_message;
  bool limited = false;  // ScalingLimited status (desired != stabilized)
  std::vector<std::string> explanation;
  NormalizationDetail detail;
};

/// Legacy path (spec.behavior nil). Updates `recommendations`.
Normalized normalize_legacy(std::int32_t current, std::int32_t raw, std::int32_t min_replicas,
                            std::int32_t max_replicas, const ControllerConfig& config,
                            std::vector<Recommendation>& recommendations, Instant now);

/// Behavior path. Updates `recommendations`; reads the scale events.
Normalized normalize_with_behavior(std::int32_t current, std::int32_t raw,
                                   std::int32_t min_replicas, std::int32_t max_replicas,
                                   const ResolvedBehavior& behavior,
                                   std::vector<Recommendation>& recommendations,
                                   const ControllerState& events, Instant now);

/// upstream: calculateScaleUpLimitWithScalingRules.
std::int32_t scale_up_limit_with_rules(std::int32_t current, const std::vector<ScaleEvent>& up,
                                       const std::vector<ScaleEvent>& down,
                                       const ResolvedRules& rules, Instant now);
/// upstream: calculateScaleDownLimitWithBehaviors.
std::int32_t scale_down_limit_with_rules(std::int32_t current, const std::vector<ScaleEvent>& up,
                                         const std::vector<ScaleEvent>& down,
                                         const ResolvedRules& rules, Instant now);

/// Each policy's limit in one direction (up: true), as the two functions above
/// compute them before selecting.
std::vector<PolicyLimit> policy_limits(std::int32_t current, const std::vector<ScaleEvent>& up,
                                       const std::vector<ScaleEvent>& down,
                                       const ResolvedRules& rules, Instant now, bool scale_up);

/// upstream: storeScaleEvent (behavior set only; the caller checks that).
void store_scale_event(const ResolvedBehavior& behavior, std::int32_t previous,
                       std::int32_t desired, ControllerState& state, Instant now);

}  // namespace ksim::control::hpa
