// Karpenter NodePool and EC2NodeClass: the seed manifests read field by field,
// the CRD defaults, Go durations, and the validation errors with their exact
// located messages.
#include <gtest/gtest.h>

#include <filesystem>

#include "helpers.h"
#include "ksim/sim/manifest/load.h"

namespace ksim::manifest {
namespace {

using testing::errors_of;
using testing::parse_ok;

constexpr std::int64_t kSecond = 1'000'000;

// A selector term: alias, id, name, owner, tags.
SelectorTerm term(std::string alias, std::string id = "", std::string name = "",
                  std::string owner = "", LabelMap tags = {}) {
  return {std::move(alias), std::move(id), std::move(name), std::move(owner), std::move(tags)};
}

// Wraps `spec` (indented by two) into a NodePool named `np`; the spec starts on line 5.
std::string node_pool(std::string_view spec) {
  return "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: np}\nspec:\n" +
         std::string(spec);
}

constexpr std::string_view kTemplate = R"(  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: nc}
      requirements: [{key: kubernetes.io/arch, operator: In, values: [arm64]}]
)";

TEST(Karpenter, SeedManifestsEveryField) {
  const std::filesystem::path file =
      std::filesystem::path(KSIM_SOURCE_DIR) / "scenarios/manifests/product-order/karpenter.yaml";
  const std::vector<std::filesystem::path> paths{file};
  LoadResult r = load_manifests(paths);
  ASSERT_TRUE(r) << r.error().front().to_string();
  ASSERT_EQ(r->node_pools.size(), 1u);
  ASSERT_EQ(r->ec2_node_classes.size(), 1u);
  EXPECT_TRUE(r->not_modelled.empty());

  const NodePool& p = r->node_pools[0];
  EXPECT_EQ(p.meta.name, "default");
  EXPECT_EQ(p.meta.namespace_, "");
  EXPECT_EQ(p.source.line, 3);
  EXPECT_TRUE(p.template_labels.empty());
  EXPECT_EQ(p.node_class_ref, (NodeClassRef{"karpenter.k8s.aws", "EC2NodeClass", "bottlerocket"}));
  using Op = RequirementOperator;
  EXPECT_EQ(
      p.requirements,
      (std::vector<NodePoolRequirement>{
          {"kubernetes.io/arch", Op::kIn, {"arm64"}, std::nullopt},
          {"topology.kubernetes.io/zone", Op::kIn, {"ap-northeast-2a", "ap-northeast-2c"}, {}},
          {"karpenter.sh/capacity-type", Op::kIn, {"on-demand"}, std::nullopt},
          {"karpenter.k8s.aws/instance-category", Op::kIn, {"c", "m", "t"}, std::nullopt},
      }));
  EXPECT_TRUE(p.taints.empty());
  EXPECT_TRUE(p.startup_taints.empty());
  EXPECT_EQ(p.expire_after, KarpenterDuration::of_seconds(720 * 3600));
  EXPECT_EQ(p.termination_grace_period_us, std::nullopt);
  EXPECT_EQ(p.limits_milli, (std::map<std::string, std::int64_t>{{"cpu", 32'000}}));
  EXPECT_EQ(p.weight, std::nullopt);
  EXPECT_EQ(p.disruption.consolidation_policy, ConsolidationPolicy::kWhenEmptyOrUnderutilized);
  EXPECT_EQ(p.disruption.consolidate_after, KarpenterDuration::of_seconds(60));
  ASSERT_EQ(p.disruption.budgets.size(), 1u);  // the CRD default
  EXPECT_EQ(p.disruption.budgets[0], DisruptionBudget{});
  EXPECT_EQ(p.disruption.budgets[0].nodes, IntOrString::of_string("10%"));

  const EC2NodeClass& c = r->ec2_node_classes[0];
  EXPECT_EQ(c.meta.name, "bottlerocket");
  EXPECT_EQ(c.source.line, 34);
  EXPECT_EQ(c.ami_family, "Bottlerocket");  // from the alias
  EXPECT_EQ(c.ami_selector_terms, std::vector<SelectorTerm>{term("bottlerocket@latest")});
  const SelectorTerm discovery = term("", "", "", "", {{"karpenter.sh/discovery", "shop"}});
  EXPECT_EQ(c.subnet_selector_terms, std::vector<SelectorTerm>{discovery});
  EXPECT_EQ(c.security_group_selector_terms, std::vector<SelectorTerm>{discovery});
  EXPECT_EQ(c.role, "KarpenterNodeRole-shop");
  EXPECT_EQ(c.instance_profile, "");
  EXPECT_EQ(c.kubelet.max_pods, std::nullopt);
  EXPECT_TRUE(c.kubelet.eviction_hard.empty());
  EXPECT_TRUE(c.block_device_mappings.empty());
}

TEST(Karpenter, DefaultsOfAMinimalNodePool) {
  const ManifestSet set = parse_ok(node_pool(kTemplate));
  ASSERT_EQ(set.node_pools.size(), 1u);
  const NodePool& p = set.node_pools[0];
  EXPECT_EQ(p.expire_after.microseconds, 720 * 3600 * kSecond);
  EXPECT_FALSE(p.expire_after.never);
  EXPECT_EQ(p.disruption.consolidation_policy, ConsolidationPolicy::kWhenEmptyOrUnderutilized);
  EXPECT_EQ(p.disruption.consolidate_after, KarpenterDuration{});  // 0s
  EXPECT_EQ(p.disruption.budgets, std::vector<DisruptionBudget>{DisruptionBudget{}});
  EXPECT_EQ(p.weight, std::nullopt);
  EXPECT_TRUE(p.limits_milli.empty());
}

TEST(Karpenter, EveryNodePoolField) {
  const ManifestSet set = parse_ok(node_pool(R"(  template:
    metadata:
      labels: {team: shop}
      annotations: {note: x}
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: nc}
      requirements:
        - {key: node.kubernetes.io/instance-type, operator: In, values: [m7g.large, c7g.large], minValues: 2}
        - {key: karpenter.k8s.aws/instance-generation, operator: Gt, values: ["6"]}
        - {key: karpenter.k8s.aws/instance-cpu, operator: Lte, values: ["8"]}
        - {key: karpenter.sh/capacity-type, operator: NotIn, values: [spot]}
        - {key: example.com/gpu, operator: DoesNotExist}
      taints: [{key: dedicated, value: shop, effect: NoSchedule}]
      startupTaints: [{key: node.cilium.io/agent-not-ready, effect: NoExecute}]
      expireAfter: Never
      terminationGracePeriod: 1h30m
  limits: {cpu: 100, memory: 400Gi, nodes: "10"}
  weight: 50
  disruption:
    consolidationPolicy: WhenEmpty
    consolidateAfter: 30s
    budgets:
      - nodes: "20%"
        reasons: [Empty, Drifted]
      - nodes: "0"
        schedule: "0 9 * * mon-fri"
        duration: 8h
)"));
  ASSERT_EQ(set.node_pools.size(), 1u);
  const NodePool& p = set.node_pools[0];
  EXPECT_EQ(p.template_labels, (LabelMap{{"team", "shop"}}));
  EXPECT_EQ(p.template_annotations, (LabelMap{{"note", "x"}}));
  using Op = RequirementOperator;
  ASSERT_EQ(p.requirements.size(), 5u);
  EXPECT_EQ(p.requirements[0].min_values, 2);
  EXPECT_EQ(p.requirements[1].op, Op::kGt);
  EXPECT_EQ(p.requirements[2].op, Op::kLte);
  EXPECT_EQ(p.requirements[3].op, Op::kNotIn);
  EXPECT_EQ(p.requirements[4].op, Op::kDoesNotExist);
  EXPECT_EQ(p.taints, (std::vector<NodeTaint>{{"dedicated", "shop", TaintEffect::kNoSchedule}}));
  EXPECT_EQ(
      p.startup_taints,
      (std::vector<NodeTaint>{{"node.cilium.io/agent-not-ready", "", TaintEffect::kNoExecute}}));
  EXPECT_TRUE(p.expire_after.never);
  EXPECT_EQ(p.termination_grace_period_us, 5400 * kSecond);
  EXPECT_EQ(p.limits_milli, (std::map<std::string, std::int64_t>{
                                {"cpu", 100'000},
                                {"memory", std::int64_t{400} * 1024 * 1024 * 1024 * 1000},
                                {"nodes", 10'000}}));
  EXPECT_EQ(p.weight, 50);
  EXPECT_EQ(p.disruption.consolidation_policy, ConsolidationPolicy::kWhenEmpty);
  EXPECT_EQ(p.disruption.consolidate_after, KarpenterDuration::of_seconds(30));
  ASSERT_EQ(p.disruption.budgets.size(), 2u);
  EXPECT_EQ(p.disruption.budgets[0].nodes, IntOrString::of_string("20%"));
  EXPECT_EQ(p.disruption.budgets[0].reasons,
            (std::vector<DisruptionReason>{DisruptionReason::kEmpty, DisruptionReason::kDrifted}));
  EXPECT_EQ(p.disruption.budgets[1].nodes, IntOrString::of_int(0));
  EXPECT_EQ(p.disruption.budgets[1].schedule, "0 9 * * mon-fri");
  EXPECT_EQ(p.disruption.budgets[1].duration_us, 8 * 3600 * kSecond);
  EXPECT_TRUE(p.disruption.budgets[1].reasons.empty());
}

TEST(Karpenter, GoDurations) {
  struct Case {
    const char* text;
    std::int64_t micros;
  };
  const Case cases[] = {{"0s", 0},
                        {"0", 0},
                        {"30s", 30 * kSecond},
                        {"1m30s", 90 * kSecond},
                        {"1.5h", 5400 * kSecond},
                        {"250ms", 250'000},
                        {"720h", 720 * 3600 * kSecond},
                        {"2h45m10s", 9910 * kSecond}};
  for (const Case& c : cases) {
    const ManifestSet set = parse_ok(node_pool(
        std::string(kTemplate) + "  disruption: {consolidateAfter: \"" + c.text + "\"}\n"));
    ASSERT_EQ(set.node_pools.size(), 1u) << c.text;
    EXPECT_EQ(set.node_pools[0].disruption.consolidate_after.microseconds, c.micros) << c.text;
  }
}

TEST(Karpenter, NodePoolErrors) {
  const auto errors = errors_of(node_pool(R"(  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass}
      requirements:
        - {key: kubernetes.io/arch, operator: Within, values: [arm64]}
        - {key: karpenter.sh/capacity-type, operator: In, values: []}
        - {key: karpenter.k8s.aws/instance-cpu, operator: Gt, values: ["4", "8"]}
        - {key: node.kubernetes.io/instance-type, operator: In, values: [m7g.large], minValues: 2}
      taints: [{key: dedicated, effect: Sometimes}]
      expireAfter: 30 days
      terminationGracePeriod: Never
  limits: {cpu: lots}
  weight: 101
  disruption:
    consolidationPolicy: Balanced
    budgets:
      - {nodes: "110%"}
      - {nodes: "1", schedule: "@daily"}
      - {nodes: "1", reasons: [Expired]}
)"));
  EXPECT_EQ(errors,
            (std::vector<std::string>{
                "test.yaml:7: NodePool np: spec.template.spec.nodeClassRef.name: required field "
                "missing",
                "test.yaml:9: NodePool np: spec.template.spec.requirements[0].operator: expected "
                "In, NotIn, Exists, DoesNotExist, Gt, Lt, Gte or Lte, got 'Within'",
                "test.yaml:10: NodePool np: spec.template.spec.requirements[1].values: must have "
                "at least one value with operator In",
                "test.yaml:11: NodePool np: spec.template.spec.requirements[2].values: must be a "
                "single non-negative integer with operator Gt, Lt, Gte or Lte",
                "test.yaml:12: NodePool np: spec.template.spec.requirements[3].minValues: must be "
                "at most the number of values (1), got 2",
                "test.yaml:13: NodePool np: spec.template.spec.taints[0].effect: expected "
                "NoSchedule, PreferNoSchedule or NoExecute, got 'Sometimes'",
                "test.yaml:14: NodePool np: spec.template.spec.expireAfter: invalid duration '30 "
                "days': expected a duration such as 30s, 1h30m or Never",
                "test.yaml:15: NodePool np: spec.template.spec.terminationGracePeriod: 'Never' is "
                "not allowed here: expected a duration such as 30s",
                "test.yaml:16: NodePool np: spec.limits.cpu: invalid quantity 'lots'",
                "test.yaml:17: NodePool np: spec.weight: must be in the range 1-100, got 101",
                "test.yaml:19: NodePool np: spec.disruption.consolidationPolicy: "
                "consolidationPolicy Balanced (Karpenter v1.14) is not modelled: use WhenEmpty "
                "or WhenEmptyOrUnderutilized",
                "test.yaml:21: NodePool np: spec.disruption.budgets[0].nodes: expected a node "
                "count or a percentage such as \"10%\", got '110%'",
                "test.yaml:22: NodePool np: spec.disruption.budgets[1].duration: 'schedule' must "
                "be set with 'duration'",
                "test.yaml:23: NodePool np: spec.disruption.budgets[2].reasons[0]: expected "
                "Underutilized, Empty or Drifted, got 'Expired'",
            }));
}

TEST(Karpenter, NodePoolRequiredFieldsAndVersion) {
  EXPECT_EQ(errors_of(node_pool("  limits: {cpu: 4}\n")),
            (std::vector<std::string>{
                "test.yaml:4: NodePool np: spec.template: required field missing"}));
  EXPECT_EQ(errors_of("apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata: {name: np}\n"),
            (std::vector<std::string>{
                "test.yaml:1: NodePool np: apiVersion: expected karpenter.sh/v1 for kind "
                "NodePool, got 'karpenter.sh/v1beta1' (not served by Kubernetes 1.33)"}));
}

constexpr std::string_view kNodeClassHead = R"(apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {name: nc}
spec:
)";

TEST(Karpenter, EveryEC2NodeClassField) {
  const ManifestSet set = parse_ok(std::string(kNodeClassHead) + R"(  amiFamily: AL2023
  amiSelectorTerms: [{id: ami-0123456789abcdef0}, {name: my-ami-*, owner: self}]
  instanceProfile: KarpenterNodeInstanceProfile
  subnetSelectorTerms: [{id: subnet-1}, {tags: {tier: private}}]
  securityGroupSelectorTerms: [{name: eks-nodes}]
  kubelet:
    maxPods: 110
    podsPerCore: 10
    systemReserved: {cpu: 100m, memory: 100Mi}
    kubeReserved: {cpu: 200m, memory: 1Gi, ephemeral-storage: 3Gi}
    evictionHard: {memory.available: 5%, nodefs.available: 10%, imagefs.available: 1Gi}
  blockDeviceMappings:
    - deviceName: /dev/xvda
      rootVolume: true
      ebs: {volumeSize: 100Gi, volumeType: gp3}
  tags: {team: shop}
)");
  ASSERT_EQ(set.ec2_node_classes.size(), 1u);
  const EC2NodeClass& c = set.ec2_node_classes[0];
  EXPECT_EQ(c.ami_family, "AL2023");
  EXPECT_EQ(c.ami_selector_terms, (std::vector<SelectorTerm>{term("", "ami-0123456789abcdef0"),
                                                             term("", "", "my-ami-*", "self")}));
  EXPECT_EQ(c.instance_profile, "KarpenterNodeInstanceProfile");
  EXPECT_EQ(c.subnet_selector_terms,
            (std::vector<SelectorTerm>{term("", "subnet-1"),
                                       term("", "", "", "", {{"tier", "private"}})}));
  EXPECT_EQ(c.security_group_selector_terms, std::vector<SelectorTerm>{term("", "", "eks-nodes")});
  EXPECT_EQ(c.kubelet.max_pods, 110);
  EXPECT_EQ(c.kubelet.pods_per_core, 10);
  constexpr std::int64_t kMi = 1024 * 1024;
  EXPECT_EQ(c.kubelet.system_reserved_milli,
            (std::map<std::string, std::int64_t>{{"cpu", 100}, {"memory", 100 * kMi * 1000}}));
  EXPECT_EQ(c.kubelet.kube_reserved_milli,
            (std::map<std::string, std::int64_t>{{"cpu", 200},
                                                 {"memory", 1024 * kMi * 1000},
                                                 {"ephemeral-storage", 3 * 1024 * kMi * 1000}}));
  EXPECT_EQ(
      c.kubelet.eviction_hard,
      (std::map<std::string, std::string>{
          {"memory.available", "5%"}, {"nodefs.available", "10%"}, {"imagefs.available", "1Gi"}}));
  ASSERT_EQ(c.block_device_mappings.size(), 1u);
  EXPECT_EQ(c.block_device_mappings[0].device_name, "/dev/xvda");
  EXPECT_TRUE(c.block_device_mappings[0].root_volume);
  EXPECT_EQ(c.block_device_mappings[0].volume_bytes, 100 * 1024 * kMi);
  EXPECT_EQ(c.block_device_mappings[0].volume_type, "gp3");
  EXPECT_EQ(c.tags, (LabelMap{{"team", "shop"}}));
}

TEST(Karpenter, AmiFamilyFromTheAlias) {
  const struct {
    const char* alias;
    const char* family;
  } cases[] = {{"al2023@latest", "AL2023"},
               {"bottlerocket@v1.20.0", "Bottlerocket"},
               {"al2@v20240807", "AL2"},
               {"windows2022@latest", "Windows2022"}};
  for (const auto& c : cases) {
    const ManifestSet set =
        parse_ok(std::string(kNodeClassHead) + "  amiSelectorTerms: [{alias: " + c.alias +
                 "}]\n  role: r\n  subnetSelectorTerms: [{id: s}]\n" +
                 "  securityGroupSelectorTerms: [{id: g}]\n");
    ASSERT_EQ(set.ec2_node_classes.size(), 1u) << c.alias;
    EXPECT_EQ(set.ec2_node_classes[0].ami_family, c.family) << c.alias;
  }
}

TEST(Karpenter, EC2NodeClassErrors) {
  EXPECT_EQ(errors_of(std::string(kNodeClassHead) + R"(  amiSelectorTerms: [{alias: ubuntu@latest}]
  subnetSelectorTerms: []
  kubelet:
    maxPods: -1
    systemReserved: {gpu: 1}
    evictionHard: {memory.available: 150%}
)"),
            (std::vector<std::string>{
                // In line order (the loader's stable sort).
                "test.yaml:4: EC2NodeClass nc: spec.securityGroupSelectorTerms: required field "
                "missing",
                "test.yaml:4: EC2NodeClass nc: spec.amiFamily: must specify amiFamily if "
                "amiSelectorTerms does not contain an alias",
                "test.yaml:4: EC2NodeClass nc: spec.role: must specify exactly one of ['role', "
                "'instanceProfile']",
                "test.yaml:5: EC2NodeClass nc: spec.amiSelectorTerms[0].alias: 'alias' is "
                "improperly formatted, must match the format 'family@version' with family al2, "
                "al2023, bottlerocket, windows2019 or windows2022, got 'ubuntu@latest'",
                "test.yaml:6: EC2NodeClass nc: spec.subnetSelectorTerms: must have at least one "
                "term",
                "test.yaml:8: EC2NodeClass nc: spec.kubelet.maxPods: must be greater than or "
                "equal to 0",
                "test.yaml:9: EC2NodeClass nc: spec.kubelet.systemReserved.gpu: expected cpu, "
                "memory, ephemeral-storage or pid, got 'gpu'",
                "test.yaml:10: EC2NodeClass nc: spec.kubelet.evictionHard[memory.available]: "
                "expected a quantity or a percentage 0-100%, got '150%'",
            }));
  EXPECT_EQ(
      errors_of(std::string(kNodeClassHead) +
                R"(  amiSelectorTerms: [{alias: al2023@latest}, {id: ami-1}]
  role: r
  instanceProfile: p
  subnetSelectorTerms: [{}]
  securityGroupSelectorTerms: [{id: g}]
)"),
      (std::vector<std::string>{
          "test.yaml:4: EC2NodeClass nc: spec.instanceProfile: must specify exactly one of "
          "['role', 'instanceProfile']",
          "test.yaml:5: EC2NodeClass nc: spec.amiSelectorTerms[0].alias: 'alias' is mutually "
          "exclusive, cannot be set with a combination of other amiSelectorTerms",
          "test.yaml:8: EC2NodeClass nc: spec.subnetSelectorTerms[0]: expected at least one of "
          "id, name or tags",
      }));
}

}  // namespace
}  // namespace ksim::manifest
