// Ids of the cluster model's objects: indices into the Cluster's flat vectors
// (an object keeps its id for the whole run, even after it is gone), behind
// enum classes so that a pod id cannot index the nodes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ksim::cluster {

enum class NodeId : std::uint32_t {};
enum class PodId : std::uint32_t {};
enum class ReplicaSetId : std::uint32_t {};
enum class DeploymentId : std::uint32_t {};
enum class ServiceId : std::uint32_t {};
enum class StatefulSetId : std::uint32_t {};
enum class DaemonSetId : std::uint32_t {};
/// A PodDisruptionBudget (policy/v1).
enum class PdbId : std::uint32_t {};
/// An index into Cluster::zones() (topology.kubernetes.io/zone values).
enum class ZoneId : std::uint32_t {};

inline constexpr NodeId kNoNode{UINT32_MAX};
inline constexpr PodId kNoPod{UINT32_MAX};
/// Pod::replica_set of a pod no ReplicaSet owns (a StatefulSet's).
inline constexpr ReplicaSetId kNoReplicaSet{UINT32_MAX};
/// Pod::stateful_set of a pod no StatefulSet owns (a Deployment's).
inline constexpr StatefulSetId kNoStatefulSet{UINT32_MAX};
/// Pod::daemon_set of a pod no DaemonSet owns.
inline constexpr DaemonSetId kNoDaemonSet{UINT32_MAX};
inline constexpr ZoneId kNoZone{UINT32_MAX};

template <class Id>
constexpr std::size_t index_of(Id id) {
  return static_cast<std::size_t>(id);
}
template <class Id>
constexpr Id id_at(std::size_t i) {
  return static_cast<Id>(static_cast<std::uint32_t>(i));
}

}  // namespace ksim::cluster
