// Namespaces and the workload kinds: apps/v1 Deployment, StatefulSet and
// DaemonSet, with the API server's defaults (pkg/apis/apps/v1/defaults.go).
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

enum class DaemonSetUpdateStrategy { kRollingUpdate, kOnDelete };  // default RollingUpdate

/// apps/v1 DaemonSet: one pod per eligible node (the cluster model's daemon
/// controller). Defaults are SetDefaults_DaemonSet's: RollingUpdate with
/// maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10.
struct DaemonSet {
  Source source;
  ObjectMeta meta;
  LabelSelector selector;  // required in apps/v1, must match template.labels
  PodTemplate template_;
  DaemonSetUpdateStrategy update_strategy = DaemonSetUpdateStrategy::kRollingUpdate;
  IntOrString max_unavailable = IntOrString::of_int(1);  // rollingUpdate, default 1
  IntOrString max_surge = IntOrString::of_int(0);        // rollingUpdate, default 0
  std::int32_t min_ready_seconds = 0;                    // default 0
  std::int32_t revision_history_limit = 10;              // default 10
};

}  // namespace ksim::manifest
