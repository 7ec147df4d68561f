// What the cluster model derives from a workload's pod template: the
// scheduler's view of its pods, the ReplicaSet and pod names, the kubelet's
// per-container start plan (image, pull policy, readiness delay), and the
// node objects of a node group.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/control/scheduler/types.h"
#include "ksim/sim/kernel/random.h"
#include "ksim/sim/kernel/time.h"
#include "ksim/sim/manifest/pod.h"
#include "ksim/sim/manifest/workloads.h"
#include "ksim/sim/scenario/node_group.h"
#include "ksim/sim/scenario/timings.h"

namespace ksim::cluster {

/// upstream k8s.io/apimachinery/pkg/util/rand: the alphabet of generated name
/// suffixes and of SafeEncodeString (no vowels, no 0, 1, 3).
inline constexpr std::string_view kNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

/// rand.SafeEncodeString: every byte b replaced by kNameAlphabet[b % 27].
std::string safe_encode(std::string_view s);

/// utilrand.String(n): n characters of kNameAlphabet (the generateName
/// suffix of a pod is 5 of them).
std::string random_suffix(Rng& rng, int n = 5);

/// The pod-template-hash label of the Deployment's ReplicaSet. Upstream
/// hashes the Go dump of the template (controller.ComputeHash: FNV-32a, then
/// SafeEncodeString of its decimal form); this hashes the Deployment's
/// namespace, name and images the same way: stable per Deployment.
std::string pod_template_hash(const manifest::Deployment& d);

/// The controller-revision-hash label of a StatefulSet's pods: the name of
/// its ControllerRevision, "<set>-<hash>" (history.ControllerRevisionName;
/// upstream hashes the revision's data with FNV-32a, then SafeEncodeString;
/// this hashes the namespace, name and images, as pod_template_hash does).
std::string controller_revision_hash(const manifest::StatefulSet& s);
/// The controller-revision-hash label of a DaemonSet's pods: the hash alone
/// (the daemon controller labels its pods with ComputeHash of the template),
/// computed as pod_template_hash does.
std::string controller_revision_hash(const manifest::DaemonSet& d);

/// The scheduler's view of a pod of the template, without name and labels:
/// the regular containers' cpu and memory requests (unset stays unset),
/// nodeSelector, required and preferred node affinity, tolerations.
control::scheduler::Pod scheduler_pod(const manifest::PodTemplate& t, std::string_view ns);

/// A label selector in the scheduler's types.
control::scheduler::LabelSelector scheduler_selector(const manifest::LabelSelector& s);

/// upstream helper.DefaultSelector for a pod of a ReplicaSet: the union of
/// the selecting Services' selectors plus the ReplicaSet's requirements.
control::scheduler::LabelSelector default_spread_selector(
    const std::vector<const manifest::LabelMap*>& service_selectors,
    const manifest::LabelSelector& replica_set_selector);

/// How the kubelet starts one container.
struct ContainerPlan {
  std::string name;
  std::string image;
  /// imagePullPolicy default (core/v1 SetDefaults_Container): Always for a
  /// ":latest" or untagged image, else IfNotPresent.
  bool pull_always = false;
  /// From container start to the readiness probe's successThreshold-th
  /// success, the app being healthy: initialDelay + (successThreshold - 1) x
  /// period; 0 without a readiness probe (Ready as soon as it runs).
  Duration ready_after_start{};
};

/// The readiness probe fields of `c`, each overridden by the scenario's
/// timings where set (a container without a probe stays without).
ContainerPlan container_plan(const manifest::Container& c, const scenario::ProbeOverride& o);

/// The default pull policy of an image reference.
bool pulls_always(std::string_view image);

/// A node of a group: its labels (the group's, kubernetes.io/hostname,
/// kubernetes.io/os, kubernetes.io/arch, node.kubernetes.io/instance-type,
/// topology.kubernetes.io/zone when zoned), allocatable and taints, no pods.
control::scheduler::Node scheduler_node(const scenario::NodeGroup& g, std::string_view name,
                                        std::string_view zone);

}  // namespace ksim::cluster
