// Cluster construction, the node groups' nodes, the event log and lookups;
// the other parts live in nodes.cpp, drain.cpp, pod_owner.cpp,
// replica_set.cpp, stateful_set.cpp, bare_pods.cpp, disruption.cpp,
// scheduler.cpp, kubelet.cpp and endpoints.cpp.
#include "ksim/sim/cluster/cluster.h"

#include <algorithm>

#include "ksim/sim/kernel/check.h"

namespace ksim::cluster {

std::string format_ip(std::uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
         std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255);
}

Cluster::Cluster(Simulator& sim, const scenario::Scenario& scenario, ClusterOptions options)
    : sim_(sim),
      options_(options),
      timings_(scenario.timings),
      streams_(scenario.seed),
      scheduler_rng_(streams_.stream("scheduler")),
      queue_(SchedulingQueueConfig{
          scenario.timings.scheduler_backoff_initial, scenario.timings.scheduler_backoff_max,
          options_.pop_from_backoff_q, SchedulingQueueConfig{}.max_in_unschedulable}) {
  build_nodes(scenario);
  build_services(scenario);
  build_pdbs(scenario);
  build_daemonsets(scenario);
  build_workloads(scenario);
  build_statefulsets(scenario);
  build_pod_trace(scenario);
}

std::string_view Cluster::zone_name(ZoneId z) const {
  return z == kNoZone ? std::string_view{} : std::string_view{zones_[index_of(z)]};
}

ZoneId Cluster::zone_id(const std::string& zone) {
  const auto it = std::find(zones_.begin(), zones_.end(), zone);
  if (it != zones_.end()) return id_at<ZoneId>(static_cast<std::size_t>(it - zones_.begin()));
  zones_.push_back(zone);
  zone_node_count_.push_back(0);
  zone_pod_ips_.push_back(0);
  return id_at<ZoneId>(zones_.size() - 1);
}

void Cluster::build_nodes(const scenario::Scenario& s) {
  groups_ = s.node_groups;
  group_next_zone_.assign(groups_.size(), 0);
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    for (std::int32_t i = 0; i < groups_[g].count; ++i) create_node(g);
  }
}

// A node of a scenario's group: Ready at once, as the groups' nodes at the
// start of a run always were (add_node keeps that).
NodeId Cluster::create_node(std::size_t group) {
  const scenario::NodeGroup& g = groups_[group];
  std::string zone;
  if (!g.zones.empty()) {
    const auto z = static_cast<std::size_t>(group_next_zone_[group]) % g.zones.size();
    zone = g.zones[z];
    group_next_zone_[group] = static_cast<std::int32_t>((z + 1) % g.zones.size());
  }
  NodeAddress a = allocate_address(zone);
  Node n;
  n.name = a.name;
  // A `nodePool:` group's nodes are Karpenter's (the scenario gave them the
  // NodePool's labels and taints), not a managed group's.
  if (g.node_pool.empty()) {
    n.group = g.name;
  } else {
    n.node_pool = g.node_pool;
  }
  n.zone = a.zone;
  n.ip = a.ip;
  n.allocatable = g.allocatable;
  n.capacity = g.capacity;
  n.instance_type = g.instance_type;
  n.capacity_type = g.capacity_type == scenario::CapacityType::kSpot ? CapacityType::kSpot
                                                                     : CapacityType::kOnDemand;
  n.taints = g.taints;
  n.stage = NodeStage::kReady;
  n.ready = true;
  n.created = sim_.now();
  n.launched = sim_.now();
  n.ready_since = sim_.now();
  n.puller_free_at = sim_.now();
  control::scheduler::Node view = cluster::scheduler_node(g, a.name, zone);
  n.labels = view.labels;
  const NodeId id = new_node(std::move(n));
  register_node(id, std::move(view));
  // kubelet setNodeReadyCondition records NodeReady when the condition turns True.
  log_node(id, EventReason::kNodeReady, "Node " + a.name + " status is now: NodeReady");
  return id;
}

NodeId Cluster::add_node(std::string_view group) {
  const auto it = std::find_if(groups_.begin(), groups_.end(),
                               [group](const scenario::NodeGroup& g) { return g.name == group; });
  KSIM_CHECK(it != groups_.end(), "add_node: no such node group");
  const NodeId id = create_node(static_cast<std::size_t>(it - groups_.begin()));
  sync_daemon_sets(id);
  on_node_added(id);
  return id;
}

void Cluster::log(ObjectKind kind, std::string object, EventReason reason, std::string message) {
  events_.push_back(Event{sim_.now(), kind, std::move(object), reason, std::move(message)});
}

void Cluster::log_node(NodeId node, EventReason reason, std::string message) {
  log(ObjectKind::kNode, nodes_[index_of(node)].name, reason, std::move(message));
}

void Cluster::log_pod(PodId pod, EventReason reason, std::string message) {
  const Pod& p = pods_[index_of(pod)];
  log(ObjectKind::kPod, p.namespace_ + "/" + p.name, reason, std::move(message));
}

namespace {

// The index of the object named ns/name in `objects`, if any.
template <class Id, class T>
std::optional<Id> find_named(const std::vector<T>& objects, std::string_view ns,
                             std::string_view name) {
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].namespace_ == ns && objects[i].name == name) return id_at<Id>(i);
  }
  return std::nullopt;
}

}  // namespace

std::optional<DeploymentId> Cluster::find_deployment(std::string_view ns,
                                                     std::string_view name) const {
  return find_named<DeploymentId>(deployments_, ns, name);
}

std::optional<ServiceId> Cluster::find_service(std::string_view ns, std::string_view name) const {
  return find_named<ServiceId>(services_, ns, name);
}

std::optional<StatefulSetId> Cluster::find_statefulset(std::string_view ns,
                                                       std::string_view name) const {
  return find_named<StatefulSetId>(statefulsets_, ns, name);
}

std::optional<PdbId> Cluster::find_pdb(std::string_view ns, std::string_view name) const {
  return find_named<PdbId>(pdbs_, ns, name);
}

const std::vector<PodId>& Cluster::active_pods(DeploymentId d) const {
  return replica_sets_[index_of(deployments_[index_of(d)].replica_set)].pods;
}

const std::vector<PodId>& Cluster::active_pods(StatefulSetId s) const {
  return statefulsets_[index_of(s)].pods;
}

namespace {

std::int32_t count_ready(std::span<const Pod> pods, const std::vector<PodId>& ids) {
  std::int32_t n = 0;
  for (const PodId p : ids) n += pods[index_of(p)].ready() ? 1 : 0;
  return n;
}

}  // namespace

std::int32_t Cluster::ready_replicas(DeploymentId d) const {
  return count_ready(pods_, active_pods(d));
}

std::int32_t Cluster::ready_replicas(StatefulSetId s) const {
  return count_ready(pods_, active_pods(s));
}

}  // namespace ksim::cluster
