// Services' endpoints in the cluster: the EndpointSlice controller's ready
// endpoints change at once; what consumers see lags by the scenario's
// endpoint propagation delay, in both directions, in order per pod.
#include <gtest/gtest.h>

#include <chrono>

#include "helpers.h"

namespace ksim::cluster {
namespace {

using namespace std::chrono_literals;
using namespace testing;

ServiceId service(const Cluster& c, std::string_view name) {
  const auto s = c.find_service("shop", name);
  EXPECT_TRUE(s.has_value()) << name;
  return s.value_or(ServiceId{});
}

TEST(ClusterEndpoints, ReadyAtOnceVisibleAfterThePropagationDelay) {
  Simulator sim;
  Cluster c(sim, platform2());
  const ServiceId s = service(c, "product-service");
  sim.run_until(kTimeZero + 5999ms);
  EXPECT_TRUE(c.service(s).ready.empty());
  sim.run_until(kTimeZero + 6s);  // Ready at 6 s
  EXPECT_EQ(c.service(s).ready.size(), 2u);
  EXPECT_TRUE(c.service(s).visible.empty());
  sim.run_until(kTimeZero + 6999ms);
  EXPECT_TRUE(c.service(s).visible.empty());
  sim.run_until(kTimeZero + 7s);  // endpoint propagation 1 s (the default)
  EXPECT_EQ(c.service(s).visible, c.service(s).ready);
  for (const Endpoint& e : c.service(s).visible) {
    const Pod& p = c.pod(e.pod);
    EXPECT_TRUE(p.name.starts_with("product-service-"));
    EXPECT_EQ(e.node, p.node);
    EXPECT_EQ(e.zone, c.node(p.node).zone);
    EXPECT_EQ(e.ip, p.ip);
    EXPECT_TRUE(format_ip(e.ip).starts_with("10.10"));  // 10.101.x.y (2a) or 10.102.x.y (2c)
  }
  const auto shown = events_of(c, EventReason::kEndpointReady, "shop/product-service");
  ASSERT_EQ(shown.size(), 2u);
  EXPECT_EQ(shown[0].time, kTimeZero + 7s);
  const Pod& first = c.pod(c.service(s).visible[0].pod);
  EXPECT_EQ(shown[0].message, first.name + " " + format_ip(first.ip) + " on " +
                                  c.node(first.node).name + " (" +
                                  std::string(c.zone_name(c.node(first.node).zone)) + ")");
  // Services only hold the pods they select.
  EXPECT_EQ(c.service(service(c, "order-service")).visible.size(), 2u);
  EXPECT_TRUE(c.service(service(c, "kafka")).ready.empty());  // kafka-0 is Ready at 21 s
}

TEST(ClusterEndpoints, RemovedAtOnceHiddenAfterThePropagationDelay) {
  scenario::Scenario sc = platform2();
  sc.timings.endpoint_propagation_ms = scenario::Distribution::constant(2500);
  Simulator sim;
  Cluster c(sim, sc);
  const ServiceId s = service(c, "order-service");
  sim.run_until(kTimeZero + 60s);
  const PodId victim = c.service(s).ready.at(0).pod;
  c.delete_pod(victim);
  EXPECT_EQ(c.service(s).ready.size(), 1u);    // a terminating endpoint is not ready
  EXPECT_EQ(c.service(s).visible.size(), 2u);  // consumers still send it new work
  sim.run_until(kTimeZero + 62499ms);
  EXPECT_EQ(c.service(s).visible.size(), 2u);
  sim.run_until(kTimeZero + 62500ms);
  ASSERT_EQ(c.service(s).visible.size(), 1u);
  EXPECT_NE(c.service(s).visible[0].pod, victim);
  EXPECT_FALSE(c.pod(victim).endpoint_visible);
  const auto removed = events_of(c, EventReason::kEndpointRemoved, "shop/order-service");
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].time, kTimeZero + 62500ms);
  EXPECT_EQ(c.service(s).visible_version, 3u);  // two shown, one hidden
  // The replacement, created at 60 s, joins: pull 5 s, start 1 s, 2.5 s later visible.
  sim.run_until(kTimeZero + 68500ms);
  EXPECT_EQ(c.service(s).visible.size(), 2u);
}

// With a random delay a pod deleted right after it became Ready still
// appears before it disappears: one pod's changes reach consumers in order.
TEST(ClusterEndpoints, ChangesOfOnePodStayInOrder) {
  scenario::Scenario sc = platform2();
  sc.timings.endpoint_propagation_ms = *scenario::Distribution::create(
      {.kind = scenario::DistributionKind::kUniform, .min = 0, .max = 3000});
  Simulator sim;
  Cluster c(sim, sc);
  sim.run_until(kTimeZero + 6s);
  for (PodId p : std::vector<PodId>(c.active_pods(deployment(c, "product-service")))) {
    c.delete_pod(p);
  }
  sim.run_until(kTimeZero + 6s + 100ms);
  for (PodId p : std::vector<PodId>(c.active_pods(deployment(c, "order-service")))) {
    c.delete_pod(p);
  }
  sim.run_until(kTimeZero + 15s);
  for (const Pod& p : c.pods()) {
    if (p.stage != PodStage::kTerminating) continue;
    const std::string name = p.name;
    Time shown = kTimeMax, hidden = kTimeMax;
    for (const Event& e : c.events()) {
      if (e.message.starts_with(name + " ")) {
        (e.reason == EventReason::kEndpointReady ? shown : hidden) = e.time;
      }
    }
    EXPECT_LE(shown, hidden) << name;
    EXPECT_NE(hidden, kTimeMax) << name;
    EXPECT_FALSE(p.endpoint_visible) << name;
  }
}

// The observer hears of a pod's end when its grace period is over, once.
TEST(ClusterEndpoints, ObserverHearsWhenAPodIsGone) {
  struct Recorder : ClusterObserver {
    Simulator* sim = nullptr;
    std::vector<std::pair<PodId, Time>> gone;
    void on_pod_gone(PodId pod) override { gone.emplace_back(pod, sim->now()); }
  } recorder;
  Simulator sim;
  recorder.sim = &sim;
  Cluster c(sim, platform2());
  c.set_observer(&recorder);
  sim.run_until(kTimeZero + 60s);
  const PodId victim = c.active_pods(deployment(c, "order-service")).at(0);
  c.delete_pod(victim);
  sim.run_until(kTimeZero + 89s);
  EXPECT_TRUE(recorder.gone.empty());
  sim.run_until(kTimeZero + 200s);
  ASSERT_EQ(recorder.gone.size(), 1u);
  EXPECT_EQ(recorder.gone[0].first, victim);
  EXPECT_EQ(recorder.gone[0].second, kTimeZero + 90s);  // terminationGracePeriodSeconds 30
}

}  // namespace
}  // namespace ksim::cluster
