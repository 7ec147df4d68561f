// HorizontalPodAutoscaler (autoscaling/v2, and v1 converted) as the HPA
// library's own spec type, and policy/v1 PodDisruptionBudget.
#pragma once

#include <optional>
#include <string>

#include "ksim/control/hpa/types.h"
#include "ksim/sim/manifest/meta.h"

namespace ksim::manifest {

/// `spec` is what control::hpa::reconcile takes, after the API server's
/// defaulting (pkg/apis/autoscaling/v2/defaults.go): minReplicas 1; no
/// metrics -> cpu Utilization 80 %. `behavior` is kept as written: the
/// library applies the behavior defaults itself. An autoscaling/v1 object
/// is converted as the API server does (pkg/apis/autoscaling/v1/conversion.go):
/// targetCPUUtilizationPercentage p -> one Resource cpu Utilization p metric,
/// absent -> 80 %.
struct HorizontalPodAutoscaler {
  Source source;
  ObjectMeta meta;
  std::string api_version;  // as written: autoscaling/v2 or autoscaling/v1
  control::hpa::HpaSpec spec;
};

struct PodDisruptionBudget {
  Source source;
  ObjectMeta meta;
  std::optional<IntOrString> min_available;    // at most one of the two is set
  std::optional<IntOrString> max_unavailable;  // (neither: the budget blocks no eviction)
  /// policy/v1: an absent selector selects no pods, {} selects every pod of the namespace.
  std::optional<LabelSelector> selector;
  std::string unhealthy_pod_eviction_policy;  // "" (IfHealthyBudget) or AlwaysAllow
};

}  // namespace ksim::manifest
