// spec.behavior of an autoscaling/v2 HPA: kept as written (the HPA library
// applies the defaults), validated as the API server does.
#include <gtest/gtest.h>

#include "helpers.h"

namespace ksim::manifest {
namespace {

namespace h = control::hpa;
using testing::errors_of;
using testing::parse_ok;

std::string with_behavior(const std::string& behavior) {
  return "apiVersion: autoscaling/v2\n"
         "kind: HorizontalPodAutoscaler\n"
         "metadata: {name: web}\n"
         "spec:\n"
         "  scaleTargetRef: {kind: Deployment, name: web}\n"
         "  maxReplicas: 10\n"
         "  behavior:\n" +
         behavior;
}

TEST(HpaBehavior, RulesAsWritten) {
  const ManifestSet set = parse_ok(with_behavior(R"(    scaleUp:
      stabilizationWindowSeconds: 0
      selectPolicy: Max
      policies:
        - {type: Percent, value: 100, periodSeconds: 15}
        - {type: Pods, value: 4, periodSeconds: 15}
    scaleDown:
      stabilizationWindowSeconds: 300
      selectPolicy: Disabled
      tolerance: 0.05
)"));
  ASSERT_EQ(set.hpas.size(), 1u);
  ASSERT_TRUE(set.hpas[0].spec.behavior.has_value());
  const h::Behavior& b = *set.hpas[0].spec.behavior;
  ASSERT_TRUE(b.scale_up.has_value());
  EXPECT_EQ(b.scale_up->stabilization_window_seconds, 0);
  EXPECT_EQ(b.scale_up->select_policy, h::SelectPolicy::kMax);
  ASSERT_TRUE(b.scale_up->policies.has_value());
  ASSERT_EQ(b.scale_up->policies->size(), 2u);
  EXPECT_EQ((*b.scale_up->policies)[0].type, h::PolicyType::kPercent);
  EXPECT_EQ((*b.scale_up->policies)[0].value, 100);
  EXPECT_EQ((*b.scale_up->policies)[1].type, h::PolicyType::kPods);
  EXPECT_EQ((*b.scale_up->policies)[1].period_seconds, 15);
  EXPECT_FALSE(b.scale_up->tolerance.has_value());
  ASSERT_TRUE(b.scale_down.has_value());
  EXPECT_EQ(b.scale_down->select_policy, h::SelectPolicy::kDisabled);
  EXPECT_FALSE(b.scale_down->policies.has_value());  // defaults are the library's job
  EXPECT_DOUBLE_EQ(b.scale_down->tolerance.value_or(-1), 0.05);
}

TEST(HpaBehavior, OnlyOneDirection) {
  const ManifestSet set =
      parse_ok(with_behavior("    scaleDown: {stabilizationWindowSeconds: 60}\n"));
  ASSERT_EQ(set.hpas.size(), 1u);
  const h::Behavior& b = *set.hpas[0].spec.behavior;
  EXPECT_FALSE(b.scale_up.has_value());
  EXPECT_EQ(b.scale_down->stabilization_window_seconds, 60);
  EXPECT_FALSE(b.scale_down->select_policy.has_value());
}

TEST(HpaBehavior, Validation) {
  const auto errors = errors_of(with_behavior(R"(    scaleUp:
      stabilizationWindowSeconds: 4000
      selectPolicy: Average
      policies:
        - {type: Replicas, value: 0, periodSeconds: 1801}
    scaleDown:
      policies: []
      tolerance: -0.1
)"));
  const std::string p = ": HorizontalPodAutoscaler default/web: spec.behavior.";
  const std::vector<std::string> expected = {
      "test.yaml:9" + p +
          "scaleUp.stabilizationWindowSeconds: must be between 0 and 3600, "
          "inclusive",
      "test.yaml:10" + p + "scaleUp.selectPolicy: expected Max, Min or Disabled, got 'Average'",
      "test.yaml:12" + p + "scaleUp.policies[0].type: expected Pods or Percent, got 'Replicas'",
      "test.yaml:12" + p + "scaleUp.policies[0].value: must be greater than 0",
      "test.yaml:12" + p +
          "scaleUp.policies[0].periodSeconds: must be greater than 0 and less than or equal to "
          "1800",
      "test.yaml:14" + p +
          "scaleDown.policies: must specify at least one Pods or Percent scaling "
          "policy",
      "test.yaml:15" + p + "scaleDown.tolerance: must be greater than or equal to 0",
  };
  EXPECT_EQ(errors, expected);
}

}  // namespace
}  // namespace ksim::manifest
