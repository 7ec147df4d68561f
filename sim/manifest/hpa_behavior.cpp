// Reading spec.behavior of an autoscaling/v2 HPA as written (the HPA library
// applies the API defaults itself), with the API server's validation of
// HPAScalingRules (pkg/apis/autoscaling/validation validateScalingRules).
#include "readers.h"

namespace ksim::manifest::detail {
namespace {

namespace h = control::hpa;

constexpr std::int32_t kMaxStabilizationWindow = 3600;  // seconds
constexpr std::int32_t kMaxPolicyPeriod = 1800;         // seconds

h::ScalingPolicy read_policy(const Field& p) {
  h::ScalingPolicy policy;
  if (!p.expect_map()) return policy;
  (void)p.require("type");
  if (auto t = one_of(p, "type", {"Pods", "Percent"})) {
    policy.type = *t == "Percent" ? h::PolicyType::kPercent : h::PolicyType::kPods;
  }
  if (auto v = p.require("value")) {
    policy.value = v->int32().value_or(1);
    if (policy.value <= 0) v->fail("must be greater than 0");
  }
  if (auto v = p.require("periodSeconds")) {
    policy.period_seconds = v->int32().value_or(1);
    if (policy.period_seconds <= 0 || policy.period_seconds > kMaxPolicyPeriod) {
      v->fail("must be greater than 0 and less than or equal to 1800");
    }
  }
  return policy;
}

h::ScalingRules read_rules(const Field& r) {
  h::ScalingRules rules;
  if (!r.expect_map()) return rules;
  if (auto w = r.get("stabilizationWindowSeconds")) {
    rules.stabilization_window_seconds = w->int32();
    const std::int32_t v = rules.stabilization_window_seconds.value_or(0);
    if (v < 0 || v > kMaxStabilizationWindow) w->fail("must be between 0 and 3600, inclusive");
  }
  if (auto s = one_of(r, "selectPolicy", {"Max", "Min", "Disabled"})) {
    rules.select_policy = *s == "Max"   ? h::SelectPolicy::kMax
                          : *s == "Min" ? h::SelectPolicy::kMin
                                        : h::SelectPolicy::kDisabled;
  }
  if (auto ps = r.get("policies")) {
    std::vector<h::ScalingPolicy> policies;
    for (const Field& p : ps->items()) policies.push_back(read_policy(p));
    if (policies.empty() && ps->node().IsSequence()) {
      ps->fail("must specify at least one Pods or Percent scaling policy");
    }
    rules.policies = std::move(policies);
  }
  if (auto t = r.get("tolerance")) {
    if (auto q = t->quantity()) {
      rules.tolerance = q->approximate_double();  // as the API type: AsApproximateFloat64
      if (*rules.tolerance < 0) t->fail("must be greater than or equal to 0");
    }
  }
  return rules;
}

}  // namespace

h::Behavior read_hpa_behavior(const Field& f) {
  h::Behavior b;
  if (!f.expect_map()) return b;
  if (auto up = f.get("scaleUp")) b.scale_up = read_rules(*up);
  if (auto down = f.get("scaleDown")) b.scale_down = read_rules(*down);
  return b;
}

}  // namespace ksim::manifest::detail
