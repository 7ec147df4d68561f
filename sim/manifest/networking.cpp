// Reading v1 Service and networking.k8s.io/v1 Ingress with the API server's
// defaults (pkg/apis/core/v1/defaults.go SetDefaults_Service) and validation
// (pkg/apis/core/validation ValidateService, pkg/apis/networking/validation).
#include <set>

#include "readers.h"

namespace ksim::manifest::detail {
namespace {

constexpr std::int32_t kDefaultClientIpTimeout = 10800;  // 3 hours
constexpr std::int32_t kMaxClientIpTimeout = 86400;      // 1 day
constexpr std::string_view kLegacyClassAnnotation = "kubernetes.io/ingress.class";

ServicePort read_service_port(const Field& p, ServiceType type) {
  ServicePort port;
  if (!p.expect_map()) return port;
  set_str(p, "name", port.name);
  if (auto n = p.require("port"))
    if (auto v = read_port_number(*n)) port.port = *v;
  // SetDefaults_Service: targetPort defaults to port.
  port.target_port = IntOrString::of_int(port.port);
  if (auto t = p.get("targetPort"))
    if (auto v = read_port_ref(*t)) port.target_port = *v;
  if (auto s = one_of(p, "protocol", {"TCP", "UDP", "SCTP"})) port.protocol = *s;
  if (auto np = p.get("nodePort")) {
    port.node_port = read_port_number(*np);
    if (type != ServiceType::kNodePort && type != ServiceType::kLoadBalancer) {
      np->fail("may only be set when `type` is 'NodePort' or 'LoadBalancer'");
    }
  }
  return port;
}

void read_service_ports(const Field& ports, Service& s) {
  const std::vector<Field> items = ports.items();
  std::set<std::string> names;
  for (const Field& p : items) {
    s.ports.push_back(read_service_port(p, s.type));
    const std::string& name = s.ports.back().name;
    if (items.size() > 1 && name.empty() && p.is_map()) {
      p.fail_child("name", "required when the Service has more than one port");
    } else if (!name.empty() && !names.insert(name).second) {
      p.get("name")->fail("duplicate port name '" + name + "'");
    }
  }
}

void read_session_affinity(const Field& spec, Service& s) {
  if (auto a = one_of(spec, "sessionAffinity", {"None", "ClientIP"})) {
    s.session_affinity = *a == "ClientIP" ? SessionAffinity::kClientIP : SessionAffinity::kNone;
  }
  auto config = spec.get_map("sessionAffinityConfig");
  if (s.session_affinity == SessionAffinity::kNone) {
    if (config) config->fail_at_key("must not be set when `sessionAffinity` is None");
    return;
  }
  s.session_affinity_timeout_seconds = kDefaultClientIpTimeout;
  if (!config) return;
  if (auto ip = config->get_map("clientIP")) {
    if (auto t = ip->get("timeoutSeconds")) {
      s.session_affinity_timeout_seconds = t->int32();
      const std::int32_t v = s.session_affinity_timeout_seconds.value_or(1);
      if (v < 1 || v > kMaxClientIpTimeout) t->fail("must be between 1 and 86400, inclusive");
    }
  }
}

IngressBackend read_backend(const Field& b) {
  IngressBackend out;
  if (!b.expect_map()) return out;
  auto service = b.get_map("service");
  auto resource = b.get_map("resource");
  if (service.has_value() == resource.has_value()) {
    b.fail("exactly one of `service` or `resource` must be specified");
  }
  if (resource) {
    set_str(*resource, "kind", out.resource_kind);
    set_str(*resource, "name", out.resource_name);
  }
  if (!service) return out;
  if (auto n = service->require("name"))
    if (auto s = n->str()) out.service_name = *s;
  auto port = service->require("port");
  if (!port || !port->expect_map()) return out;
  auto number = port->get("number");
  auto name = port->get("name");
  if (number) out.port_number = read_port_number(*number);
  if (name)
    if (auto s = name->str()) out.port_name = *s;
  if (number.has_value() == name.has_value()) {
    port->fail("exactly one of `number` or `name` must be specified");
  }
  return out;
}

IngressPath read_ingress_path(const Field& p) {
  IngressPath out;
  if (!p.expect_map()) return out;
  set_str(p, "path", out.path);
  auto type_field = p.require("pathType");
  if (auto t = one_of(p, "pathType", {"Exact", "Prefix", "ImplementationSpecific"})) {
    out.path_type = *t == "Exact"    ? PathType::kExact
                    : *t == "Prefix" ? PathType::kPrefix
                                     : PathType::kImplementationSpecific;
  } else if (type_field && type_field->node().Scalar().empty()) {
    type_field->fail("required: Exact, Prefix or ImplementationSpecific");
  }
  const bool absolute = out.path.starts_with('/');
  if (!absolute && (out.path_type != PathType::kImplementationSpecific || !out.path.empty())) {
    (p.get("path") ? *p.get("path") : p).fail("must be an absolute path (start with '/')");
  }
  if (out.path.empty()) out.path = "/";
  if (auto b = p.require("backend")) out.backend = read_backend(*b);
  return out;
}

IngressRule read_ingress_rule(const Field& r) {
  IngressRule rule;
  if (!r.expect_map()) return rule;
  set_str(r, "host", rule.host);
  if (auto http = r.get_map("http")) {
    if (auto paths = http->require("paths")) {
      for (const Field& p : paths->items()) rule.paths.push_back(read_ingress_path(p));
    }
  }
  return rule;
}

}  // namespace

Service read_service(const Field& root) {
  Service s;
  auto spec = root.require("spec");
  if (!spec || !spec->expect_map()) return s;
  if (auto t = one_of(*spec, "type", {"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"})) {
    s.type = *t == "NodePort"       ? ServiceType::kNodePort
             : *t == "LoadBalancer" ? ServiceType::kLoadBalancer
             : *t == "ExternalName" ? ServiceType::kExternalName
                                    : ServiceType::kClusterIP;
  }
  set_str(*spec, "clusterIP", s.cluster_ip);
  s.headless = s.cluster_ip == "None";
  if (auto sel = spec->get("selector")) s.selector = sel->string_map();
  if (auto ports = spec->get("ports")) read_service_ports(*ports, s);
  if (s.ports.empty() && !s.headless && s.type != ServiceType::kExternalName) {
    spec->fail_child("ports", "required field missing (at least one port)");
  }
  if (s.type == ServiceType::kExternalName) {
    if (auto n = spec->require("externalName"))
      if (auto v = n->str()) s.external_name = *v;
  }
  read_session_affinity(*spec, s);
  return s;
}

Ingress read_ingress(const Field& root) {
  Ingress in;
  auto spec = root.require("spec");
  if (!spec || !spec->expect_map()) return in;
  set_str(*spec, "ingressClassName", in.ingress_class);
  std::optional<Field> legacy;
  if (auto md = root.get("metadata"))
    if (auto a = md->get("annotations")) legacy = a->get(kLegacyClassAnnotation);
  if (legacy && spec->get("ingressClassName")) {
    legacy->fail("can not be set when the class field is also set");
  } else if (legacy) {
    if (auto v = legacy->str()) in.ingress_class = *v;
  }
  if (auto b = spec->get("defaultBackend")) in.default_backend = read_backend(*b);
  if (auto rules = spec->get("rules")) {
    for (const Field& r : rules->items()) in.rules.push_back(read_ingress_rule(r));
  }
  if (!in.default_backend && in.rules.empty()) {
    spec->fail("either `defaultBackend` or `rules` must be specified");
  }
  return in;
}

}  // namespace ksim::manifest::detail
