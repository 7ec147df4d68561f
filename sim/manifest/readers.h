// Internal: one reader per modelled kind. Each reads `root` (the whole object)
// and reports problems to the Field's sink; metadata and source are filled in
// by the loader. A returned value is kept only when no error was reported.
#pragma once

#include "ksim/sim/manifest/autoscaling.h"
#include "ksim/sim/manifest/karpenter.h"
#include "ksim/sim/manifest/networking.h"
#include "ksim/sim/manifest/pod.h"
#include "ksim/sim/manifest/workloads.h"
#include "reader.h"

namespace ksim::manifest::detail {

/// spec.template of a workload (`tpl` is the template mapping).
PodTemplate read_pod_template(const Field& tpl);
/// affinity.nodeAffinity and spec.tolerations (scheduling.cpp).
NodeAffinity read_node_affinity(const Field& f);
std::vector<Toleration> read_tolerations(const Field& f);
/// A container or probe port: 1..65535 or an IANA service name ("http").
std::optional<IntOrString> read_port_ref(const Field& f);
/// A port number 1..65535.
std::optional<std::int32_t> read_port_number(const Field& f);

Deployment read_deployment(const Field& root);
StatefulSet read_stateful_set(const Field& root);
DaemonSet read_daemon_set(const Field& root);
Service read_service(const Field& root);
Ingress read_ingress(const Field& root);
/// `api_version` is autoscaling/v2 or autoscaling/v1 (converted to v2).
HorizontalPodAutoscaler read_hpa(const Field& root, std::string_view api_version);
/// spec.behavior of an autoscaling/v2 HPA (hpa_behavior.cpp).
control::hpa::Behavior read_hpa_behavior(const Field& f);
PodDisruptionBudget read_pdb(const Field& root);

// Karpenter (karpenter_fields.cpp, karpenter_nodepool.cpp, karpenter_nodeclass.cpp).
/// A Go duration ("1h30m", "0s"), or "Never" when `allow_never`.
std::optional<KarpenterDuration> read_karpenter_duration(const Field& f, bool allow_never);
/// NodePool requirements: Karpenter's operators (Gte, Lte too) and minValues.
std::vector<NodePoolRequirement> read_karpenter_requirements(const Field& f);
std::vector<NodeTaint> read_node_taints(const Field& f);
NodePool read_node_pool(const Field& root);
EC2NodeClass read_ec2_node_class(const Field& root);

}  // namespace ksim::manifest::detail
