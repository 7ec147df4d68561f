// PodDisruptionBudgets: the disruption controller's arithmetic as a table,
// then platform 2's budgets (minAvailable 1 for each service) at come-up,
// with one pod not ready, with a percentage over a scaled Deployment, and a
// budget over the Kafka StatefulSet.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "helpers.h"
#include "ksim/sim/cluster/disruption.h"

namespace ksim::cluster {
namespace {

using namespace std::chrono_literals;
using namespace testing;
using manifest::IntOrString;

struct Row {
  const char* what;
  std::optional<IntOrString> min_available;
  std::optional<IntOrString> max_unavailable;
  PdbCounts counts;
  PdbStatus want;
};

TEST(PdbStatus, UpstreamArithmetic) {
  const auto i = IntOrString::of_int;
  const auto p = [](const char* s) { return IntOrString::of_string(s); };
  const std::vector<Row> rows{
      // minAvailable as an integer counts the selected pods, not the scale.
      {"minAvailable 1, 2 healthy", i(1), {}, {2, 5, 2}, {2, 1, 2, 1}},
      {"minAvailable 1, 1 healthy", i(1), {}, {2, 2, 1}, {2, 1, 1, 0}},
      {"minAvailable 1, none healthy", i(1), {}, {2, 2, 0}, {2, 1, 0, 0}},
      {"minAvailable 3 above the pods", i(3), {}, {2, 2, 2}, {2, 3, 2, 0}},
      // Percentages are of the controllers' scale, rounded up.
      {"minAvailable 50% of 3", p("50%"), {}, {3, 3, 3}, {3, 2, 3, 1}},
      {"minAvailable 50% of scale 4, 2 pods", p("50%"), {}, {2, 4, 2}, {4, 2, 2, 0}},
      {"maxUnavailable 1 of 3", {}, i(1), {3, 3, 3}, {3, 2, 3, 1}},
      {"maxUnavailable 34% of 3 (1.02 -> 2)", {}, p("34%"), {3, 3, 3}, {3, 1, 3, 2}},
      {"maxUnavailable above the scale", {}, i(5), {3, 3, 3}, {3, 0, 3, 3}},
      {"maxUnavailable 0", {}, i(0), {3, 3, 3}, {3, 3, 3, 0}},
      // expectedCount 0: no disruption, whatever is healthy.
      {"no pods", i(0), {}, {0, 0, 0}, {0, 0, 0, 0}},
      {"scale 0, a pod left", {}, i(1), {1, 0, 1}, {0, 0, 1, 0}},
      {"neither field", {}, {}, {2, 2, 2}, {0, 0, 2, 0}},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(pdb_status(r.min_available, r.max_unavailable, r.counts), r.want) << r.what;
  }
}

PdbId pdb(const Cluster& c, std::string_view name) {
  const auto b = c.find_pdb("shop", name);
  EXPECT_TRUE(b.has_value()) << name;
  return b.value_or(PdbId{});
}

TEST(ClusterPdb, SeedBudgetsSelectTheirServicePods) {
  Simulator sim;
  Cluster c(sim, platform2());
  ASSERT_EQ(c.pdbs().size(), 2u);
  for (const char* name : {"product-service", "order-service"}) {
    const PodDisruptionBudget& b = c.pdb(pdb(c, name));
    EXPECT_EQ(b.pods, c.active_pods(deployment(c, name))) << name;
    EXPECT_EQ(b.min_available, IntOrString::of_int(1));
    EXPECT_FALSE(b.max_unavailable.has_value());
    // At creation no pod is Ready: nothing may be disrupted.
    EXPECT_EQ(c.pdb_status(pdb(c, name)), (PdbStatus{2, 1, 0, 0})) << name;
  }
  sim.run_until(kTimeZero + 6s);  // every service pod Ready
  for (const char* name : {"product-service", "order-service"}) {
    EXPECT_EQ(c.pdb_status(pdb(c, name)), (PdbStatus{2, 1, 2, 1})) << name;
    EXPECT_EQ(c.disruptions_allowed(pdb(c, name)), 1) << name;
  }
  const auto& owner = c.pod_owner(c.active_pods(deployment(c, "product-service")).at(0));
  ASSERT_EQ(owner.pdbs.size(), 1u);
  EXPECT_EQ(owner.pdbs[0], pdb(c, "product-service"));
  EXPECT_TRUE(c.statefulset(*c.find_statefulset("shop", "kafka")).pdbs.empty());
}

// A deleted pod is terminating: still selected (expectedCount 3 for an
// integer minAvailable) but not healthy; its replacement is not Ready until
// 6 s later. Budget exhausted until then.
TEST(ClusterPdb, OnePodNotReady) {
  Simulator sim;
  Cluster c(sim, platform2());
  sim.run_until(kTimeZero + 60s);
  const PdbId b = pdb(c, "product-service");
  c.delete_pod(c.active_pods(deployment(c, "product-service")).at(0));
  EXPECT_EQ(c.pdb(b).pods.size(), 3u);
  EXPECT_EQ(c.pdb_status(b), (PdbStatus{3, 1, 1, 0}));
  EXPECT_EQ(c.disruptions_allowed(b), 0);
  EXPECT_EQ(c.disruptions_allowed(pdb(c, "order-service")), 1);
  sim.run_until(kTimeZero + 66s);  // the replacement is Ready
  EXPECT_EQ(c.pdb_status(b), (PdbStatus{3, 1, 2, 1}));
  sim.run_until(kTimeZero + 90s);  // the deleted pod is gone after its grace period
  EXPECT_EQ(c.pdb(b).pods.size(), 2u);
  EXPECT_EQ(c.pdb_status(b), (PdbStatus{2, 1, 2, 1}));
}

// A percentage counts the Deployment's spec.replicas (getExpectedScale).
TEST(ClusterPdb, PercentOfTheDeploymentScale) {
  scenario::Scenario s = platform2();
  for (manifest::PodDisruptionBudget& m : s.manifests.pdbs) {
    m.min_available = IntOrString::of_string("50%");
  }
  Simulator sim;
  Cluster c(sim, s);
  sim.run_until(kTimeZero + 60s);
  const PdbId b = pdb(c, "product-service");
  EXPECT_EQ(c.pdb_status(b), (PdbStatus{2, 1, 2, 1}));
  c.set_replicas(deployment(c, "product-service"), 5);
  EXPECT_EQ(c.pdb_status(b), (PdbStatus{5, 3, 2, 0}));
  sim.run_until(kTimeZero + 120s);
  EXPECT_EQ(c.pdb_status(b), (PdbStatus{5, 3, 5, 2}));
}

// A budget over the StatefulSet counts its spec.replicas.
TEST(ClusterPdb, BudgetOverTheKafkaStatefulSet) {
  scenario::Scenario s = platform2();
  s.manifests.stateful_sets.at(0).replicas = 3;
  manifest::PodDisruptionBudget m;
  m.meta.name = "kafka";
  m.meta.namespace_ = "shop";
  m.max_unavailable = IntOrString::of_int(1);
  m.selector = manifest::LabelSelector{};
  m.selector->match_labels["app"] = "kafka";
  s.manifests.pdbs.push_back(m);
  Simulator sim;
  Cluster c(sim, s);
  const PdbId b = pdb(c, "kafka");
  EXPECT_EQ(c.pdb_status(b), (PdbStatus{3, 2, 0, 0}));
  sim.run_until(kTimeZero + 120s);
  EXPECT_EQ(c.pdb(b).pods.size(), 3u);
  EXPECT_EQ(c.pdb_status(b), (PdbStatus{3, 2, 3, 1}));
}

// policy/v1: no selector selects nothing; an empty one every pod of its namespace.
TEST(ClusterPdb, AbsentAndEmptySelectors) {
  scenario::Scenario s = platform2();
  manifest::PodDisruptionBudget none;
  none.meta.name = "none";
  none.meta.namespace_ = "shop";
  none.min_available = IntOrString::of_int(1);
  manifest::PodDisruptionBudget all = none;
  all.meta.name = "all";
  all.selector = manifest::LabelSelector{};
  s.manifests.pdbs.push_back(none);
  s.manifests.pdbs.push_back(all);
  Simulator sim;
  Cluster c(sim, s);
  EXPECT_TRUE(c.pdb(pdb(c, "none")).pods.empty());
  EXPECT_EQ(c.pdb(pdb(c, "all")).pods.size(), 5u);  // 4 service pods and kafka-0
  sim.run_until(kTimeZero + 60s);
  EXPECT_EQ(c.pdb_status(pdb(c, "none")), (PdbStatus{0, 1, 0, 0}));
  EXPECT_EQ(c.pdb_status(pdb(c, "all")), (PdbStatus{5, 1, 5, 4}));
}

}  // namespace
}  // namespace ksim::cluster
