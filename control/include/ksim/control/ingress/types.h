// Value types of Ingress routing (networking.k8s.io/v1 Ingress as ingress-nginx
// and the AWS Load Balancer Controller read it). They mirror what the manifest
// loader produces (sim/manifest/networking.h) without depending on it: control/
// links only the standard library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ksim::control::ingress {

/// Which controller serves an Ingress (its IngressClass): ingress-nginx, or the
/// AWS Load Balancer Controller provisioning an Application Load Balancer.
enum class Controller { kNginx, kAlb };

/// networking/v1 PathType. The manifest loader maps a missing pathType to
/// ImplementationSpecific, as the API server's defaulting does.
enum class PathType { kExact, kPrefix, kImplementationSpecific };

/// alb.ingress.kubernetes.io/target-type: `instance` (the default) registers
/// the nodes on the Service's NodePort (kube-proxy picks the pod); `ip`
/// registers pod IPs. Meaningless for ingress-nginx (kInstance there).
enum class TargetType { kInstance, kIp };

/// A Service backend. Exactly one of port_number (> 0) / port_name is set.
struct Backend {
  std::string service;
  std::int32_t port_number = 0;
  std::string port_name;
  friend bool operator==(const Backend&, const Backend&) = default;
};

struct PathSpec {
  std::string path;  // "" means "/" (ingress-nginx) or "no path condition" (ALB)
  PathType type = PathType::kPrefix;
  Backend backend;
};

struct RuleSpec {
  std::string host;  // "" = every host; "*.foo.com" = one label wildcard
  std::vector<PathSpec> paths;
};

/// Annotations ksim reads (metadata.annotations). Any other annotation is
/// ignored by routing.
inline constexpr std::string_view kNginxUseRegex = "nginx.ingress.kubernetes.io/use-regex";
inline constexpr std::string_view kNginxRewriteTarget =
    "nginx.ingress.kubernetes.io/rewrite-target";
inline constexpr std::string_view kNginxCanary = "nginx.ingress.kubernetes.io/canary";
inline constexpr std::string_view kAlbGroupName = "alb.ingress.kubernetes.io/group.name";
inline constexpr std::string_view kAlbGroupOrder = "alb.ingress.kubernetes.io/group.order";
inline constexpr std::string_view kAlbTargetType = "alb.ingress.kubernetes.io/target-type";

/// One Ingress object.
struct IngressSpec {
  std::string namespace_ = "default";
  std::string name;
  Controller controller = Controller::kNginx;
  std::vector<RuleSpec> rules;
  std::optional<Backend> default_backend;  // spec.defaultBackend
  std::map<std::string, std::string, std::less<>> annotations;
};

/// Why a request went where it went (house style 2).
enum class MatchReason {
  kExactLocation,   // nginx: `location = p` (an Exact path, or a Prefix path's exact twin)
  kPrefixLocation,  // nginx: the longest prefix location that is a prefix of the path
  kListenerRule,    // ALB: the first listener rule (by priority) whose conditions hold
  kDefaultBackend,  // no path matched; an Ingress's spec.defaultBackend serves it
  kNotFound,        // no path matched: nginx's default backend / ALB's fixed response, 404
};

std::string_view reason_name(MatchReason r);
std::string_view path_type_name(PathType t);      // "Exact", "Prefix", "ImplementationSpecific"
std::string_view target_type_name(TargetType t);  // "instance", "ip"

inline constexpr std::size_t kNoIngress = std::numeric_limits<std::size_t>::max();

/// The routing decision for one request. The views and the pointer refer into
/// the RoutingTable that produced it: valid while that table is alive and
/// unmodified (match() allocates nothing).
struct Match {
  MatchReason reason = MatchReason::kNotFound;
  std::size_t ingress_index = kNoIngress;  // index in the span given to build_*
  std::string_view ingress;                // "namespace/name"; empty for kNotFound
  const Backend* backend = nullptr;        // null for kNotFound
  TargetType target_type = TargetType::kInstance;
  std::string_view rule;     // "Prefix /api/v1/products", "defaultBackend", "" for kNotFound
  std::string_view message;  // one sentence saying why
  [[nodiscard]] bool matched() const { return reason != MatchReason::kNotFound; }
  /// 404 when nothing matched (both controllers answer with a 404), else 0:
  /// the backend answers.
  [[nodiscard]] int status_code() const { return matched() ? 0 : 404; }
};

}  // namespace ksim::control::ingress
