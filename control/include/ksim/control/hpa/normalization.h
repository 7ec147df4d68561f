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

/// upstream: storeScaleEvent (behavior set only; the caller checks that).
void store_scale_event(const ResolvedBehavior& behavior, std::int32_t previous,
                       std::int32_t desired, ControllerState& state, Instant now);

}  // namespace ksim::control::hpa
