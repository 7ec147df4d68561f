// The disruption controller's arithmetic for one PodDisruptionBudget
// (upstream: pkg/controller/disruption/disruption.go getExpectedPodCount,
// getExpectedScale, countHealthyPods, updatePdbStatus). Pure: counts in,
// the status numbers out; the Cluster gathers the counts.
#pragma once

#include <cstdint>
#include <optional>

#include "ksim/sim/manifest/meta.h"

namespace ksim::cluster {

/// What a PDB's selected pods look like to the disruption controller.
struct PdbCounts {
  /// Selected pods in the API, terminating ones included (len(pods)).
  std::int32_t selected = 0;
  /// getExpectedScale: the sum of spec.replicas of the controllers owning the
  /// selected pods, each controller once (a Deployment's pods count the
  /// Deployment's scale, not its ReplicaSet's).
  std::int32_t controller_scale = 0;
  /// countHealthyPods: selected pods not being deleted whose Ready condition
  /// is True (no eviction API yet, so no DisruptedPods to leave out).
  std::int32_t healthy = 0;
};

/// policy/v1 PodDisruptionBudgetStatus's numbers.
struct PdbStatus {
  std::int32_t expected_pods = 0;
  std::int32_t desired_healthy = 0;
  std::int32_t current_healthy = 0;
  std::int32_t disruptions_allowed = 0;
  friend bool operator==(const PdbStatus&, const PdbStatus&) = default;
};

/// getExpectedPodCount then updatePdbStatus:
///   maxUnavailable set:   expected = controller_scale, desired = max(0,
///                         expected - maxUnavailable), a percentage of
///                         expected rounded up;
///   minAvailable integer: expected = selected, desired = minAvailable;
///   minAvailable percent: expected = controller_scale, desired = that
///                         percentage of expected rounded up;
///   neither:              expected = desired = 0.
/// disruptions_allowed = healthy - desired, 0 when negative or when
/// expected <= 0. Precondition: at most one of the two is set; a string is
/// a percentage (the manifest loader checked both).
PdbStatus pdb_status(const std::optional<manifest::IntOrString>& min_available,
                     const std::optional<manifest::IntOrString>& max_unavailable,
                     const PdbCounts& counts);

}  // namespace ksim::cluster
