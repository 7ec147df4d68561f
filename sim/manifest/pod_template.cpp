// Reading a pod template (core/v1 PodTemplateSpec) with the API server's
// defaults (pkg/apis/core/v1/defaults.go) and the validation kubectl apply
// would hit (pkg/apis/core/validation/validation.go).
#include <algorithm>
#include <cctype>
#include <set>

#include "readers.h"

namespace ksim::manifest::detail {
namespace {

// validation.IsValidPortName: IANA_SVC_NAME, 1-15 lowercase alphanumerics or
// '-', at least one letter, no leading, trailing or double '-'.
bool is_port_name(std::string_view s) {
  if (s.empty() || s.size() > 15 || s.front() == '-' || s.back() == '-') return false;
  if (s.find("--") != std::string_view::npos) return false;
  bool letter = false;
  for (char c : s) {
    if (std::islower(static_cast<unsigned char>(c))) {
      letter = true;
    } else if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return letter;
}

// SetDefaults_Probe: a zero (or absent) period/timeout/threshold takes the default.
void read_probe_timing(const Field& p, Probe& probe, bool success_must_be_one) {
  set_int32(p, "initialDelaySeconds", probe.initial_delay_seconds);
  check_non_negative(p, "initialDelaySeconds", probe.initial_delay_seconds);
  struct Timing {
    std::string_view key;
    std::int32_t& value;
    std::int32_t fallback;
  };
  const Timing timings[] = {{"periodSeconds", probe.period_seconds, 10},
                            {"timeoutSeconds", probe.timeout_seconds, 1},
                            {"successThreshold", probe.success_threshold, 1},
                            {"failureThreshold", probe.failure_threshold, 3}};
  for (const Timing& t : timings) {
    set_int32(p, t.key, t.value);
    check_non_negative(p, t.key, t.value);
    if (t.value == 0) t.value = t.fallback;
  }
  if (success_must_be_one && probe.success_threshold != 1) {
    p.get("successThreshold")->fail("must be 1");
  }
}

std::optional<Probe> read_probe(const Field& p, bool success_must_be_one) {
  if (!p.expect_map()) return std::nullopt;
  Probe probe;
  int handlers = 0;
  if (auto h = p.get_map("httpGet")) {
    ++handlers;
    probe.handler = ProbeHandler::kHttpGet;
    probe.path = "/";  // kubelet requests "/" for an empty path
    set_str(*h, "path", probe.path);
    if (auto s = one_of(*h, "scheme", {"HTTP", "HTTPS"})) probe.scheme = *s;
    if (auto port = h->require("port"))
      if (auto v = read_port_ref(*port)) probe.port = *v;
  }
  if (auto h = p.get_map("tcpSocket")) {
    ++handlers;
    probe.handler = ProbeHandler::kTcpSocket;
    if (auto port = h->require("port"))
      if (auto v = read_port_ref(*port)) probe.port = *v;
  }
  if (auto h = p.get_map("exec")) {
    ++handlers;
    probe.handler = ProbeHandler::kExec;
    if (auto c = h->get("command")) probe.command = c->strings();
  }
  if (auto h = p.get_map("grpc")) {
    ++handlers;
    probe.handler = ProbeHandler::kGrpc;
    if (auto port = h->require("port"))
      if (auto v = read_port_number(*port)) probe.port = IntOrString::of_int(*v);
  }
  if (handlers == 0) p.fail("must specify a handler type (httpGet, tcpSocket, exec or grpc)");
  if (handlers > 1) p.fail("may not specify more than 1 handler type");
  read_probe_timing(p, probe, success_must_be_one);
  return probe;
}

void read_resources(const Field& r, Container& c) {
  if (!r.expect_map()) return;
  for (auto [key, target] :
       {std::pair{"requests", &c.requests_milli}, std::pair{"limits", &c.limits_milli}}) {
    auto list = r.get(key);
    if (!list) continue;
    for (auto& [name, value] : list->entries()) {
      auto milli = value.quantity_milli();
      if (!milli) continue;
      if (*milli < 0) value.fail("must be greater than or equal to 0");
      (*target)[name] = *milli;
    }
  }
  for (const auto& [name, request] : c.requests_milli) {
    auto limit = c.limits_milli.find(name);
    if (limit != c.limits_milli.end() && request > limit->second) {
      const std::string limit_text = r.get("limits")->get(name)->node().Scalar();
      r.get("requests")
          ->get(name)
          ->fail("must be less than or equal to " + name + " limit of " + limit_text);
    }
  }
  // SetDefaults_Pod: a resource with a limit and no request is requested at the limit.
  for (const auto& [name, limit] : c.limits_milli) c.requests_milli.try_emplace(name, limit);
}

void read_container_ports(const Field& ports, Container& c) {
  for (const Field& p : ports.items()) {
    if (!p.expect_map()) continue;
    ContainerPort port;
    set_str(p, "name", port.name);
    if (!port.name.empty() && !is_port_name(port.name)) {
      p.get("name")->fail(
          "must be an IANA service name (at most 15 lowercase letters, digits, '-')");
    }
    if (auto n = p.require("containerPort"))
      if (auto v = read_port_number(*n)) port.container_port = *v;
    if (auto s = one_of(p, "protocol", {"TCP", "UDP", "SCTP"})) port.protocol = *s;
    c.ports.push_back(port);
  }
}

Container read_container(const Field& f) {
  Container c;
  if (!f.expect_map()) return c;
  if (auto n = f.require("name"))
    if (auto s = n->str()) c.name = *s;
  if (auto i = f.require("image"))
    if (auto s = i->str()) c.image = *s;
  if (auto p = f.get("ports")) read_container_ports(*p, c);
  if (auto r = f.get("resources")) read_resources(*r, c);
  if (auto p = f.get("readinessProbe")) c.readiness_probe = read_probe(*p, false);
  if (auto p = f.get("livenessProbe")) c.liveness_probe = read_probe(*p, true);
  if (auto p = f.get("startupProbe")) c.startup_probe = read_probe(*p, true);
  return c;
}

std::vector<Container> read_containers(const Field& list) {
  std::vector<Container> out;
  std::set<std::string> names;
  for (const Field& f : list.items()) {
    out.push_back(read_container(f));
    if (!out.back().name.empty() && !names.insert(out.back().name).second) {
      f.get("name")->fail("duplicate container name '" + out.back().name + "'");
    }
  }
  return out;
}

}  // namespace

std::optional<std::int32_t> read_port_number(const Field& f) {
  auto v = f.int32();
  if (v && (*v < 1 || *v > 65535)) {
    f.fail("must be between 1 and 65535, inclusive");
    return std::nullopt;
  }
  return v;
}

std::optional<IntOrString> read_port_ref(const Field& f) {
  auto v = f.int_or_string();
  if (!v) return std::nullopt;
  if (!v->is_string) return read_port_number(f).transform(IntOrString::of_int);
  if (!is_port_name(v->str_value)) {
    f.fail("expected a port number or an IANA port name, got '" + v->str_value + "'");
    return std::nullopt;
  }
  return v;
}

PodTemplate read_pod_template(const Field& tpl) {
  PodTemplate t;
  if (auto md = tpl.get_map("metadata")) {
    if (auto l = md->get("labels")) t.labels = l->string_map();
    if (auto a = md->get("annotations")) t.annotations = a->string_map();
  }
  auto spec = tpl.require("spec");
  if (!spec || !spec->expect_map()) return t;
  if (auto c = spec->require("containers")) {
    t.containers = read_containers(*c);
    if (t.containers.empty() && c->node().IsSequence()) c->fail("must have at least one container");
  }
  if (auto c = spec->get("initContainers")) t.init_containers = read_containers(*c);
  if (auto ns = spec->get("nodeSelector")) t.node_selector = ns->string_map();
  if (auto a = spec->get_map("affinity"))
    if (auto na = a->get("nodeAffinity")) t.node_affinity = read_node_affinity(*na);
  if (auto tol = spec->get("tolerations")) t.tolerations = read_tolerations(*tol);
  set_int64(*spec, "terminationGracePeriodSeconds", t.termination_grace_period_seconds);
  check_non_negative(*spec, "terminationGracePeriodSeconds", t.termination_grace_period_seconds);
  set_str(*spec, "serviceAccountName", t.service_account_name);
  return t;
}

}  // namespace ksim::manifest::detail
