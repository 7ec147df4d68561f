// What Karpenter's pure decisions (control/karpenter) read, built from the
// scenario and the cluster model: NodePools from their manifests, instance
// types from the catalog with the EKS allocatable, pods and nodes from the
// cluster. No decision is taken here.
#pragma once

#include <string_view>
#include <vector>

#include "ksim/control/karpenter/types.h"
#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/manifest/karpenter.h"
#include "ksim/sim/scenario/instance_catalog.h"

namespace ksim::karpenter {

/// The NodePool as control::karpenter reads it: requirements, taints,
/// startupTaints, limits (milli-values back to millicores, bytes, nodes),
/// weight (0 when unset), disruption (consolidateAfter "Never" = nullopt),
/// expireAfter, budgets (durations truncated to whole seconds, the API's
/// granularity).
control::karpenter::NodePool to_control(const manifest::NodePool& pool);

/// Every catalog type with an offering in `region` ("" = every region), in
/// catalog order: capacity = scenario::eks_capacity, allocatable =
/// scenario::eks_allocatable of it; labels kubernetes.io/arch, kubernetes.io/os
/// (linux) and karpenter.k8s.aws/instance-{family,category,generation,size,
/// cpu,memory} derived from the name ("m7g.large": family m7g, category m,
/// generation 7, size large); one offering per catalog offering, available.
std::vector<control::karpenter::InstanceType> instance_types(const scenario::InstanceCatalog& c,
                                                             std::string_view region);

/// The pod as a PodView: requests summed over its containers (unset = 0),
/// nodeSelector, required node-affinity terms, tolerations; uid and the queue
/// tie-break are "namespace/name" and the creation time; daemonset for a
/// DaemonSet's pod.
control::karpenter::PodView pod_view(const cluster::Cluster& c, cluster::PodId pod);
/// The pod's requests summed over its containers (unset = 0), pods = 1:
/// pod_view(c, pod).requests() without building the view.
control::karpenter::Resources pod_requests(const cluster::Cluster& c, cluster::PodId pod);

/// The pod's required node-affinity terms in Karpenter's types (empty: none).
std::vector<std::vector<control::karpenter::Requirement>> required_terms(
    const control::scheduler::Pod& pod);

control::karpenter::Resources to_control(const scenario::Resources& r);
scenario::Resources to_scenario(const control::karpenter::Resources& r);
control::karpenter::Taint to_control(const scenario::Taint& t);
scenario::Taint to_scenario(const manifest::NodeTaint& t);
scenario::Taint to_scenario(const control::karpenter::Taint& t);
control::karpenter::CapacityType to_control(cluster::CapacityType t);
cluster::CapacityType to_cluster(control::karpenter::CapacityType t);

}  // namespace ksim::karpenter
