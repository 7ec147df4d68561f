// The HPA's view of the cluster's pods through their life: pending, running
// (not Ready), Ready, terminating.
#include "ksim/sim/autoscaling/pod_view.h"

#include <gtest/gtest.h>

#include <chrono>

#include "../cluster/helpers.h"
#include "ksim/sim/autoscaling/clock.h"

namespace ksim::autoscaling {
namespace {

using namespace std::chrono_literals;
using cluster::testing::deployment;
using cluster::testing::platform2;
namespace h = control::hpa;

const std::vector<h::Container> kContainers{{"app", {{"cpu", 100}}}};

// Readiness probe initialDelay 20 s: started 6 s, Ready 26 s.
TEST(PodView, FollowsThePodLifecycle) {
  scenario::Scenario s = platform2();
  s.timings.readiness_probe.initial_delay = 20s;
  Simulator sim;
  cluster::Cluster c(sim, s);
  const cluster::DeploymentId d = deployment(c, "product-service");
  const cluster::PodId id = c.active_pods(d).at(0);
  const auto view = [&] {
    const cluster::Pod& p = c.pod(id);
    return hpa_pod_view(p, c.replica_set(p.replica_set), kContainers);
  };

  h::Pod v = view();  // pending: no start time, Ready False
  EXPECT_EQ(v.phase, h::PodPhase::kPending);
  EXPECT_FALSE(v.start_time.has_value());
  EXPECT_EQ(v.ready, h::ConditionStatus::kFalse);
  EXPECT_FALSE(v.deleting);
  EXPECT_EQ(v.labels.at("app"), "product-service");
  EXPECT_EQ(v.labels.count("pod-template-hash"), 1u);
  EXPECT_EQ(v.containers.at(0).requests_milli.at("cpu"), 100);

  sim.run_until(kTimeZero + 10s);  // running, not yet Ready
  v = view();
  EXPECT_EQ(v.phase, h::PodPhase::kRunning);
  EXPECT_EQ(v.start_time, to_instant(kTimeZero + 6s));
  EXPECT_EQ(v.ready, h::ConditionStatus::kFalse);
  EXPECT_EQ(v.ready_transition, to_instant(kTimeZero + 6s));

  sim.run_until(kTimeZero + 30s);  // Ready
  v = view();
  EXPECT_EQ(v.ready, h::ConditionStatus::kTrue);
  EXPECT_EQ(v.ready_transition, to_instant(kTimeZero + 26s));

  c.delete_pod(id);  // terminating: deleting, no longer Ready
  v = view();
  EXPECT_TRUE(v.deleting);
  EXPECT_EQ(v.ready, h::ConditionStatus::kFalse);
  EXPECT_EQ(v.ready_transition, to_instant(kTimeZero + 30s));
}

}  // namespace
}  // namespace ksim::autoscaling
