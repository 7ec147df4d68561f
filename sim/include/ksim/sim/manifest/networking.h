// v1 Service and networking.k8s.io/v1 Ingress, with the API server's defaults
// (pkg/apis/core/v1/defaults.go SetDefaults_Service).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksim/sim/manifest/meta.h"

namespace ksim::manifest {

enum class ServiceType {
  kClusterIP,
  kNodePort,
  kLoadBalancer,
  kExternalName
};                                                // default ClusterIP
enum class SessionAffinity { kNone, kClientIP };  // default None

struct ServicePort {
  std::string name;  // required when the Service has more than one port
  std::int32_t port = 0;
  IntOrString target_port;  // defaults to `port`; a string names a container port
  std::string protocol = "TCP";
  std::optional<std::int32_t> node_port;
};

struct Service {
  Source source;
  ObjectMeta meta;
  ServiceType type = ServiceType::kClusterIP;
  std::string cluster_ip;  // as written ("" = allocated by the cluster)
  bool headless = false;   // clusterIP: None
  LabelMap selector;       // empty: no endpoints are managed for it
  std::vector<ServicePort> ports;
  SessionAffinity session_affinity = SessionAffinity::kNone;
  /// sessionAffinityConfig.clientIP.timeoutSeconds; 10800 by default for
  /// ClientIP, nullopt for None (the API sets no value then).
  std::optional<std::int32_t> session_affinity_timeout_seconds;
  std::string external_name;  // type ExternalName
};

enum class PathType { kExact, kPrefix, kImplementationSpecific };

/// An Ingress backend: a Service (port by number or by name) or a resource.
struct IngressBackend {
  std::string service_name;  // "" for a resource backend
  std::optional<std::int32_t> port_number;
  std::string port_name;      // exactly one of port_number / port_name is set
  std::string resource_kind;  // backend.resource (not routed by ksim)
  std::string resource_name;
};

struct IngressPath {
  std::string path;  // "/" when omitted for ImplementationSpecific (API: path is optional)
  PathType path_type = PathType::kPrefix;
  IngressBackend backend;
};

struct IngressRule {
  std::string host;  // "" = every host
  std::vector<IngressPath> paths;
};

struct Ingress {
  Source source;
  ObjectMeta meta;  // annotations carry the controller settings (alb.ingress..., nginx...)
  /// spec.ingressClassName, else the legacy annotation kubernetes.io/ingress.class,
  /// else "" (the cluster's default IngressClass).
  std::string ingress_class;
  std::optional<IngressBackend> default_backend;
  std::vector<IngressRule> rules;
};

}  // namespace ksim::manifest
