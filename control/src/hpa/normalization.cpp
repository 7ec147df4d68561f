// Stabilization and limits. upstream: horizontal.go stabilizeRecommendation,
// convertDesiredReplicasWithRules, calculateScaleUpLimit,
// stabilizeRecommendationWithBehaviors, convertDesiredReplicasWithBehaviorRate,
// getReplicasChangePerPeriod, storeScaleEvent, markScaleEventsOutdated.
#include "ksim/control/hpa/normalization.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "text.h"

namespace ksim::control::hpa {
namespace {

constexpr std::int32_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();
constexpr std::int32_t kMinInt32 = std::numeric_limits<std::int32_t>::min();

// Go int32 arithmetic wraps; C++ signed overflow must not happen.
std::int32_t wrap32(std::int64_t v) { return static_cast<std::int32_t>(v); }

std::int32_t float_to_int32(double v) {  // Go int32(f) on in-range values
  if (std::isnan(v) || v >= 2147483648.0 || v < -2147483648.0) return kMinInt32;
  return static_cast<std::int32_t>(v);
}

Duration seconds(std::int32_t s) { return std::chrono::seconds(s); }

}  // namespace

std::string to_string(LimitReason r) {
  switch (r) {
    case LimitReason::kDesiredWithinRange:
      return "DesiredWithinRange";
    case LimitReason::kTooManyReplicas:
      return "TooManyReplicas";
    case LimitReason::kTooFewReplicas:
      return "TooFewReplicas";
    case LimitReason::kScaleUpLimit:
      return "ScaleUpLimit";
    case LimitReason::kScaleDownLimit:
      return "ScaleDownLimit";
  }
  return "DesiredWithinRange";
}

std::string to_string(StabilizationReason r) {
  switch (r) {
    case StabilizationReason::kReadyForNewScale:
      return "ReadyForNewScale";
    case StabilizationReason::kScaleUpStabilized:
      return "ScaleUpStabilized";
    case StabilizationReason::kScaleDownStabilized:
      return "ScaleDownStabilized";
  }
  return "ReadyForNewScale";
}

ResolvedBehavior resolve_behavior(const Behavior& b, Duration downscale_stabilization) {
  ResolvedBehavior r;
  const ScalingRules up = b.scale_up.value_or(ScalingRules{});
  const ScalingRules down = b.scale_down.value_or(ScalingRules{});
  r.scale_up.stabilization_window_seconds = up.stabilization_window_seconds.value_or(0);
  r.scale_up.select_policy = up.select_policy.value_or(SelectPolicy::kMax);
  r.scale_up.policies = up.policies.value_or(
      std::vector<ScalingPolicy>{{PolicyType::kPods, 4, 15}, {PolicyType::kPercent, 100, 15}});
  r.scale_down.stabilization_window_seconds = down.stabilization_window_seconds.value_or(
      static_cast<std::int32_t>(downscale_stabilization.count() / 1000000));
  r.scale_down.select_policy = down.select_policy.value_or(SelectPolicy::kMax);
  r.scale_down.policies =
      down.policies.value_or(std::vector<ScalingPolicy>{{PolicyType::kPercent, 100, 15}});
  return r;
}

Normalized normalize_legacy(std::int32_t current, std::int32_t raw, std::int32_t min_replicas,
                            std::int32_t max_replicas, const ControllerConfig& config,
                            std::vector<Recommendation>& recommendations, Instant now) {
  Normalized n;
  // stabilizeRecommendation: max over records not older than the window.
  std::int32_t stabilized = raw;
  const Instant cutoff = now - config.downscale_stabilization;
  NormalizationDetail& d = n.detail;
  for (const Recommendation& r : recommendations) {
    d.recommendations.push_back({r.replicas, r.time, false, !(r.time < cutoff)});
  }
  std::optional<std::size_t> old_index;
  for (std::size_t i = 0; i < recommendations.size(); ++i) {
    if (recommendations[i].time < cutoff) {
      old_index = i;
    } else if (recommendations[i].replicas > stabilized) {
      stabilized = recommendations[i].replicas;
    }
  }
  if (old_index) {
    recommendations[*old_index] = {raw, now};
  } else {
    recommendations.push_back({raw, now});
  }
  n.stabilized = stabilized;
  if (stabilized != raw) {
    n.stabilization = StabilizationReason::kScaleDownStabilized;
    n.stabilization_message =
        "recent recommendations were higher than current one, applying the highest recent "
        "recommendation";
    n.explanation.push_back("downscale stabilization window " +
                            text::seconds(config.downscale_stabilization) +
                            ": highest recent recommendation " + std::to_string(stabilized) +
                            " holds raw proposal " + std::to_string(raw));
  } else {
    n.stabilization_message = "recommended size matches current size";
  }
  // convertDesiredReplicasWithRules with calculateScaleUpLimit.
  const std::int32_t scale_up_limit =
      float_to_int32(std::max(config.legacy_scale_up_limit_factor * static_cast<double>(current),
                              config.legacy_scale_up_limit_minimum));
  std::int32_t upper = max_replicas;
  LimitReason upper_reason = LimitReason::kTooManyReplicas;
  n.limit_message = "the desired replica count is more than the maximum replica count";
  if (max_replicas > scale_up_limit) {
    upper = scale_up_limit;
    upper_reason = LimitReason::kScaleUpLimit;
    n.limit_message = "the desired replica count is increasing faster than the maximum scale rate";
  }
  if (stabilized < min_replicas) {
    n.desired = min_replicas;
    n.limit = LimitReason::kTooFewReplicas;
    n.limit_message = "the desired replica count is less than the minimum replica count";
  } else if (stabilized > upper) {
    n.desired = upper;
    n.limit = upper_reason;
  } else {
    n.desired = stabilized;
    n.limit = LimitReason::kDesiredWithinRange;
    n.limit_message = "the desired count is within the acceptable range";
  }
  n.limited = n.desired != stabilized;
  d.behavior = false;
  d.current = current;
  d.raw = raw;
  d.min_replicas = min_replicas;
  d.max_replicas = max_replicas;
  d.down_window_seconds = static_cast<std::int32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(config.downscale_stabilization).count());
  d.up_rec = raw;
  d.down_rec = stabilized;
  d.stabilized = stabilized;
  d.direction = stabilized > current ? 1 : (stabilized < current ? -1 : 0);
  d.rate_limit = scale_up_limit;
  d.bound = upper;
  d.limit = n.limit;
  d.desired = n.desired;
  n.explanation.push_back(
      "legacy limits: [" + std::to_string(min_replicas) + ", min(" + std::to_string(max_replicas) +
      ", scale-up cap max(" + text::num(config.legacy_scale_up_limit_factor) + " x " +
      std::to_string(current) + ", " + text::num(config.legacy_scale_up_limit_minimum) +
      ") = " + std::to_string(scale_up_limit) + ")] -> " + std::to_string(n.desired) + " (" +
      to_string(n.limit) + ")");
  return n;
}

namespace {

// upstream: getReplicasChangePerPeriod (events strictly after now - period).
std::int64_t change_in_period(std::int32_t period_seconds, const std::vector<ScaleEvent>& events,
                              Instant now) {
  const Instant cutoff = now - seconds(period_seconds);
  std::int32_t sum = 0;
  for (const ScaleEvent& e : events) {
    if (e.time > cutoff) sum = wrap32(static_cast<std::int64_t>(sum) + e.replica_change);
  }
  return sum;
}

std::int32_t period_start(std::int32_t current, const ScalingPolicy& p,
                          const std::vector<ScaleEvent>& up, const std::vector<ScaleEvent>& down,
                          Instant now) {
  return wrap32(static_cast<std::int64_t>(current) - change_in_period(p.period_seconds, up, now) +
                change_in_period(p.period_seconds, down, now));
}

}  // namespace

std::int32_t scale_up_limit_with_rules(std::int32_t current, const std::vector<ScaleEvent>& up,
                                       const std::vector<ScaleEvent>& down,
                                       const ResolvedRules& rules, Instant now) {
  if (rules.select_policy == SelectPolicy::kDisabled) return current;
  const bool pick_min = rules.select_policy == SelectPolicy::kMin;
  std::int32_t result = pick_min ? kMaxInt32 : kMinInt32;
  for (const ScalingPolicy& p : rules.policies) {
    const std::int32_t start = period_start(current, p, up, down, now);
    std::int32_t proposed = 0;
    if (p.type == PolicyType::kPods) {
      proposed = wrap32(static_cast<std::int64_t>(start) + p.value);
    } else {
      proposed = float_to_int32(
          std::ceil(static_cast<double>(start) * (1 + static_cast<double>(p.value) / 100)));
    }
    result = pick_min ? std::min(result, proposed) : std::max(result, proposed);
  }
  return result;
}

std::int32_t scale_down_limit_with_rules(std::int32_t current, const std::vector<ScaleEvent>& up,
                                         const std::vector<ScaleEvent>& down,
                                         const ResolvedRules& rules, Instant now) {
  if (rules.select_policy == SelectPolicy::kDisabled) return current;
  const bool pick_max = rules.select_policy == SelectPolicy::kMin;  // least change
  std::int32_t result = pick_max ? kMinInt32 : kMaxInt32;
  for (const ScalingPolicy& p : rules.policies) {
    const std::int32_t start = period_start(current, p, up, down, now);
    std::int32_t proposed = 0;
    if (p.type == PolicyType::kPods) {
      proposed = wrap32(static_cast<std::int64_t>(start) - p.value);
    } else {
      proposed =
          float_to_int32(static_cast<double>(start) * (1 - static_cast<double>(p.value) / 100));
    }
    result = pick_max ? std::max(result, proposed) : std::min(result, proposed);
  }
  return result;
}

std::vector<PolicyLimit> policy_limits(std::int32_t current, const std::vector<ScaleEvent>& up,
                                       const std::vector<ScaleEvent>& down,
                                       const ResolvedRules& rules, Instant now, bool scale_up) {
  // The per-policy step of the two functions above, before Max/Min selection.
  std::vector<PolicyLimit> out;
  for (const ScalingPolicy& p : rules.policies) {
    const std::int32_t start = period_start(current, p, up, down, now);
    const double f = static_cast<double>(p.value) / 100;
    std::int32_t limit = 0;
    if (p.type == PolicyType::kPods) {
      limit = wrap32(static_cast<std::int64_t>(start) + (scale_up ? p.value : -p.value));
    } else if (scale_up) {
      limit = float_to_int32(std::ceil(static_cast<double>(start) * (1 + f)));
    } else {
      limit = float_to_int32(static_cast<double>(start) * (1 - f));
    }
    out.push_back({p, start, limit});
  }
  return out;
}

void store_scale_event(const ResolvedBehavior& behavior, std::int32_t previous,
                       std::int32_t desired, ControllerState& state, Instant now) {
  const bool up = desired > previous;
  const ResolvedRules& rules = up ? behavior.scale_up : behavior.scale_down;
  std::vector<ScaleEvent>& events = up ? state.scale_up_events : state.scale_down_events;
  std::int32_t longest = 0;
  for (const ScalingPolicy& p : rules.policies) longest = std::max(longest, p.period_seconds);
  const Instant cutoff = now - seconds(longest);
  std::optional<std::size_t> old_index;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].time < cutoff) events[i].outdated = true;  // markScaleEventsOutdated
    if (events[i].outdated) old_index = i;
  }
  const ScaleEvent e{wrap32(up ? static_cast<std::int64_t>(desired) - previous
                               : static_cast<std::int64_t>(previous) - desired),
                     now, false};
  if (old_index) {
    events[*old_index] = e;
  } else {
    events.push_back(e);
  }
}

}  // namespace ksim::control::hpa
