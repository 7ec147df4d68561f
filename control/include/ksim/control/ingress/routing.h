// Ingress routing: which Service backend a request (Host, path) reaches, as
// ingress-nginx (one nginx for every Ingress of its class) and the AWS Load
// Balancer Controller (one ALB per IngressGroup) decide it. Pure: Ingress specs
// in, a table out; a request in, a Match with its reason out.
//
// One table per entry point:
// - ingress-nginx: every kNginx Ingress goes into one table (one ingress class,
//   one controller). The span's order is the Ingresses' creation order, which
//   decides duplicate paths (upstream store sortIngressSlice: oldest first).
// - ALB: one table per IngressGroup: `group.name` names an explicit group, an
//   Ingress without it is a group of its own ("namespace/name").
//
// Not modelled, and refused with an error naming the Ingress: nginx regex paths
// (use-regex, rewrite-target), nginx canaries, ALB `use-annotation` actions,
// resource backends.
#pragma once

#include <cstddef>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/control/ingress/types.h"

namespace ksim::control::ingress {

/// One Ingress path (or spec.defaultBackend) as a routing target.
struct Route {
  std::size_t ingress_index = 0;  // in the span given to build_*
  std::string ingress;            // "namespace/name"
  std::string host;               // the rule's host as written; "" = every host
  PathType path_type = PathType::kPrefix;
  std::string path;
  Backend backend;
  TargetType target_type = TargetType::kInstance;
  std::string rule;  // "Prefix /api/v1/products", or "defaultBackend"
};

/// An nginx location of one server. `route` is kNoIngress for the controller's
/// default backend (404).
struct NginxLocation {
  MatchReason reason =
      MatchReason::kPrefixLocation;  // kExact/kPrefixLocation, kDefaultBackend, kNotFound
  std::string path;                  // `= path` when reason is kExactLocation, else a prefix
  std::size_t route = kNoIngress;
  std::string message;
};

/// An nginx server block: server_name and its locations. Every server has a
/// root location "/" (the default backend unless an Ingress path or
/// defaultBackend claims it).
struct NginxServer {
  std::string name;  // lower-cased host, "*.foo.com", or "_" (catch-all)
  std::vector<NginxLocation> locations;
};

/// An ALB listener rule: a host-header condition (empty = none) and a
/// path-pattern condition (no patterns = none); either pattern may match.
struct AlbRule {
  std::string host;
  std::vector<std::string> path_patterns;
  std::size_t route = 0;
  std::string message;
};

class RoutingTable {
 public:
  [[nodiscard]] Controller controller() const { return controller_; }
  /// ALB: the IngressGroup (group.name, or "namespace/name" for an implicit
  /// group). nginx: "".
  [[nodiscard]] const std::string& group() const { return group_; }
  /// Every routing target. ALB: in listener rule priority order (rule i is
  /// priority i + 1), then the default backend if one exists.
  [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }
  /// nginx only: servers sorted by name (as upstream writes them).
  [[nodiscard]] const std::vector<NginxServer>& servers() const { return servers_; }
  /// ALB only: listener rules by priority.
  [[nodiscard]] const std::vector<AlbRule>& rules() const { return rules_; }

  /// Routes one request. `host` is the Host header (a `:port` suffix and case
  /// are ignored); `path` the request target (a `?query` is ignored). The path
  /// is matched as given: no percent-decoding, no `//` or `..` merging.
  [[nodiscard]] Match match(std::string_view host, std::string_view path) const;

 private:
  friend std::expected<RoutingTable, std::string> build_nginx_routing(
      std::span<const IngressSpec> ingresses);
  friend std::expected<std::vector<RoutingTable>, std::string> build_alb_routing(
      std::span<const IngressSpec> ingresses);
  friend std::expected<RoutingTable, std::string> build_routing(
      std::span<const IngressSpec> ingresses, Controller c);

  [[nodiscard]] Match nginx_match(std::string_view host, std::string_view path) const;
  [[nodiscard]] Match alb_match(std::string_view host, std::string_view path) const;
  [[nodiscard]] Match route_match(std::size_t route, MatchReason reason,
                                  std::string_view message) const;

  Controller controller_ = Controller::kNginx;
  std::string group_;
  std::vector<Route> routes_;
  std::vector<NginxServer> servers_;  // nginx
  std::vector<AlbRule> rules_;        // ALB
  std::size_t alb_default_route_ = kNoIngress;
  std::string default_message_;  // ALB listener default action
};

/// ingress-nginx: the one table of every kNginx Ingress in `ingresses` (others
/// are skipped; their indices still count). Errors name the Ingress and field.
std::expected<RoutingTable, std::string> build_nginx_routing(
    std::span<const IngressSpec> ingresses);

/// ALB: one table per IngressGroup of the kAlb Ingresses, sorted by group.
std::expected<std::vector<RoutingTable>, std::string> build_alb_routing(
    std::span<const IngressSpec> ingresses);

/// The single entry point of controller `c`: build_nginx_routing, or the one
/// IngressGroup of the ALB Ingresses (an error when they form several groups;
/// use build_alb_routing then). With no Ingress of `c`, a table where every
/// request is kNotFound.
std::expected<RoutingTable, std::string> build_routing(std::span<const IngressSpec> ingresses,
                                                       Controller c);

}  // namespace ksim::control::ingress
