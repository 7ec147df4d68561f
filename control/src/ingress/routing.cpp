// Shared parts of Ingress routing: names, validation, the per-controller
// dispatch of build_routing and RoutingTable::match.
#include "ksim/control/ingress/routing.h"

#include "common.h"
#include "ksim/control/ingress/patterns.h"

namespace ksim::control::ingress {

std::string_view reason_name(MatchReason r) {
  switch (r) {
    case MatchReason::kExactLocation:
      return "ExactLocation";
    case MatchReason::kPrefixLocation:
      return "PrefixLocation";
    case MatchReason::kListenerRule:
      return "ListenerRule";
    case MatchReason::kDefaultBackend:
      return "DefaultBackend";
    case MatchReason::kNotFound:
      return "NotFound";
  }
  return "?";
}

std::string_view path_type_name(PathType t) {
  switch (t) {
    case PathType::kExact:
      return "Exact";
    case PathType::kPrefix:
      return "Prefix";
    case PathType::kImplementationSpecific:
      return "ImplementationSpecific";
  }
  return "?";
}

std::string_view target_type_name(TargetType t) { return t == TargetType::kIp ? "ip" : "instance"; }

namespace detail {

std::string ingress_ref(const IngressSpec& ing) { return ing.namespace_ + "/" + ing.name; }

std::string backend_text(const Backend& b) {
  return b.service + ":" + (b.port_name.empty() ? std::to_string(b.port_number) : b.port_name);
}

std::string rule_text(PathType type, std::string_view path) {
  std::string s(path_type_name(type));
  s += ' ';
  s += path.empty() ? std::string_view("(no path)") : path;
  return s;
}

std::string lower_host(std::string_view host) {
  std::string s(host);
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

const std::string* annotation(const IngressSpec& ing, std::string_view key) {
  const auto it = ing.annotations.find(key);
  return it == ing.annotations.end() ? nullptr : &it->second;
}

std::optional<bool> parse_go_bool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False")
    return false;
  return std::nullopt;
}

namespace {

std::optional<std::string> validate_backend(const std::string& where, const Backend& b) {
  if (b.service.empty())
    return where + ": backend has no service (resource backends are not routed by ksim)";
  if ((b.port_number > 0) == !b.port_name.empty())
    return where + ": backend service " + b.service +
           " needs exactly one of port.number (> 0) and port.name";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> validate_spec(const IngressSpec& ing) {
  const std::string ref = "Ingress " + ingress_ref(ing);
  if (ing.default_backend) {
    if (auto e = validate_backend(ref + " spec.defaultBackend", *ing.default_backend)) return e;
  }
  for (std::size_t r = 0; r < ing.rules.size(); ++r) {
    const RuleSpec& rule = ing.rules[r];
    const std::string rule_where = ref + " spec.rules[" + std::to_string(r) + "]";
    // API validation (ValidateIngressSpec): a wildcard is only a whole first label.
    const auto star = rule.host.find('*');
    if (star != std::string::npos &&
        (star != 0 || !rule.host.starts_with("*.") || rule.host.find('*', 1) != std::string::npos))
      return rule_where + ".host \"" + rule.host +
             "\": a wildcard host must be \"*.\" followed by a DNS name";
    for (std::size_t p = 0; p < rule.paths.size(); ++p) {
      const PathSpec& path = rule.paths[p];
      const std::string where = rule_where + ".http.paths[" + std::to_string(p) + "]";
      // API validation (validateIngressHTTPPath): a path, when given, is absolute.
      if (!path.path.empty() && !path.path.starts_with('/'))
        return where + ".path \"" + path.path + "\": must be an absolute path";
      if (path.path.empty() && path.type != PathType::kImplementationSpecific)
        return where + ".path: required for pathType " + std::string(path_type_name(path.type));
      if (auto e = validate_backend(where, path.backend)) return e;
    }
  }
  return std::nullopt;
}

}  // namespace detail

Match RoutingTable::match(std::string_view host, std::string_view path) const {
  return controller_ == Controller::kNginx ? nginx_match(host, path) : alb_match(host, path);
}

Match RoutingTable::route_match(std::size_t route, MatchReason reason,
                                std::string_view message) const {
  const Route& r = routes_[route];
  Match m;
  m.reason = reason;
  m.ingress_index = r.ingress_index;
  m.ingress = r.ingress;
  m.backend = &r.backend;
  m.target_type = r.target_type;
  m.rule = r.rule;
  m.message = message;
  return m;
}

std::expected<RoutingTable, std::string> build_routing(std::span<const IngressSpec> ingresses,
                                                       Controller c) {
  if (c == Controller::kNginx) return build_nginx_routing(ingresses);
  auto tables = build_alb_routing(ingresses);
  if (!tables) return std::unexpected(std::move(tables.error()));
  if (tables->empty()) {
    RoutingTable empty;
    empty.controller_ = Controller::kAlb;
    empty.default_message_ =
        "No ALB Ingress exists; there is no listener to route the request (404).";
    return empty;
  }
  if (tables->size() > 1) {
    std::string groups;
    for (const auto& t : *tables) groups += (groups.empty() ? "" : ", ") + t.group();
    return std::unexpected("the ALB Ingresses form " + std::to_string(tables->size()) +
                           " IngressGroups (" + groups +
                           "), one ALB each; route per group with build_alb_routing");
  }
  return std::move(tables->front());
}

}  // namespace ksim::control::ingress
