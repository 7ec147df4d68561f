// Services and their EndpointSlices (cluster-facts D.5): a pod is a ready
// endpoint of every Service selecting it from the moment it is Ready until
// its deletion starts (terminating endpoints are not ready). Consumers
// (kube-proxy rules, ingress controllers) see each change after the
// scenario's endpoint propagation delay (EndpointSlice controller, watch,
// kube-proxy's minSyncPeriod), drawn per change from the pod's stream; the
// changes of one pod reach consumers in order.
#include <algorithm>

#include "ksim/sim/cluster/cluster.h"

namespace ksim::cluster {

// Every Service but ExternalName ones manages endpoints; a headless Service
// (clusterIP: None) too: only its ClusterIP is missing.
void Cluster::build_services(const scenario::Scenario& s) {
  for (const manifest::Service& svc : s.manifests.services) {
    if (svc.type == manifest::ServiceType::kExternalName) continue;
    services_.push_back(Service{svc.meta.name, svc.meta.namespace_, svc.selector, {}, {}});
  }
}

Endpoint Cluster::endpoint_of(PodId pod) const {
  const Pod& p = pods_[index_of(pod)];
  return Endpoint{pod, p.node, nodes_[index_of(p.node)].zone, p.ip};
}

void Cluster::add_endpoints(PodId pod) {
  const Endpoint ep = endpoint_of(pod);
  for (const ServiceId s : owner_of(pods_[index_of(pod)]).services) {
    services_[index_of(s)].ready.push_back(ep);
  }
}

void Cluster::remove_endpoints(PodId pod) {
  for (const ServiceId s : owner_of(pods_[index_of(pod)]).services) {
    std::erase_if(services_[index_of(s)].ready, [pod](const Endpoint& e) { return e.pod == pod; });
  }
}

void Cluster::propagate(PodId pod, bool visible) {
  Pod& p = pods_[index_of(pod)];
  const Duration delay = timings_.endpoint_propagation_ms.sample_duration(p.rng);
  const Time at = std::max(sim_.now() + delay, p.endpoint_change_at);
  p.endpoint_change_at = at;
  sim_.schedule_at(at, [this, pod, visible] { apply_visibility(pod, visible); });
}

void Cluster::apply_visibility(PodId pod, bool visible) {
  Pod& p = pods_[index_of(pod)];
  p.endpoint_visible = visible;
  const Endpoint ep = endpoint_of(pod);
  const std::string what = p.name + " " + format_ip(p.ip) + " on " + nodes_[index_of(p.node)].name +
                           (ep.zone == kNoZone ? "" : " (" + zones_[index_of(ep.zone)] + ")");
  for (const ServiceId s : owner_of(p).services) {
    Service& svc = services_[index_of(s)];
    if (visible) {
      svc.visible.push_back(ep);
    } else {
      std::erase_if(svc.visible, [pod](const Endpoint& e) { return e.pod == pod; });
    }
    ++svc.visible_version;
    log(ObjectKind::kService, svc.namespace_ + "/" + svc.name,
        visible ? EventReason::kEndpointReady : EventReason::kEndpointRemoved, what);
  }
}

}  // namespace ksim::cluster
