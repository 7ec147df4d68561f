// Namespaces and the workload kinds: apps/v1 Deployment and StatefulSet, with
// the API server's defaults (pkg/apis/apps/v1/defaults.go).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksim/sim/manifest/meta.h"
#include "ksim/sim/manifest/pod.h"

namespace ksim::manifest {

/// v1 Namespace (cluster-scoped: meta.namespace_ is "").
struct Namespace {
  Source source;
  ObjectMeta meta;
};

enum class DeploymentStrategyType { kRollingUpdate, kRecreate };

/// spec.strategy.rollingUpdate; both default to 25% (RollingUpdate only).
struct RollingUpdate {
  IntOrString max_surge = IntOrString::of_string("25%");
  IntOrString max_unavailable = IntOrString::of_string("25%");
};

struct Deployment {
  Source source;
  ObjectMeta meta;
  std::int32_t replicas = 1;  // default 1
  LabelSelector selector;     // required in apps/v1, must match template.labels
  PodTemplate template_;
  DeploymentStrategyType strategy = DeploymentStrategyType::kRollingUpdate;
  RollingUpdate rolling_update;                  // meaningful for kRollingUpdate
  std::int32_t min_ready_seconds = 0;            // default 0
  std::int32_t progress_deadline_seconds = 600;  // default 600
};

enum class PodManagementPolicy { kOrderedReady, kParallel };  // default OrderedReady
enum class StatefulSetUpdateStrategy { kRollingUpdate, kOnDelete };

/// One volumeClaimTemplates entry: its name and requested storage (milli-bytes).
struct VolumeClaimTemplate {
  std::string name;
  std::optional<std::int64_t> storage_request_milli;
};

struct StatefulSet {
  Source source;
  ObjectMeta meta;
  std::int32_t replicas = 1;
  LabelSelector selector;
  PodTemplate template_;
  std::string service_name;  // the governing (usually headless) Service
  PodManagementPolicy pod_management_policy = PodManagementPolicy::kOrderedReady;
  StatefulSetUpdateStrategy update_strategy = StatefulSetUpdateStrategy::kRollingUpdate;
  std::int32_t partition = 0;  // rollingUpdate.partition, default 0
  std::vector<VolumeClaimTemplate> volume_claim_templates;
};

}  // namespace ksim::manifest
