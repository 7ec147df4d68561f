// sweep/grid.h and sweep/apply.h: `--set` parsing, the grid's order, and
// each parameter's effect on a loaded seed scenario, with its errors.
#include <gtest/gtest.h>

#include <algorithm>

#include "ksim/sim/scenario/scenario.h"
#include "ksim/sweep/apply.h"
#include "ksim/sweep/grid.h"

namespace ksim::sweep {
namespace {

scenario::Scenario load(const char* name) {
  auto s = scenario::load_scenario(std::string(KSIM_SOURCE_DIR) + "/scenarios/" + name);
  EXPECT_TRUE(s.has_value());
  return std::move(*s);
}

const manifest::HorizontalPodAutoscaler& hpa(const scenario::Scenario& s, std::string_view name) {
  return *std::find_if(s.manifests.hpas.begin(), s.manifests.hpas.end(),
                       [&](const auto& h) { return h.meta.name == name; });
}

std::string error_of(scenario::Scenario& s, std::string_view key, std::string_view value) {
  auto r = apply(s, key, value);
  return r ? "(no error)" : r.error();
}

TEST(ParseSet, KeyAndValuesInOrder) {
  auto p = parse_set("hpa/api.target=50, 60,70");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->key, "hpa/api.target");
  EXPECT_EQ(p->values, (std::vector<std::string>{"50", "60", "70"}));
}

TEST(ParseSet, Errors) {
  EXPECT_NE(parse_set("hpa/api.target").error().find("expected KEY=V1,V2"), std::string::npos);
  EXPECT_NE(parse_set("=5").error().find("empty key"), std::string::npos);
  EXPECT_NE(parse_set("seed=1,,2").error().find("empty value for seed"), std::string::npos);
  EXPECT_NE(parse_set("seed=1,2,1").error().find("'1' given twice"), std::string::npos);
}

TEST(Grid, LastParameterVariesFastest) {
  auto g = Grid::create({{"a", {"a0", "a1"}}, {"b", {"b0", "b1", "b2"}}});
  ASSERT_TRUE(g.has_value());
  ASSERT_EQ(g->size(), 6U);
  EXPECT_EQ(g->point(0), (Point{{"a", "a0"}, {"b", "b0"}}));
  EXPECT_EQ(g->point(1), (Point{{"a", "a0"}, {"b", "b1"}}));
  EXPECT_EQ(g->point(3), (Point{{"a", "a1"}, {"b", "b0"}}));
  EXPECT_EQ(g->point(5), (Point{{"a", "a1"}, {"b", "b2"}}));
  EXPECT_EQ(Grid().size(), 1U);  // no parameter: the scenario as it is
}

TEST(Grid, KeyTwiceIsAnError) {
  auto g = Grid::create({{"seed", {"1"}}, {"seed", {"2"}}});
  ASSERT_FALSE(g.has_value());
  EXPECT_NE(g.error().find("seed given twice"), std::string::npos);
}

TEST(Apply, HpaTargetMinMax) {
  scenario::Scenario s = load("api-backend.yaml");
  ASSERT_TRUE(apply(s, "hpa/api-service.target", "70"));
  ASSERT_TRUE(apply(s, "hpa/api-platform/api-service.max", "4"));
  ASSERT_TRUE(apply(s, "hpa/api-service.min", "3"));
  const auto& api = hpa(s, "api-service");
  EXPECT_EQ(api.spec.metrics.at(0).target.average_utilization, 70);
  EXPECT_EQ(api.spec.max_replicas, 4);
  EXPECT_EQ(api.spec.min_replicas, 3);
  // The other HPA is untouched.
  EXPECT_EQ(hpa(s, "backend-service").spec.metrics.at(0).target.average_utilization, 50);
  EXPECT_EQ(hpa(s, "backend-service").spec.max_replicas, 10);
}

TEST(Apply, HpaErrorsNameTheKeyAndTheChoices) {
  scenario::Scenario s = load("api-backend.yaml");
  EXPECT_EQ(error_of(s, "hpa/api.target", "50"),
            "hpa/api.target: no HPA 'api' (HPAs: api-platform/api-service, "
            "api-platform/backend-service)");
  EXPECT_EQ(error_of(s, "hpa/api-service.target", "fast"),
            "hpa/api-service.target: expected an integer, got 'fast'");
  EXPECT_EQ(error_of(s, "hpa/api-service.target", "0"),
            "hpa/api-service.target: must be >= 1, got 0");
  EXPECT_NE(error_of(s, "hpa/api-service.speed", "1").find("unknown HPA field 'speed'"),
            std::string::npos);
  EXPECT_NE(error_of(s, "replicas", "1").find("replicas: unknown parameter (keys: "),
            std::string::npos);
}

TEST(Apply, MinAboveMaxIsCaughtForTheWholePoint) {
  scenario::Scenario s = load("api-backend.yaml");
  auto r = apply_point(s, {{"hpa/api-service.min", "5"}, {"hpa/api-service.max", "4"}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "HPA api-platform/api-service: minReplicas 5 > maxReplicas 4");
}

TEST(Apply, NodeGroupInstanceTypeRecomputesAllocatable) {
  scenario::Scenario s = load("api-backend.yaml");
  ASSERT_TRUE(apply(s, "nodegroup/managed.instanceType", "m7g.large"));
  const scenario::NodeGroup& g = s.node_groups.at(0);
  EXPECT_EQ(g.instance_type, "m7g.large");
  EXPECT_EQ(g.arch, "arm64");
  // m7g.large: 2 vCPUs, 8192 MiB, 3 ENIs x 10 IPv4. By hand (cluster-facts
  // A.11): memory 8192 - 64 (CMA) - ceil(8128 x 7.5 %) = 7518 MiB capacity;
  // pods 3 x 9 + 2 = 29; allocatable CPU 2000 - 60 - 10 = 1930m, memory
  // 7518 - (11 x 29 + 255) - 100 = 6844 MiB.
  EXPECT_EQ(g.capacity.memory_bytes, std::int64_t{7518} << 20);
  EXPECT_EQ(g.allocatable.cpu_milli, 1930);
  EXPECT_EQ(g.allocatable.memory_bytes, std::int64_t{6844} << 20);
  EXPECT_EQ(g.allocatable.pods, 29);
  EXPECT_EQ(error_of(s, "nodegroup/managed.instanceType", "m9.huge").substr(0, 77),
            "nodegroup/managed.instanceType: 'm9.huge' is not in the instance catalog (t4g");
}

TEST(Apply, NodeGroupCountWidensBounds) {
  scenario::Scenario s = load("api-backend.yaml");  // count 3, min 2, max 6
  ASSERT_TRUE(apply(s, "nodegroup/managed.count", "8"));
  EXPECT_EQ(s.node_groups[0].count, 8);
  EXPECT_EQ(s.node_groups[0].max, 8);
  ASSERT_TRUE(apply(s, "nodegroup/managed.count", "1"));
  EXPECT_EQ(s.node_groups[0].min, 1);
  EXPECT_EQ(error_of(s, "nodegroup/spot.count", "1"),
            "nodegroup/spot.count: no node group 'spot' (node groups: managed)");
}

TEST(Apply, NodePoolInstanceReplacesInstanceRequirements) {
  scenario::Scenario s = load("karpenter-burst.yaml");
  ASSERT_TRUE(apply(s, "nodepool/default.instance", "c7g.large"));
  const auto& reqs = s.manifests.node_pools.at(0).requirements;
  const auto instance = std::find_if(reqs.begin(), reqs.end(), [](const auto& r) {
    return r.key == "node.kubernetes.io/instance-type";
  });
  ASSERT_NE(instance, reqs.end());
  EXPECT_EQ(instance->values, std::vector<std::string>{"c7g.large"});
  EXPECT_TRUE(std::none_of(reqs.begin(), reqs.end(), [](const auto& r) {
    return r.key == "karpenter.k8s.aws/instance-category";
  }));
  EXPECT_EQ(reqs.size(), 4U);  // arch, zone, capacity type kept
  EXPECT_EQ(error_of(s, "nodepool/default.instance", "m5.large"),
            "nodepool/default.instance: m5.large is amd64 but NodePool default requires "
            "kubernetes.io/arch In [arm64]");
}

TEST(Apply, DeploymentAutoscalerSeed) {
  scenario::Scenario s = load("karpenter-burst.yaml");
  ASSERT_TRUE(apply(s, "deployment/burst/worker.replicas", "5"));
  EXPECT_EQ(s.manifests.deployments.at(0).replicas, 5);
  ASSERT_TRUE(apply(s, "autoscaler", "cluster-autoscaler"));
  EXPECT_EQ(s.node_autoscaling.autoscaler, scenario::NodeAutoscalerKind::kClusterAutoscaler);
  EXPECT_EQ(error_of(s, "autoscaler", "keda"),
            "autoscaler: expected karpenter, cluster-autoscaler, none or auto, got 'keda'");
  ASSERT_TRUE(apply(s, "seed", "7"));
  EXPECT_EQ(s.seed, 7U);
  EXPECT_EQ(error_of(s, "seed", "-1"), "seed: expected an integer, got '-1'");
}

}  // namespace
}  // namespace ksim::sweep
