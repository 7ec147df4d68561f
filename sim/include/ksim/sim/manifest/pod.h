// The pod template of a Deployment or StatefulSet (core/v1 PodTemplateSpec),
// reduced to what the cluster model reads, with the API server's defaults.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ksim/sim/manifest/meta.h"

namespace ksim::manifest {

enum class ProbeHandler { kHttpGet, kTcpSocket, kExec, kGrpc };

/// core/v1 Probe. Defaults are the API's (SetDefaults_Probe): period 10 s,
/// timeout 1 s, success 1, failure 3; initialDelaySeconds 0.
struct Probe {
  ProbeHandler handler = ProbeHandler::kHttpGet;
  std::string path;                        // httpGet.path; "/" when omitted (kubelet requests "/")
  std::string scheme = "HTTP";             // httpGet.scheme (API default HTTP)
  IntOrString port;                        // httpGet/tcpSocket: number or container port name
  std::vector<std::string> command;        // exec.command
  std::int32_t initial_delay_seconds = 0;  // all in seconds
  std::int32_t period_seconds = 10;
  std::int32_t timeout_seconds = 1;
  std::int32_t success_threshold = 1;
  std::int32_t failure_threshold = 3;
};

struct ContainerPort {
  std::string name;  // "" when unnamed
  std::int32_t container_port = 0;
  std::string protocol = "TCP";  // API default
};

/// One container. Resources are milli-values by resource name ("cpu" 500m ->
/// 500, "memory" 128Mi -> 134217728000), as the HPA library keeps them.
/// A resource with a limit but no request gets request = limit (the API
/// server's SetDefaults_Pod, applied to every pod created from the template).
struct Container {
  std::string name;
  std::string image;
  std::vector<ContainerPort> ports;
  std::map<std::string, std::int64_t> requests_milli;
  std::map<std::string, std::int64_t> limits_milli;
  std::optional<Probe> readiness_probe;
  std::optional<Probe> liveness_probe;
  std::optional<Probe> startup_probe;
};

enum class NodeSelectorOperator { kIn, kNotIn, kExists, kDoesNotExist, kGt, kLt };

struct NodeSelectorRequirement {
  std::string key;  // e.g. kubernetes.io/arch, topology.kubernetes.io/zone
  NodeSelectorOperator op = NodeSelectorOperator::kIn;
  std::vector<std::string> values;
};
/// Requirements of one term are ANDed.
struct NodeSelectorTerm {
  std::vector<NodeSelectorRequirement> match_expressions;
};
struct PreferredTerm {
  std::int32_t weight = 0;  // 1..100
  NodeSelectorTerm term;
};
/// affinity.nodeAffinity: a node must match ANY required term.
struct NodeAffinity {
  std::vector<NodeSelectorTerm> required;  // requiredDuringSchedulingIgnoredDuringExecution
  std::vector<PreferredTerm> preferred;    // preferredDuringSchedulingIgnoredDuringExecution
};

enum class TolerationOperator { kEqual, kExists };
enum class TaintEffect { kAll, kNoSchedule, kPreferNoSchedule, kNoExecute };  // kAll: effect ""

struct Toleration {
  std::string key;                                     // "" with kExists: tolerates every taint
  TolerationOperator op = TolerationOperator::kEqual;  // API default Equal
  std::string value;
  TaintEffect effect = TaintEffect::kAll;
  std::optional<std::int64_t> toleration_seconds;  // NoExecute only
};

struct PodTemplate {
  LabelMap labels;
  LabelMap annotations;
  std::vector<Container> containers;
  std::vector<Container> init_containers;
  LabelMap node_selector;
  NodeAffinity node_affinity;
  std::vector<Toleration> tolerations;
  std::int64_t termination_grace_period_seconds = 30;  // API default
  std::string service_account_name;                    // "" = the namespace's "default"
};

}  // namespace ksim::manifest
