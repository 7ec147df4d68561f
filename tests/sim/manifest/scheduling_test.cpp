// Scheduling constraints of a pod template: nodeSelector, node affinity on
// arch and zone, tolerations; API validation of operators and values.
#include <gtest/gtest.h>

#include "helpers.h"

namespace ksim::manifest {
namespace {

using testing::errors_of;
using testing::parse_ok;

std::string with_pod_spec(const std::string& spec) {
  return "apiVersion: apps/v1\n"
         "kind: Deployment\n"
         "metadata: {name: web}\n"
         "spec:\n"
         "  selector: {matchLabels: {app: web}}\n"
         "  template:\n"
         "    metadata: {labels: {app: web}}\n"
         "    spec:\n"
         "      containers: [{name: app, image: app}]\n" +
         spec;
}

TEST(Scheduling, NodeSelectorAndRequiredAffinity) {
  const ManifestSet set = parse_ok(with_pod_spec(R"(      nodeSelector:
        kubernetes.io/os: linux
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - {key: kubernetes.io/arch, operator: In, values: [arm64]}
                  - {key: topology.kubernetes.io/zone, operator: NotIn, values: [ap-northeast-2b]}
              - matchExpressions:
                  - {key: topology.kubernetes.io/zone, operator: Exists}
                  - {key: node.kubernetes.io/exclude, operator: DoesNotExist}
                  - {key: example.com/gen, operator: Gt, values: ["6"]}
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 50
              preference:
                matchExpressions:
                  - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}
)"));
  ASSERT_EQ(set.deployments.size(), 1u);
  const PodTemplate& t = set.deployments[0].template_;
  EXPECT_EQ(t.node_selector.at("kubernetes.io/os"), "linux");
  const NodeAffinity& a = t.node_affinity;
  ASSERT_EQ(a.required.size(), 2u);
  ASSERT_EQ(a.required[0].match_expressions.size(), 2u);
  const NodeSelectorRequirement& arch = a.required[0].match_expressions[0];
  EXPECT_EQ(arch.key, "kubernetes.io/arch");
  EXPECT_EQ(arch.op, NodeSelectorOperator::kIn);
  EXPECT_EQ(arch.values, std::vector<std::string>{"arm64"});
  EXPECT_EQ(a.required[0].match_expressions[1].op, NodeSelectorOperator::kNotIn);
  ASSERT_EQ(a.required[1].match_expressions.size(), 3u);
  EXPECT_EQ(a.required[1].match_expressions[0].op, NodeSelectorOperator::kExists);
  EXPECT_TRUE(a.required[1].match_expressions[0].values.empty());
  EXPECT_EQ(a.required[1].match_expressions[1].op, NodeSelectorOperator::kDoesNotExist);
  EXPECT_EQ(a.required[1].match_expressions[2].op, NodeSelectorOperator::kGt);
  ASSERT_EQ(a.preferred.size(), 1u);
  EXPECT_EQ(a.preferred[0].weight, 50);
  EXPECT_EQ(a.preferred[0].term.match_expressions[0].values, std::vector<std::string>{"spot"});
}

TEST(Scheduling, AffinityValidation) {
  const auto errors = errors_of(with_pod_spec(R"(      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - {key: kubernetes.io/arch, operator: In}
                  - {key: topology.kubernetes.io/zone, operator: Exists, values: [a]}
                  - {key: kubernetes.io/arch, operator: Equals, values: [arm64]}
                  - {key: example.com/gen, operator: Lt, values: [six]}
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 0
              preference: {}
)"));
  const std::string at = "test.yaml:";
  const std::string obj = ": Deployment default/web: spec.template.spec.affinity.nodeAffinity.";
  const std::string term =
      "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions";
  const std::vector<std::string> expected = {
      at + "15" + obj + term + "[0].values: must be specified when `operator` is 'In' or 'NotIn'",
      at + "16" + obj + term +
          "[1].values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      at + "17" + obj + term +
          "[2].operator: expected In, NotIn, Exists, DoesNotExist, Gt or Lt, got 'Equals'",
      at + "18" + obj + term +
          "[3].values: must be a single integer value when `operator` is "
          "'Lt' or 'Gt'",
      at + "20" + obj +
          "preferredDuringSchedulingIgnoredDuringExecution[0].weight: must be in the range 1-100",
  };
  EXPECT_EQ(errors, expected);
}

TEST(Scheduling, EmptyTermListIsAnError) {
  const auto errors = errors_of(with_pod_spec(R"(      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms: []
)"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "test.yaml:13: Deployment default/web: spec.template.spec.affinity.nodeAffinity."
            "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: must have at least "
            "one node selector term");
}

TEST(Scheduling, Tolerations) {
  const ManifestSet set = parse_ok(with_pod_spec(R"(      tolerations:
        - {key: dedicated, value: kafka, effect: NoSchedule}
        - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute,
           tolerationSeconds: 300}
        - operator: Exists
)"));
  ASSERT_EQ(set.deployments.size(), 1u);
  const std::vector<Toleration>& t = set.deployments[0].template_.tolerations;
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].key, "dedicated");
  EXPECT_EQ(t[0].op, TolerationOperator::kEqual);  // API default
  EXPECT_EQ(t[0].value, "kafka");
  EXPECT_EQ(t[0].effect, TaintEffect::kNoSchedule);
  EXPECT_FALSE(t[0].toleration_seconds.has_value());
  EXPECT_EQ(t[1].op, TolerationOperator::kExists);
  EXPECT_EQ(t[1].effect, TaintEffect::kNoExecute);
  EXPECT_EQ(t[1].toleration_seconds, 300);
  EXPECT_EQ(t[2].key, "");
  EXPECT_EQ(t[2].effect, TaintEffect::kAll);
}

TEST(Scheduling, TolerationValidation) {
  const auto errors = errors_of(with_pod_spec(R"(      tolerations:
        - {key: a, operator: Exists, value: x}
        - {value: x}
        - {key: b, effect: NoSchedule, tolerationSeconds: 10}
        - {key: c, effect: Sometimes}
)"));
  const std::string p = ": Deployment default/web: spec.template.spec.tolerations";
  const std::vector<std::string> expected = {
      "test.yaml:11" + p + "[0].value: must be empty when `operator` is 'Exists'",
      "test.yaml:12" + p + "[1].operator: must be 'Exists' when `key` is empty",
      "test.yaml:13" + p + "[2].tolerationSeconds: may only be set when `effect` is 'NoExecute'",
      "test.yaml:14" + p +
          "[3].effect: expected NoSchedule, PreferNoSchedule or NoExecute, got "
          "'Sometimes'",
  };
  EXPECT_EQ(errors, expected);
}

}  // namespace
}  // namespace ksim::manifest
