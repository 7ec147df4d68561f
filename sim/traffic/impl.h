// Traffic's inside (traffic.h), shared by its three files: traffic.cpp
// (resolving the scenario, the load, statistics), flow.cpp (a request's
// life on pods and dependencies), balance.cpp (entries, kube-proxy and
// keep-alive connections).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ksim/control/ingress/routing.h"
#include "ksim/sim/traffic/arrivals.h"
#include "ksim/sim/traffic/ewma.h"
#include "ksim/sim/traffic/pod_cpu.h"
#include "ksim/sim/traffic/traffic.h"

namespace ksim::traffic {

inline constexpr std::uint32_t kNone = UINT32_MAX;

/// How an entry spreads requests over a Service's endpoints.
enum class EntryBalance : std::uint8_t {
  kPerRequestRoundRobin,  // ingress-nginx round_robin, ALB target type ip
  kEwma,                  // ingress-nginx load-balance: ewma (ewma.h)
  kPerRequestRandom,      // ALB target type instance (NodePort, kube-proxy on a node)
  kNewConnection,         // a Service entry: every request a new connection
};

/// A compiled step of a route after its CPU: one call kind.
struct Step {
  enum class Kind : std::uint8_t { kCall, kTable, kKafka };
  Kind kind = Kind::kCall;
  double probability = 1.0;
  std::int32_t count = 1;
  std::uint32_t service = 0;  // kCall: ServiceId index
  std::uint32_t request = 0;  // kCall: request kind (method + path) at the callee
  std::uint32_t table = 0;    // kTable: index into Impl::tables
  std::uint32_t topic = 0;    // kKafka: hash of the topic (picks the partition leader)
  bool ack = false;           // kKafka: the request waits for the broker
};

/// A behaviour route, compiled.
struct Plan {
  const scenario::Route* route = nullptr;  // nullptr for a broker's produce plan
  const scenario::Distribution* cpu = nullptr;
  std::uint32_t behavior = 0;
  std::vector<Step> steps;
};

/// One behaviour (ServiceBehavior) with its plans by request kind.
struct Behavior {
  const scenario::ServiceBehavior* spec = nullptr;
  Rng rng{0};                       // CPU and size draws ("traffic/behavior/<name>")
  std::vector<std::uint32_t> plan;  // by request kind: index into Impl::plans, or kNone
};

struct Table {
  std::string name;
  const scenario::DynamoTable* spec = nullptr;
  double tokens = 0;
  Time refilled{};
  Rng rng{0};
  std::uint64_t calls = 0;
  std::uint64_t throttles = 0;
};

struct Connection {
  cluster::PodId backend{};
  Time last_used{};
};

/// Go http.Transport's idle pool for one (client pod, Service).
struct Pool {
  std::vector<std::uint32_t> idle;  // connection ids, most recently used last
};

struct PodState {
  std::optional<PodCpu> cpu;
  EventHandle event;
  Time event_at = kTimeMax;
  std::uint32_t behavior = kNone;  // kNone: no behaviour (every request 404)
  std::vector<Pool> pools;         // by Service index
  double limit_cores = 0;
  bool resolved = false;
  /// The pod's deletion started / its containers are gone (kept here, from
  /// the cluster's observer calls, so that a request does not touch the
  /// cluster's large Pod records).
  bool terminating = false;
  bool gone = false;
  /// Jobs on the CPU that someone waits for (not background produces): the
  /// pod needs a calendar event only while there are some.
  std::uint32_t foreground = 0;
  /// Foreground jobs found finished outside the pod's event (at the same
  /// instant): answered by the event, which is then due now.
  std::vector<std::uint32_t> deferred;
};

struct Request {
  Time start{};
  std::uint32_t parent = kNone;  // the request waiting for this call; kNone at the entry
  std::uint32_t entry = 0;       // entry route (statistics), when parent == kNone
  cluster::PodId pod{kNone};     // serving pod (kNone: none reached)
  std::uint32_t plan = kNone;
  std::uint16_t step = 0;      // next step of the plan
  std::int32_t remaining = 0;  // calls left in the current step
  std::uint8_t attempt = 0;    // table call retries
  Status status = Status::kOk;
  bool background = false;           // a produce handed off: nobody waits, nothing is counted
  std::uint32_t connection = kNone;  // used to reach `pod` (released at the answer)
  cluster::PodId client{};           // the caller pod owning `connection`
  std::uint32_t client_service = 0;
};

/// A distinct request a pod can receive: method and path.
struct RequestKind {
  std::string method;
  std::string path;
  bool produce = false;  // a record to the broker ("PRODUCE /topics/<topic>")
};

struct Entry {
  std::uint32_t request = 0;      // request kind
  std::uint32_t service = kNone;  // backend Service index; kNone: 404 at the entry
  EntryBalance balance = EntryBalance::kPerRequestRoundRobin;
};

struct Traffic::Impl {
  Simulator& sim;
  cluster::Cluster& cluster;
  TrafficOptions options;  // with every optional set (from the scenario)
  scenario::KubeProxyMode proxy_mode = scenario::KubeProxyMode::kIptables;
  // Copies of what the plans point into (the Scenario need not outlive us).
  std::vector<scenario::ServiceBehavior> specs;
  std::unordered_map<std::string, double> cpu_limits;  // "ns/name" of a Deployment -> cores

  std::vector<RequestKind> kinds;
  std::vector<Behavior> behaviors;
  std::vector<Plan> plans;
  std::vector<Table> tables;
  std::vector<Entry> entries;  // parallel to routes
  std::vector<EntryRoute> routes;
  std::vector<double> weights;
  std::optional<WeightedDiscrete> mix;
  std::optional<ArrivalProcess> arrivals;
  Rng mix_rng{0};
  Rng balance_rng{0};
  Rng step_rng{0};
  WindowCallback window_cb;
  Time window_start{};
  Time window_end = kTimeMax;

  // Per Service: ClientIP affinity, round-robin positions.
  std::vector<bool> client_ip_affinity;
  std::vector<Duration> affinity_timeout;
  std::vector<std::uint64_t> rr_position;
  std::vector<EwmaBalancer> ewma;           // per Service (used by ewma entries)
  std::vector<std::uint64_t> ewma_version;  // the visible_version synced
  std::unordered_map<std::uint64_t, std::pair<cluster::PodId, Time>> affinity;  // (ip, svc)
  std::unordered_map<std::uint64_t, std::uint64_t> ipvs_rr;                     // (node, svc)

  std::vector<PodState> pods;
  std::vector<Request> requests;
  std::vector<std::uint32_t> free_requests;
  std::vector<Connection> connections;
  std::vector<std::uint32_t> free_connections;
  std::vector<std::uint32_t> scratch;
  std::vector<std::uint32_t> scratch_done;
  std::vector<cluster::PodId> scratch_pods;

  // The Kafka broker: the behaviour with produce CPU and its workload.
  std::uint32_t broker_behavior = kNone;
  std::optional<cluster::StatefulSetId> broker_statefulset;
  std::optional<cluster::DeploymentId> broker_deployment;
  std::vector<cluster::PodId> broker_scratch;
  std::uint64_t kafka_records = 0;
  std::uint64_t kafka_dropped = 0;

  std::uint64_t arrived = 0;
  std::uint64_t live = 0;          // Request slots in use (calls and produces too)
  std::uint64_t entries_live = 0;  // entry requests not yet answered
  std::uint64_t opened = 0;

  Impl(Simulator& s, cluster::Cluster& c) : sim(s), cluster(c) {}

  // traffic.cpp
  std::uint32_t intern(std::string_view method, std::string_view path);
  PodState& pod_state(cluster::PodId pod);
  void next_arrival();
  void arrive();
  void arrive_one();
  void close_window();
  /// Counts the entry request `r`, answered at `end` (>= now, in the
  /// current window).
  void record(const Request& r, Time end);
  /// An entry request's last step needs no event of its own when it cannot
  /// be disturbed: see flow.cpp.
  bool answer_at(std::uint32_t req, Time end);

  // flow.cpp
  std::uint32_t new_request();
  void start_on_pod(std::uint32_t req, cluster::PodId pod);
  void arm(cluster::PodId pod);
  void collect(cluster::PodId pod);
  void pod_event(cluster::PodId pod);
  void run_steps(std::uint32_t req);
  void finish(std::uint32_t req, Status status);
  void call(std::uint32_t req, const Step& step);
  void table_call(std::uint32_t req, std::uint32_t table);
  void pod_gone(cluster::PodId pod);
  /// The step's Kafka produce; true when the request goes on at once.
  bool produce(std::uint32_t req, const Step& step);
  std::optional<cluster::PodId> pick_broker(std::uint32_t topic);

  // balance.cpp
  std::optional<cluster::PodId> pick_entry(const Entry& e);
  std::optional<cluster::PodId> kube_proxy_pick(std::uint32_t service, cluster::PodId client);
  std::uint32_t acquire(cluster::PodId client, std::uint32_t service);
  void release(cluster::PodId client, std::uint32_t service, std::uint32_t connection);
};

}  // namespace ksim::traffic
