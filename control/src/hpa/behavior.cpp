// Normalization with spec.behavior. upstream: horizontal.go
// normalizeDesiredReplicasWithBehaviors, stabilizeRecommendationWithBehaviors,
// convertDesiredReplicasWithBehaviorRate.
#include <algorithm>

#include "ksim/control/hpa/normalization.h"
#include "text.h"

namespace ksim::control::hpa {
namespace {

struct Stabilized {
  std::int32_t value = 0;
  std::int32_t up_rec = 0;
  std::int32_t down_rec = 0;
};

Stabilized stabilize(std::int32_t current, std::int32_t raw, const ResolvedBehavior& b,
                     std::vector<Recommendation>& recs, Instant now) {
  const Instant up_cutoff = now - std::chrono::seconds(b.scale_up.stabilization_window_seconds);
  const Instant down_cutoff = now - std::chrono::seconds(b.scale_down.stabilization_window_seconds);
  Stabilized s{current, raw, raw};
  std::optional<std::size_t> old_index;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const Recommendation& r = recs[i];
    if (r.time > up_cutoff) s.up_rec = std::min(r.replicas, s.up_rec);
    if (r.time > down_cutoff) s.down_rec = std::max(r.replicas, s.down_rec);
    if (r.time < up_cutoff && r.time < down_cutoff) old_index = i;
  }
  if (s.value < s.up_rec) s.value = s.up_rec;
  if (s.value > s.down_rec) s.value = s.down_rec;
  if (old_index) {
    recs[*old_index] = {raw, now};
  } else {
    recs.push_back({raw, now});
  }
  return s;
}

std::string policy_text(const ResolvedRules& r) {
  std::string s;
  for (const ScalingPolicy& p : r.policies) {
    s += (s.empty() ? "" : ", ") + std::string(p.type == PolicyType::kPods ? "Pods " : "Percent ") +
         std::to_string(p.value) + "/" + std::to_string(p.period_seconds) + "s";
  }
  const char* sel = r.select_policy == SelectPolicy::kMax   ? "Max"
                    : r.select_policy == SelectPolicy::kMin ? "Min"
                                                            : "Disabled";
  return "selectPolicy " + std::string(sel) + " over [" + s + "]";
}

// upstream: convertDesiredReplicasWithBehaviorRate.
void apply_rate(std::int32_t current, std::int32_t min_replicas, std::int32_t max_replicas,
                const ResolvedBehavior& b, const ControllerState& ev, Instant now, Normalized& n) {
  const std::int32_t d = n.stabilized;
  n.desired = d;
  n.limit = LimitReason::kDesiredWithinRange;
  n.limit_message = "the desired count is within the acceptable range";
  if (d > current) {
    std::int32_t limit = scale_up_limit_with_rules(current, ev.scale_up_events,
                                                   ev.scale_down_events, b.scale_up, now);
    limit = std::max(limit, current);
    std::int32_t upper = max_replicas;
    LimitReason reason = LimitReason::kTooManyReplicas;
    std::string msg = "the desired replica count is more than the maximum replica count";
    if (upper > limit) {
      upper = limit;
      reason = LimitReason::kScaleUpLimit;
      msg = "the desired replica count is increasing faster than the maximum scale rate";
    }
    n.detail.direction = 1;
    n.detail.select_policy = b.scale_up.select_policy;
    n.detail.policies =
        policy_limits(current, ev.scale_up_events, ev.scale_down_events, b.scale_up, now, true);
    n.detail.rate_limit = limit;
    n.detail.bound = upper;
    n.explanation.push_back("scale-up rate limit (" + policy_text(b.scale_up) +
                            ") = " + std::to_string(limit) + "; upper bound min(maxReplicas " +
                            std::to_string(max_replicas) + ", " + std::to_string(limit) +
                            ") = " + std::to_string(upper));
    if (d > upper) {
      n.desired = upper;
      n.limit = reason;
      n.limit_message = msg;
    }
  } else if (d < current) {
    std::int32_t limit = scale_down_limit_with_rules(current, ev.scale_up_events,
                                                     ev.scale_down_events, b.scale_down, now);
    limit = std::min(limit, current);
    std::int32_t lower = min_replicas;
    LimitReason reason = LimitReason::kTooFewReplicas;
    std::string msg = "the desired replica count is less than the minimum replica count";
    if (lower < limit) {
      lower = limit;
      reason = LimitReason::kScaleDownLimit;
      msg = "the desired replica count is decreasing faster than the maximum scale rate";
    }
    n.detail.direction = -1;
    n.detail.select_policy = b.scale_down.select_policy;
    n.detail.policies =
        policy_limits(current, ev.scale_up_events, ev.scale_down_events, b.scale_down, now, false);
    n.detail.rate_limit = limit;
    n.detail.bound = lower;
    n.explanation.push_back("scale-down rate limit (" + policy_text(b.scale_down) +
                            ") = " + std::to_string(limit) + "; lower bound max(minReplicas " +
                            std::to_string(min_replicas) + ", " + std::to_string(limit) +
                            ") = " + std::to_string(lower));
    if (d < lower) {
      n.desired = lower;
      n.limit = reason;
      n.limit_message = msg;
    }
  }
}

}  // namespace

Normalized normalize_with_behavior(std::int32_t current, std::int32_t raw,
                                   std::int32_t min_replicas, std::int32_t max_replicas,
                                   const ResolvedBehavior& behavior,
                                   std::vector<Recommendation>& recommendations,
                                   const ControllerState& events, Instant now) {
  Normalized n;
  NormalizationDetail& d = n.detail;
  const Instant up_cutoff =
      now - std::chrono::seconds(behavior.scale_up.stabilization_window_seconds);
  const Instant down_cutoff =
      now - std::chrono::seconds(behavior.scale_down.stabilization_window_seconds);
  for (const Recommendation& r : recommendations) {
    d.recommendations.push_back({r.replicas, r.time, r.time > up_cutoff, r.time > down_cutoff});
  }
  const Stabilized s = stabilize(current, raw, behavior, recommendations, now);
  n.stabilized = s.value;
  d.behavior = true;
  d.current = current;
  d.raw = raw;
  d.min_replicas = min_replicas;
  d.max_replicas = max_replicas;
  d.up_window_seconds = behavior.scale_up.stabilization_window_seconds;
  d.down_window_seconds = behavior.scale_down.stabilization_window_seconds;
  d.up_rec = s.up_rec;
  d.down_rec = s.down_rec;
  d.stabilized = s.value;
  n.explanation.push_back("stabilization: lowest proposal in the scale-up window (" +
                          std::to_string(behavior.scale_up.stabilization_window_seconds) + "s) " +
                          std::to_string(s.up_rec) + ", highest in the scale-down window (" +
                          std::to_string(behavior.scale_down.stabilization_window_seconds) + "s) " +
                          std::to_string(s.down_rec) + " -> current " + std::to_string(current) +
                          " clamped to " + std::to_string(s.value));
  if (s.value != raw) {
    if (raw >= current) {
      n.stabilization = StabilizationReason::kScaleUpStabilized;
      n.stabilization_message =
          "recent recommendations were lower than current one, applying the lowest recent "
          "recommendation";
    } else {
      n.stabilization = StabilizationReason::kScaleDownStabilized;
      n.stabilization_message =
          "recent recommendations were higher than current one, applying the highest recent "
          "recommendation";
    }
  } else {
    n.stabilization_message = "recommended size matches current size";
  }
  apply_rate(current, min_replicas, max_replicas, behavior, events, now, n);
  n.limited = n.desired != n.stabilized;
  d.limit = n.limit;
  d.desired = n.desired;
  n.explanation.push_back("behavior result " + std::to_string(n.desired) + " (" +
                          to_string(n.limit) + ")");
  return n;
}

}  // namespace ksim::control::hpa
