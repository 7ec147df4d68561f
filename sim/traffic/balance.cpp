// Which pod a request reaches (traffic.h): the entry's per-request
// balancing, kube-proxy's per-connection pick, and the callers' keep-alive
// pools.
#include <algorithm>

#include "impl.h"

namespace ksim::traffic {
namespace {

std::uint64_t key(std::uint64_t a, std::uint32_t b) { return (a << 32) | b; }

}  // namespace

std::optional<cluster::PodId> Traffic::Impl::pick_entry(const Entry& e) {
  const cluster::Service& svc = cluster.service(cluster::id_at<cluster::ServiceId>(e.service));
  const auto& eps = svc.visible;
  if (eps.empty()) return std::nullopt;
  switch (e.balance) {
    case EntryBalance::kPerRequestRoundRobin: {
      // lua-resty-roundrobin over the backend's endpoints, from a random
      // start; when they change the position carries over modulo the new
      // count (ksim's choice; upstream keeps one state per nginx worker).
      std::uint64_t& pos = rr_position[e.service];
      if (pos >= eps.size()) pos %= eps.size();  // (a division only when it wraps)
      return eps[pos++].pod;
    }
    case EntryBalance::kEwma: {
      EwmaBalancer& b = ewma[e.service];
      if (ewma_version[e.service] != svc.visible_version) {
        ewma_version[e.service] = svc.visible_version;
        scratch_pods.clear();
        for (const cluster::Endpoint& ep : eps) scratch_pods.push_back(ep.pod);
        b.sync(scratch_pods, sim.now());
      }
      return b.pick(balance_rng, sim.now());
    }
    case EntryBalance::kPerRequestRandom:
    case EntryBalance::kNewConnection:
      return kube_proxy_pick(e.service, cluster::PodId{kNone});
  }
  return std::nullopt;
}

// A new connection to the Service's ClusterIP from `client` (kNone: from
// outside the cluster): ClientIP affinity first, then the proxy mode's pick
// among the endpoints this node's kube-proxy has programmed.
std::optional<cluster::PodId> Traffic::Impl::kube_proxy_pick(std::uint32_t service,
                                                             cluster::PodId client) {
  const cluster::Service& svc = cluster.service(cluster::id_at<cluster::ServiceId>(service));
  const auto& eps = svc.visible;
  if (eps.empty()) return std::nullopt;
  const bool inside = index_of(client) != kNone;
  std::pair<cluster::PodId, Time>* sticky = nullptr;
  if (client_ip_affinity[service] && inside) {
    // iptables `recent --rcheck --seconds timeout --reap`: the endpoint
    // chosen for this client IP while it was last seen within the timeout.
    auto& slot = affinity[key(cluster.pod(client).ip, service)];
    sticky = &slot;
    const bool fresh =
        slot.second != Time{} && sim.now() - slot.second <= affinity_timeout[service];
    if (fresh && std::any_of(eps.begin(), eps.end(),
                             [&](const cluster::Endpoint& e) { return e.pod == slot.first; })) {
      slot.second = sim.now();
      return slot.first;
    }
  }
  cluster::PodId chosen{};
  if (proxy_mode == scenario::KubeProxyMode::kIpvs) {
    // IPVS rr: one position per (node's virtual server, Service).
    const std::uint64_t node = inside ? index_of(cluster.pod(client).node) : kNone;
    chosen = eps[ipvs_rr[key(node, service)]++ % eps.size()].pod;
  } else {
    // iptables: rule i matches with probability 1/(n-i); nftables: numgen
    // random mod n. Both are one uniform pick (cluster-facts D.1, D.3).
    chosen = eps[balance_rng.below(eps.size())].pod;
  }
  if (sticky != nullptr) *sticky = {chosen, sim.now()};
  return chosen;
}

// Go's Transport.getConn for HTTP/1.1: the most recently returned idle
// connection that is still usable, else a new one (a kube-proxy pick).
std::uint32_t Traffic::Impl::acquire(cluster::PodId client, std::uint32_t service) {
  PodState& ps = pod_state(client);
  if (ps.pools.size() <= service) ps.pools.resize(service + 1);
  Pool& pool = ps.pools[service];
  while (!pool.idle.empty()) {
    const std::uint32_t c = pool.idle.back();
    pool.idle.pop_back();
    const Connection& conn = connections[c];
    // Closed by the server's graceful shutdown, or by the client's idle timer.
    if (!pod_state(conn.backend).terminating &&
        sim.now() - conn.last_used < *options.idle_timeout) {
      return c;
    }
    free_connections.push_back(c);
  }
  const auto backend = kube_proxy_pick(service, client);
  if (!backend) return kNone;
  ++opened;
  std::uint32_t c = 0;
  if (!free_connections.empty()) {
    c = free_connections.back();
    free_connections.pop_back();
  } else {
    c = static_cast<std::uint32_t>(connections.size());
    connections.emplace_back();
  }
  connections[c] = Connection{*backend, sim.now()};
  return c;
}

// Transport.tryPutIdleConn: kept if fewer than MaxIdleConnsPerHost are idle.
void Traffic::Impl::release(cluster::PodId client, std::uint32_t service, std::uint32_t c) {
  Pool& pool = pods[index_of(client)].pools[service];
  if (pool.idle.size() < static_cast<std::size_t>(*options.max_idle_per_host) &&
      !pods[index_of(client)].gone) {
    connections[c].last_used = sim.now();
    pool.idle.push_back(c);
  } else {
    free_connections.push_back(c);
  }
}

}  // namespace ksim::traffic
