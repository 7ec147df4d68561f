// The conversions Karpenter's decisions read: platform 2's NodePool
// (scenarios/manifests/product-order/karpenter.yaml) and the built-in catalog.
#include "ksim/sim/karpenter/convert.h"

#include <gtest/gtest.h>

#include "../cluster/helpers.h"

namespace ksim::karpenter {
namespace {

namespace k = control::karpenter;
using namespace std::chrono_literals;

TEST(Convert, Platform2NodePool) {
  const scenario::Scenario s = cluster::testing::platform2();
  ASSERT_EQ(s.manifests.node_pools.size(), 1u);
  const k::NodePool p = to_control(s.manifests.node_pools[0]);
  EXPECT_EQ(p.name, "default");
  EXPECT_EQ(p.weight, 0);
  ASSERT_EQ(p.requirements.size(), 4u);
  EXPECT_EQ(p.requirements[0].key, "kubernetes.io/arch");
  EXPECT_EQ(p.requirements[0].op, k::Operator::kIn);
  EXPECT_EQ(p.requirements[0].values, std::vector<std::string>{"arm64"});
  EXPECT_EQ(p.limits.cpu_milli, 32'000);
  EXPECT_FALSE(p.limits.memory_bytes.has_value());
  EXPECT_FALSE(p.limits.nodes.has_value());
  EXPECT_EQ(p.disruption.consolidation_policy, k::ConsolidationPolicy::kWhenEmptyOrUnderutilized);
  EXPECT_EQ(p.disruption.consolidate_after, std::optional<std::chrono::seconds>(60s));
  ASSERT_EQ(p.disruption.budgets.size(), 1u);
  EXPECT_EQ(p.disruption.budgets[0].nodes, "10%");
  EXPECT_EQ(p.expire_after, std::optional<std::chrono::seconds>(720h));
}

TEST(Convert, NeverAndLimitsInMilliValues) {
  manifest::NodePool m;
  m.meta.name = "x";
  m.weight = 30;
  m.disruption.consolidate_after = manifest::KarpenterDuration::of_never();
  m.expire_after = manifest::KarpenterDuration::of_never();
  m.limits_milli = {{"memory", 64LL * 1024 * 1024 * 1024 * 1000}, {"nodes", 10'000}};
  m.disruption.budgets[0].nodes = manifest::IntOrString::of_int(3);
  const k::NodePool p = to_control(m);
  EXPECT_EQ(p.weight, 30);
  EXPECT_FALSE(p.disruption.consolidate_after.has_value());
  EXPECT_FALSE(p.expire_after.has_value());
  EXPECT_EQ(p.limits.memory_bytes, 64LL * 1024 * 1024 * 1024);
  EXPECT_EQ(p.limits.nodes, 10);
  EXPECT_EQ(p.disruption.budgets[0].nodes, "3");
}

// m7g.large: 2 vCPU, 8 GiB, 29 pods; allocatable 1930m (fact sheet A.11).
TEST(Convert, CatalogTypesWithEksAllocatableAndLabels) {
  const auto types = instance_types(scenario::InstanceCatalog::builtin(), "ap-northeast-2");
  const k::InstanceType* m7g = nullptr;
  for (const auto& t : types) {
    if (t.name == "m7g.large") m7g = &t;
    for (const auto& o : t.offerings) EXPECT_TRUE(o.zone.starts_with("ap-northeast-2")) << t.name;
  }
  ASSERT_NE(m7g, nullptr);
  EXPECT_EQ(m7g->capacity.cpu_milli, 2000);
  EXPECT_EQ(m7g->capacity.pods, 29);
  EXPECT_EQ(m7g->allocatable.cpu_milli, 1930);
  EXPECT_EQ(m7g->allocatable.pods, 29);
  EXPECT_EQ(m7g->labels.at("kubernetes.io/arch"), "arm64");
  EXPECT_EQ(m7g->labels.at("karpenter.k8s.aws/instance-family"), "m7g");
  EXPECT_EQ(m7g->labels.at("karpenter.k8s.aws/instance-category"), "m");
  EXPECT_EQ(m7g->labels.at("karpenter.k8s.aws/instance-generation"), "7");
  EXPECT_EQ(m7g->labels.at("karpenter.k8s.aws/instance-size"), "large");
  EXPECT_EQ(m7g->labels.at("karpenter.k8s.aws/instance-cpu"), "2");
  // Seoul on-demand $0.1003/h (the catalog's reference row).
  bool found = false;
  for (const auto& o : m7g->offerings) {
    if (o.capacity_type == k::CapacityType::kOnDemand && o.zone == "ap-northeast-2a") {
      EXPECT_DOUBLE_EQ(o.price_per_hour, 0.1003);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace ksim::karpenter
