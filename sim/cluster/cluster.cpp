// Cluster construction, nodes, the event log and lookups; the other parts
// live in pod_owner.cpp, replica_set.cpp, stateful_set.cpp, disruption.cpp,
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
  build_workloads(scenario);
  build_statefulsets(scenario);
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

// Addresses are stand-ins for the VPC's: node k of the zone with index z is
// 10.0.(z+1).(10+k), named after it like EC2's private DNS ("ip-10-0-1-10");
// nodes without a zone use 10.0.0.x.
NodeId Cluster::create_node(std::size_t group) {
  const scenario::NodeGroup& g = groups_[group];
  std::string zone;
  if (!g.zones.empty()) {
    const auto z = static_cast<std::size_t>(group_next_zone_[group]) % g.zones.size();
    zone = g.zones[z];
    group_next_zone_[group] = static_cast<std::int32_t>((z + 1) % g.zones.size());
  }
  const ZoneId zid = zone.empty() ? kNoZone : zone_id(zone);
  const std::uint32_t subnet = zone.empty() ? 0 : static_cast<std::uint32_t>(index_of(zid)) + 1;
  std::int32_t& count = zone.empty() ? unzoned_nodes_ : zone_node_count_[index_of(zid)];
  KSIM_CHECK(count < 245 && subnet < 256, "cluster: too many nodes for the address plan");
  const std::uint32_t host = 10 + static_cast<std::uint32_t>(count++);
  const std::uint32_t ip = (10u << 24) | (subnet << 8) | host;
  const std::string name = "ip-10-0-" + std::to_string(subnet) + "-" + std::to_string(host);

  const auto id = id_at<NodeId>(nodes_.size());
  Node n;
  n.name = name;
  n.group = g.name;
  n.zone = zid;
  n.ip = ip;
  n.allocatable = g.allocatable;
  n.ready = true;
  n.created = sim_.now();
  n.puller_free_at = sim_.now();
  sched_nodes_.push_back(scheduler_node(g, name, zone));
  n.labels = sched_nodes_.back().labels;
  nodes_.push_back(std::move(n));
  // kubelet setNodeReadyCondition records NodeReady when the condition turns True.
  log(ObjectKind::kNode, name, EventReason::kNodeReady,
      "Node " + name + " status is now: NodeReady");
  return id;
}

NodeId Cluster::add_node(std::string_view group) {
  const auto it = std::find_if(groups_.begin(), groups_.end(),
                               [group](const scenario::NodeGroup& g) { return g.name == group; });
  KSIM_CHECK(it != groups_.end(), "add_node: no such node group");
  const NodeId id = create_node(static_cast<std::size_t>(it - groups_.begin()));
  on_node_added(id);
  return id;
}

void Cluster::log(ObjectKind kind, std::string object, EventReason reason, std::string message) {
  events_.push_back(Event{sim_.now(), kind, std::move(object), reason, std::move(message)});
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
