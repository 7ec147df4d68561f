// Everything one load read: the modelled kinds as value types, in load order
// (files by name, documents in file order), and every other object listed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/sim/manifest/autoscaling.h"
#include "ksim/sim/manifest/karpenter.h"
#include "ksim/sim/manifest/meta.h"
#include "ksim/sim/manifest/networking.h"
#include "ksim/sim/manifest/workloads.h"

namespace ksim::manifest {

/// An object of a kind ksim does not model (ConfigMap, Secret, ServiceAccount,
/// NetworkPolicy, Karpenter NodeClaim, ...): kept so that a run
/// summary can list it; never dropped silently.
struct NotModelled {
  Source source;
  std::string api_version;
  std::string kind;
  std::string namespace_;  // "" for cluster-scoped kinds
  std::string name;
};

struct ManifestSet {
  std::vector<Namespace> namespaces;
  std::vector<Deployment> deployments;
  std::vector<StatefulSet> stateful_sets;
  std::vector<DaemonSet> daemon_sets;
  std::vector<Service> services;
  std::vector<Ingress> ingresses;
  std::vector<HorizontalPodAutoscaler> hpas;
  std::vector<PodDisruptionBudget> pdbs;
  std::vector<NodePool> node_pools;            // karpenter.sh/v1
  std::vector<EC2NodeClass> ec2_node_classes;  // karpenter.k8s.aws/v1
  std::vector<NotModelled> not_modelled;

  /// Number of objects read, modelled or not.
  [[nodiscard]] std::size_t size() const;
  /// nullptr when absent.
  [[nodiscard]] const Deployment* find_deployment(std::string_view ns, std::string_view name) const;
  [[nodiscard]] const Service* find_service(std::string_view ns, std::string_view name) const;
};

}  // namespace ksim::manifest
