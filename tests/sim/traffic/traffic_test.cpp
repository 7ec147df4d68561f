// Requests through the platform on the cluster model, against hand-computed
// cases: a two-hop latency, ingress round-robin, kube-proxy random and IPVS
// round-robin, keep-alive skew after a scale-up, ClientIP affinity, the CFS
// quota seen end to end, requests lost with their pod, DaemonSet pods
// serving nothing, throttled tables, 404/503, conservation and determinism.
#include "ksim/sim/traffic/traffic.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/scenario/scenario.h"

namespace ksim::traffic {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const fs::path kScenarios = fs::path(KSIM_SOURCE_DIR) / "scenarios";

scenario::Scenario parse(const std::string& yaml, const fs::path& base = kScenarios) {
  auto r = scenario::parse_scenario(yaml, "test.yaml", base);
  if (!r) {
    std::string all;
    for (const auto& e : r.error()) all += e.to_string() + "\n";
    ADD_FAILURE() << all;
    return {};
  }
  return std::move(*r);
}

// Platform 1's manifests (api 2 pods, backend 2 pods; limits 500m) with the
// given services, load and timings.
std::string api_backend(const std::string& services, const std::string& load,
                        const std::string& extra = "") {
  return "manifests: [manifests/api-backend/]\n"
         "nodeGroups:\n"
         "  - {name: managed, instanceType: m5.large, count: 3, zones: [us-east-1a, us-east-1b]}\n"
         "services:\n" +
         services + "load:\n" + load + extra;
}

const std::string kChain =
    "  - deployment: api-service\n"
    "    routes:\n"
    "      - {method: GET, path: /api/**, cpu: 10ms,\n"
    "         calls: [{service: backend-service, method: GET, path: /backend/items}]}\n"
    "  - deployment: backend-service\n"
    "    routes:\n"
    "      - {method: GET, path: /backend/**, cpu: 20ms}\n";

// A `load:` body: `target`, then from 20 s on (every endpoint visible by
// 12 s: two pods share a node and its serialized image pulls) GET `path` at
// `rps`, evenly spaced, for `seconds`.
std::string load_from_20s(const std::string& target, double rps, int seconds,
                          const std::string& path) {
  return "  target: " + target +
         "\n  arrivals: deterministic\n  routes: [{method: GET, path: " + path +
         "}]\n"
         "  phases:\n"
         "    - {shape: constant, rps: 0, duration: 20s}\n"
         "    - {shape: constant, rps: " +
         std::to_string(rps) + ", duration: " + std::to_string(seconds) + "s}\n";
}

std::string ingress_load(double rps, int seconds, const std::string& path = "/api/items") {
  return load_from_20s("{ingress: api-platform/api-platform, host: api.example.com}", rps, seconds,
                       path);
}

std::string service_load(const std::string& service, double rps, int seconds,
                         const std::string& path = "/backend/items") {
  return load_from_20s("{service: api-platform/" + service + "}", rps, seconds, path);
}

struct Platform {
  Simulator sim;
  std::unique_ptr<cluster::Cluster> cluster;
  std::unique_ptr<Traffic> traffic;

  explicit Platform(const scenario::Scenario& sc, TrafficOptions o = {}) {
    cluster = std::make_unique<cluster::Cluster>(sim, sc);
    auto t = Traffic::create(sim, *cluster, sc, o);
    if (!t) {
      for (const auto& e : t.error()) ADD_FAILURE() << e;
      return;
    }
    traffic = std::move(*t);
    traffic->start();
  }
  const EntryRoute& route(std::size_t i = 0) const { return traffic->routes()[i]; }
  RouteCounters totals() const {
    RouteCounters c;
    for (const EntryRoute& r : traffic->routes()) {
      c.merge(r.total);
      c.merge(r.window);
    }
    return c;
  }
  std::vector<cluster::PodId> pods_of(const std::string& deployment) const {
    return cluster->active_pods(*cluster->find_deployment("api-platform", deployment));
  }
  double cpu_ms(cluster::PodId p) {
    return static_cast<double>(traffic->cpu_used_ns(p, sim.now())) / 1e6;
  }
};

std::uint64_t count(const RouteCounters& c, Status s) {
  return c.by_status[static_cast<std::size_t>(s)];
}

// Alone on its pods, a request takes api's 10 ms plus backend's 20 ms.
TEST(Traffic, TwoHopsAddTheirCpuTimes) {
  Platform run(parse(api_backend(kChain, ingress_load(1, 50))));
  run.sim.run_until(kTimeZero + 80s);
  const RouteCounters c = run.totals();
  EXPECT_EQ(c.requests, 50u);
  EXPECT_EQ(count(c, Status::kOk), 50u);
  EXPECT_EQ(c.latency.quantile(0.5), 30ms);
  EXPECT_EQ(c.latency.max(), 30ms);
  EXPECT_EQ(run.traffic->arrivals(), 50u);
  EXPECT_EQ(run.traffic->in_flight(), 0u);
}

// ingress-nginx round-robin: two api pods get the same number of requests
// (their CPU, 10 ms each).
TEST(Traffic, IngressRoundRobinSplitsEvenly) {
  Platform run(parse(api_backend(kChain, ingress_load(10, 100))));
  run.sim.run_until(kTimeZero + 130s);
  const auto api = run.pods_of("api-service");
  ASSERT_EQ(api.size(), 2u);
  EXPECT_DOUBLE_EQ(run.cpu_ms(api[0]), 500 * 10.0);
  EXPECT_DOUBLE_EQ(run.cpu_ms(api[1]), 500 * 10.0);
}

// A Service entry: every request a new connection, kube-proxy picks.
// iptables: uniform, so 3000 requests over 3 pods are about 1000 each
// (binomial sd 25.8) but not exactly; IPVS rr: exactly 1000 each.
TEST(Traffic, KubeProxyRandomVersusIpvsRoundRobin) {
  const std::string backend_only =
      "  - deployment: backend-service\n"
      "    routes:\n"
      "      - {method: GET, path: /backend/**, cpu: 1ms}\n";
  for (const std::string mode : {"iptables", "ipvs"}) {
    Platform run(parse(api_backend(backend_only, service_load("backend-service", 30, 100),
                                   "timings: {kubeProxyMode: " + mode + "}\n")));
    run.cluster->set_replicas(*run.cluster->find_deployment("api-platform", "backend-service"), 3);
    run.sim.run_until(kTimeZero + 130s);
    const auto pods = run.pods_of("backend-service");
    ASSERT_EQ(pods.size(), 3u);
    bool all_equal = true;
    for (const auto p : pods) {
      const double n = run.cpu_ms(p);  // 1 ms per request
      EXPECT_NEAR(n, 1000, 5 * 25.8) << mode;
      all_equal = all_equal && std::abs(n - 1000) < 0.5;
    }
    EXPECT_EQ(all_equal, mode == "ipvs") << mode;
    EXPECT_EQ(run.traffic->connections_opened(), 0u) << "entry connections are not pooled";
  }
}

// Keep-alive skew (cluster-facts D.6): at one request every 2 s per api pod,
// each api pod reuses its one idle connection; the backend pods added at
// 60 s never see a call. Without keep-alive (no idle connections kept) they
// get their share.
TEST(Traffic, KeepAliveConnectionsSkipNewPods) {
  for (const int idle : {2, 0}) {
    TrafficOptions o;
    o.max_idle_per_host = idle;
    Platform run(parse(api_backend(kChain, ingress_load(1, 200))), o);
    run.sim.run_until(kTimeZero + 60s);
    run.cluster->set_replicas(*run.cluster->find_deployment("api-platform", "backend-service"), 4);
    run.sim.run_until(kTimeZero + 225s);
    const auto backend = run.pods_of("backend-service");
    ASSERT_EQ(backend.size(), 4u);
    const double new_pods = run.cpu_ms(backend[2]) + run.cpu_ms(backend[3]);
    if (idle == 2) {
      EXPECT_EQ(new_pods, 0.0);
      EXPECT_EQ(run.traffic->connections_opened(), 2u);  // one per api pod
    } else {
      EXPECT_GT(new_pods, 40 * 20.0);  // about 70 of the ~140 calls after 67 s
      EXPECT_EQ(run.traffic->connections_opened(), 200u);
    }
  }
}

// A copy of platform 1's manifests in a fresh temporary folder `name`/m,
// with `insert` put before `anchor` in `file`.
fs::path manifests_with(const std::string& name, const std::string& file, const std::string& anchor,
                        const std::string& insert) {
  const fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir / "m");
  for (const auto& f : fs::directory_iterator(kScenarios / "manifests" / "api-backend")) {
    fs::copy_file(f.path(), dir / "m" / f.path().filename());
  }
  std::ifstream in(dir / "m" / file);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto at = text.find(anchor);
  EXPECT_NE(at, std::string::npos) << anchor;
  if (at != std::string::npos) text.insert(at, insert);
  std::ofstream(dir / "m" / file) << text;
  return dir;
}

// ClientIP affinity: with a new connection per call, calls from one api pod
// still land on one backend pod; at most two backend pods (one per api pod)
// see calls, though there are four.
TEST(Traffic, ClientIpAffinityPinsACaller) {
  const fs::path dir =
      manifests_with("ksim_traffic_affinity", "backend-service.yaml",
                     "  selector:\n    app: backend-service", "  sessionAffinity: ClientIP\n");
  std::string yaml = api_backend(kChain, ingress_load(20, 100));
  yaml.replace(yaml.find("manifests/api-backend/"), 22, "m/");
  TrafficOptions o;
  o.max_idle_per_host = 0;
  Platform run(parse(yaml, dir), o);
  run.cluster->set_replicas(*run.cluster->find_deployment("api-platform", "backend-service"), 4);
  run.sim.run_until(kTimeZero + 130s);
  int busy = 0;
  for (const auto p : run.pods_of("backend-service")) busy += run.cpu_ms(p) > 0 ? 1 : 0;
  EXPECT_GE(busy, 1);
  EXPECT_LE(busy, 2);
  EXPECT_EQ(count(run.totals(), Status::kOk), 2000u);
  fs::remove_all(dir);
}

// ingress-nginx's ewma: with two pods both are always in the pair, so the
// one that answered last (its average now higher) is skipped: strict
// alternation. With three, pairs are random: all serve, unevenly. An
// unknown load-balance value is an error.
TEST(Traffic, IngressEwmaBalancing) {
  const fs::path dir = manifests_with("ksim_traffic_ewma", "ingress.yaml", "    nginx.ingress",
                                      "    nginx.ingress.kubernetes.io/load-balance: ewma\n");
  std::string yaml = api_backend(kChain, ingress_load(10, 100));
  yaml.replace(yaml.find("manifests/api-backend/"), 22, "m/");
  {
    Platform run(parse(yaml, dir));
    run.sim.run_until(kTimeZero + 130s);
    const auto api = run.pods_of("api-service");
    ASSERT_EQ(api.size(), 2u);
    EXPECT_EQ(run.cpu_ms(api[0]), 500 * 10.0);
    EXPECT_EQ(run.cpu_ms(api[1]), 500 * 10.0);
  }
  {
    Platform run(parse(yaml, dir));
    run.cluster->set_replicas(*run.cluster->find_deployment("api-platform", "api-service"), 3);
    run.sim.run_until(kTimeZero + 130s);
    const auto api = run.pods_of("api-service");
    ASSERT_EQ(api.size(), 3u);
    const double a = run.cpu_ms(api[0]), b = run.cpu_ms(api[1]), c = run.cpu_ms(api[2]);
    EXPECT_EQ(a + b + c, 1000 * 10.0);
    for (const double x : {a, b, c}) EXPECT_GT(x, 2000.0);
    EXPECT_FALSE(a == b && b == c);
  }

  const fs::path bad = manifests_with("ksim_traffic_ewma_bad", "ingress.yaml", "    nginx.ingress",
                                      "    nginx.ingress.kubernetes.io/load-balance: chash\n");
  std::string bad_yaml = api_backend(kChain, ingress_load(10, 100));
  bad_yaml.replace(bad_yaml.find("manifests/api-backend/"), 22, "m/");
  const scenario::Scenario sc = parse(bad_yaml, bad);
  Simulator sim;
  cluster::Cluster c(sim, sc);
  const auto t = Traffic::create(sim, c, sc);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().at(0),
            "Ingress api-platform/api-platform: nginx.ingress.kubernetes.io/load-balance: "
            "'chash' is not modelled (round_robin and ewma are)");
  fs::remove_all(dir);
  fs::remove_all(bad);
}

// The CFS quota end to end: 120 ms of CPU under a 500m limit (50 ms per
// 100 ms) takes 50 + 50 + 20 -> 220 ms.
TEST(Traffic, CfsQuotaStretchesLatency) {
  const std::string slow =
      "  - deployment: backend-service\n"
      "    routes:\n"
      "      - {method: GET, path: /backend/**, cpu: 120ms}\n";
  Platform run(parse(api_backend(slow, service_load("backend-service", 1, 1))));
  run.sim.run_until(kTimeZero + 30s);
  const RouteCounters c = run.totals();
  ASSERT_EQ(count(c, Status::kOk), 1u);
  EXPECT_EQ(c.latency.max(), 220ms);
}

// Requests still on a pod when its grace period ends are lost (502); none
// disappears from the books.
TEST(Traffic, RequestsDieWithTheirPod) {
  const std::string slow =
      "  - deployment: backend-service\n"
      "    routes:\n"
      "      - {method: GET, path: /backend/**, cpu: 2s}\n";
  Platform run(parse(api_backend(slow, service_load("backend-service", 2, 100))));
  run.sim.run_until(kTimeZero + 30s);
  const auto pods = run.pods_of("backend-service");
  run.cluster->delete_pod(pods[0]);
  run.sim.run_until(kTimeZero + 400s);
  const RouteCounters c = run.totals();
  EXPECT_GT(count(c, Status::kUpstreamGone), 0u);
  EXPECT_EQ(c.requests + run.traffic->in_flight(), run.traffic->arrivals());
  EXPECT_EQ(run.traffic->arrivals(), 200u);
}

// A DaemonSet's pods (a node agent on each of the 3 nodes) serve nothing:
// the requests go to the Deployments' pods, the agents burn no CPU, and
// reading their counters (as metrics-server does) is fine.
TEST(Traffic, DaemonSetPodsServeNothing) {
  scenario::Scenario sc = parse(api_backend(kChain, ingress_load(10, 10)));
  manifest::DaemonSet ds;
  ds.meta.name = "agent";
  ds.meta.namespace_ = "kube-system";
  ds.selector.match_labels = {{"app", "agent"}};
  ds.template_.labels = {{"app", "agent"}};
  manifest::Container c;
  c.name = "agent";
  c.image = "agent:1.0";
  c.requests_milli = {{"cpu", 100}};
  c.limits_milli = {{"cpu", 200}};
  ds.template_.containers.push_back(c);
  sc.manifests.daemon_sets.push_back(ds);
  Platform run(sc);
  run.sim.run_until(kTimeZero + 60s);
  const cluster::DaemonSet& agent =
      run.cluster->daemonset(*run.cluster->find_daemonset("kube-system", "agent"));
  ASSERT_EQ(agent.pods.size(), 3u);
  for (const cluster::PodId p : agent.pods) {
    EXPECT_TRUE(run.cluster->pod(p).ready());
    EXPECT_EQ(run.cpu_ms(p), 0.0);
  }
  const RouteCounters t = run.totals();
  EXPECT_EQ(count(t, Status::kOk), 100u);
  double api_cpu = 0;
  for (const cluster::PodId p : run.pods_of("api-service")) api_cpu += run.cpu_ms(p);
  EXPECT_EQ(api_cpu, 100 * 10.0);
}

// No ready endpoint at the entry: 503; a path the Ingress has no rule for,
// or one the pod has no route for: 404.
TEST(Traffic, NotFoundAndNoEndpoints) {
  {
    std::string load = ingress_load(1, 5);
    load.replace(load.find("    - {shape: constant, rps: 0"), 0,
                 "    - {shape: constant, rps: 1, duration: 5s}\n");
    Platform run(parse(api_backend(kChain, load)));
    run.sim.run_until(kTimeZero + 40s);
    const RouteCounters c = run.totals();
    EXPECT_EQ(count(c, Status::kNoEndpoints), 5u);  // at 0..4 s, before any pod is Ready
    EXPECT_EQ(count(c, Status::kOk), 5u);
  }
  {
    Platform run(parse(api_backend(kChain, ingress_load(1, 5, "/nowhere"))));
    run.sim.run_until(kTimeZero + 40s);
    EXPECT_EQ(count(run.totals(), Status::kNotFound), 5u);
  }
  {
    Platform run(parse(api_backend(kChain, ingress_load(1, 5, "/health"))));  // no /health route
    run.sim.run_until(kTimeZero + 40s);
    EXPECT_EQ(count(run.totals(), Status::kNotFound), 5u);
  }
}

// Platform 2's manifests (kafka-0 Ready at 21 s) with order-service doing
// 8 ms of CPU and one produce per order, and a broker at 1 ms per record;
// 10 orders at 1/s from `from`.
scenario::Scenario kafka_platform(bool ack, int from) {
  return parse(
      "manifests: [manifests/product-order/]\n"
      "nodeGroups:\n"
      "  - {name: m, instanceType: m7g.large, count: 4,\n"
      "     zones: [ap-northeast-2a, ap-northeast-2c]}\n"
      "services:\n"
      "  - deployment: order-service\n"
      "    namespace: shop\n"
      "    routes:\n"
      "      - {method: POST, path: /api/v1/orders, cpu: 8ms,\n"
      "         kafka: [{topic: order-events, bytes: 512, ack: " +
      std::string(ack ? "true" : "false") +
      "}]}\n"
      "  - statefulSet: kafka\n"
      "    namespace: shop\n"
      "    produceCpu: 1ms\n"
      "load:\n"
      "  arrivals: deterministic\n"
      "  routes: [{method: POST, path: /api/v1/orders}]\n"
      "  phases:\n"
      "    - {shape: constant, rps: 0, duration: " +
      std::to_string(from) +
      "s}\n"
      "    - {shape: constant, rps: 1, duration: 10s}\n");
}

// A handed-off record costs the broker its CPU but not the request any time;
// an acknowledged one adds the linger (5 ms) and the broker's 1 ms.
TEST(Traffic, KafkaRecordsLoadTheBroker) {
  for (const bool ack : {false, true}) {
    Platform run(kafka_platform(ack, 30));
    run.sim.run_until(kTimeZero + 60s);
    const RouteCounters c = run.totals();
    ASSERT_EQ(count(c, Status::kOk), 10u) << ack;
    EXPECT_EQ(c.latency.max(), ack ? 14ms : 8ms);
    EXPECT_EQ(run.traffic->kafka_records(), 10u);
    const auto kafka = run.cluster->find_pod("shop", "kafka-0");
    ASSERT_TRUE(kafka.has_value());
    EXPECT_DOUBLE_EQ(static_cast<double>(run.traffic->cpu_used_ns(*kafka, run.sim.now())) / 1e6,
                     10.0);
  }
}

// Before the broker is Ready (21 s): handed-off records are dropped, the
// requests succeed; acknowledged produces fail their requests (500).
TEST(Traffic, KafkaWithoutAReadyBroker) {
  Platform handed_off(kafka_platform(false, 10));
  handed_off.sim.run_until(kTimeZero + 30s);
  EXPECT_EQ(count(handed_off.totals(), Status::kOk), 10u);
  EXPECT_EQ(handed_off.traffic->kafka_dropped(), 10u);
  Platform acked(kafka_platform(true, 10));
  acked.sim.run_until(kTimeZero + 30s);
  EXPECT_EQ(count(acked.totals(), Status::kDependencyError), 10u);
}

scenario::Scenario product_order() {
  auto r = scenario::load_scenario(kScenarios / "product-order.yaml");
  EXPECT_TRUE(r.has_value());
  return r ? std::move(*r) : scenario::Scenario{};
}

// A table's throughput limit throttles calls above it; after three attempts
// the request fails (500).
TEST(Traffic, TablesThrottleAboveTheirLimit) {
  scenario::Scenario sc = product_order();
  for (auto& b : sc.services) {
    for (auto& t : b.tables) t.throughput_limit = 5;
  }
  Platform run(sc);
  run.sim.run_until(kTimeZero + 10min);
  EXPECT_GT(run.traffic->table_throttles(), 0u);
  EXPECT_GT(count(run.totals(), Status::kDependencyError), 0u);
  Platform unlimited(product_order());
  unlimited.sim.run_until(kTimeZero + 10min);
  EXPECT_EQ(unlimited.traffic->table_throttles(), 0u);
}

// Every arrival ends in a route's counters or is still in flight; the same
// seed gives the same numbers, another seed others.
TEST(Traffic, ConservationAndDeterminism) {
  const auto summary = [](std::uint64_t seed) {
    scenario::Scenario sc = product_order();
    sc.seed = seed;
    Platform run(sc);
    run.sim.run_until(kTimeZero + 15min);
    const RouteCounters c = run.totals();
    EXPECT_EQ(c.requests + run.traffic->in_flight(), run.traffic->arrivals());
    EXPECT_GT(count(c, Status::kOk), 0u);
    std::vector<std::int64_t> v{static_cast<std::int64_t>(run.traffic->arrivals())};
    for (const EntryRoute& r : run.traffic->routes()) {
      RouteCounters all = r.total;
      all.merge(r.window);
      v.push_back(static_cast<std::int64_t>(all.requests));
      v.push_back(all.latency.quantile(0.99).count());
    }
    return v;
  };
  EXPECT_EQ(summary(42), summary(42));
  EXPECT_NE(summary(42), summary(43));
}

}  // namespace
}  // namespace ksim::traffic
