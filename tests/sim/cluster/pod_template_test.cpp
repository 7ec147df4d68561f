// Pod template conversions: generated names (upstream util/rand alphabet and
// SafeEncodeString), the scheduler's view of a pod, the default spreading
// selector, pull policy defaults, readiness plans, nodes of a group.
#include "ksim/sim/cluster/pod_template.h"

#include <gtest/gtest.h>

#include <chrono>

namespace ksim::cluster {
namespace {

using namespace std::chrono_literals;
namespace sched = control::scheduler;

TEST(PodTemplate, SafeEncodeMapsBytesIntoTheAlphabet) {
  // '0' is 48, 48 % 27 = 21: "4"; ... '6' is 54 = 2 x 27: "b".
  EXPECT_EQ(safe_encode("0123456789"), "456789bcdf");
  EXPECT_EQ(safe_encode(""), "");
}

TEST(PodTemplate, RandomSuffixIsFiveAlphabetCharacters) {
  Rng a = Rng::for_stream(1, "replicaset/shop/x");
  Rng b = Rng::for_stream(1, "replicaset/shop/x");
  const std::string s = random_suffix(a);
  EXPECT_EQ(s.size(), 5u);
  EXPECT_EQ(s.find_first_not_of(kNameAlphabet), std::string::npos);
  EXPECT_EQ(s, random_suffix(b));
}

manifest::Deployment deployment(std::string name) {
  manifest::Deployment d;
  d.meta.name = std::move(name);
  d.meta.namespace_ = "shop";
  d.selector.match_labels = {{"app", d.meta.name}};
  d.template_.labels = {{"app", d.meta.name}};
  manifest::Container c;
  c.name = "app";
  c.image = "registry.example:5000/app:1.0";
  c.requests_milli = {{"cpu", 100}, {"memory", 128LL * 1024 * 1024 * 1000}};
  d.template_.containers.push_back(c);
  return d;
}

TEST(PodTemplate, TemplateHashIsStablePerDeployment) {
  const std::string h = pod_template_hash(deployment("web"));
  EXPECT_EQ(h, pod_template_hash(deployment("web")));
  EXPECT_NE(h, pod_template_hash(deployment("api")));
  EXPECT_EQ(h.find_first_not_of(kNameAlphabet), std::string::npos);
  EXPECT_GE(h.size(), 1u);
  EXPECT_LE(h.size(), 10u);  // the decimal form of a uint32
}

TEST(PodTemplate, SchedulerPodCarriesRequestsAffinityAndTolerations) {
  manifest::Deployment d = deployment("web");
  manifest::Container sidecar;
  sidecar.requests_milli = {{"cpu", 50}};  // no memory request
  d.template_.containers.push_back(sidecar);
  d.template_.node_selector = {{"kubernetes.io/arch", "arm64"}};
  manifest::NodeSelectorTerm term;
  term.match_expressions.push_back(
      {"topology.kubernetes.io/zone", manifest::NodeSelectorOperator::kIn, {"a", "b"}});
  d.template_.node_affinity.required.push_back(term);
  d.template_.node_affinity.preferred.push_back({7, term});
  d.template_.tolerations.push_back(
      {"dedicated", manifest::TolerationOperator::kEqual, "web", manifest::TaintEffect::kAll, {}});
  d.template_.tolerations.push_back(
      {"", manifest::TolerationOperator::kExists, "", manifest::TaintEffect::kNoExecute, 300});

  const sched::Pod p = scheduler_pod(d.template_, "shop");
  EXPECT_EQ(p.namespace_, "shop");
  ASSERT_EQ(p.containers.size(), 2u);
  EXPECT_EQ(p.containers[0].cpu_milli, 100);
  EXPECT_EQ(p.containers[0].memory_bytes, 128LL * 1024 * 1024);
  EXPECT_EQ(p.containers[1].cpu_milli, 50);
  EXPECT_FALSE(p.containers[1].memory_bytes.has_value());
  EXPECT_EQ(p.node_selector, d.template_.node_selector);
  ASSERT_TRUE(p.required_terms.has_value());
  ASSERT_EQ(p.required_terms->size(), 1u);
  EXPECT_EQ((*p.required_terms)[0].match_expressions[0].op, sched::SelectorOp::kIn);
  EXPECT_EQ((*p.required_terms)[0].match_expressions[0].values,
            (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(p.preferred_terms.size(), 1u);
  EXPECT_EQ(p.preferred_terms[0].weight, 7);
  ASSERT_EQ(p.tolerations.size(), 2u);
  EXPECT_FALSE(p.tolerations[0].effect.has_value());  // "" matches every effect
  EXPECT_EQ(p.tolerations[1].op, sched::TolerationOp::kExists);
  EXPECT_EQ(p.tolerations[1].effect, sched::TaintEffect::kNoExecute);
  // No required affinity written: none at all (not "matches no node").
  EXPECT_FALSE(scheduler_pod(deployment("x").template_, "shop").required_terms.has_value());
}

TEST(PodTemplate, DefaultSpreadSelectorJoinsServicesAndReplicaSet) {
  const manifest::LabelMap svc1{{"app", "web"}};
  const manifest::LabelMap svc2{{"tier", "front"}};
  manifest::LabelSelector rs;
  rs.match_labels = {{"app", "web"}, {"pod-template-hash", "abc"}};
  rs.match_expressions.push_back({"track", "NotIn", {"canary"}});
  const sched::LabelSelector s = default_spread_selector({&svc1, &svc2}, rs);
  EXPECT_EQ(s.match_labels,
            (sched::Labels{{"app", "web"}, {"pod-template-hash", "abc"}, {"tier", "front"}}));
  ASSERT_EQ(s.match_expressions.size(), 1u);
  EXPECT_EQ(s.match_expressions[0].op, sched::SelectorOp::kNotIn);
}

TEST(PodTemplate, PullPolicyDefaults) {
  EXPECT_TRUE(pulls_always("busybox"));
  EXPECT_TRUE(pulls_always("busybox:latest"));
  EXPECT_TRUE(pulls_always("registry:5000/app"));
  EXPECT_FALSE(pulls_always("registry:5000/app:v1"));
  EXPECT_FALSE(pulls_always("nginx:1.25"));
  EXPECT_FALSE(pulls_always("app@sha256:0123"));
}

TEST(PodTemplate, ReadinessPlan) {
  manifest::Container c;
  c.name = "app";
  c.image = "app:1";
  EXPECT_EQ(container_plan(c, {}).ready_after_start, 0s);  // no probe: ready when running
  c.readiness_probe = manifest::Probe{};
  c.readiness_probe->initial_delay_seconds = 5;
  c.readiness_probe->period_seconds = 10;
  c.readiness_probe->success_threshold = 2;
  EXPECT_EQ(container_plan(c, {}).ready_after_start, 15s);
  scenario::ProbeOverride o;
  o.period = 3s;
  EXPECT_EQ(container_plan(c, o).ready_after_start, 8s);
  o.initial_delay = 0s;
  o.success_threshold = 1;
  EXPECT_EQ(container_plan(c, o).ready_after_start, 0s);
  EXPECT_FALSE(container_plan(c, o).pull_always);
}

TEST(PodTemplate, NodeOfAGroup) {
  scenario::NodeGroup g;
  g.name = "gpu";
  g.instance_type = "m7g.large";
  g.arch = "arm64";
  g.allocatable = {1930, 7LL << 30, 29};
  g.labels = {{"team", "ml"}};
  g.taints.push_back({"gpu", "true", manifest::TaintEffect::kNoSchedule});
  const sched::Node n = scheduler_node(g, "ip-10-0-1-10", "zone-a");
  EXPECT_EQ(n.labels.at("kubernetes.io/hostname"), "ip-10-0-1-10");
  EXPECT_EQ(n.labels.at("topology.kubernetes.io/zone"), "zone-a");
  EXPECT_EQ(n.labels.at("team"), "ml");
  EXPECT_EQ(n.allocatable_cpu_milli, 1930);
  EXPECT_EQ(n.allocatable_pods, 29);
  ASSERT_EQ(n.taints.size(), 1u);
  EXPECT_EQ(n.taints[0].effect, sched::TaintEffect::kNoSchedule);
  EXPECT_FALSE(scheduler_node(g, "n", "").labels.contains("topology.kubernetes.io/zone"));
}

}  // namespace
}  // namespace ksim::cluster
