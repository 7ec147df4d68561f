// v1 Service and networking.k8s.io/v1 Ingress: defaults and validation.
#include <gtest/gtest.h>

#include "helpers.h"

namespace ksim::manifest {
namespace {

using testing::errors_of;
using testing::parse_ok;

TEST(Service, Defaults) {
  const ManifestSet set = parse_ok(R"(apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports:
    - port: 80
)");
  ASSERT_EQ(set.services.size(), 1u);
  const Service& s = set.services[0];
  EXPECT_EQ(s.type, ServiceType::kClusterIP);
  EXPECT_FALSE(s.headless);
  EXPECT_EQ(s.selector.at("app"), "api");
  ASSERT_EQ(s.ports.size(), 1u);
  EXPECT_EQ(s.ports[0].port, 80);
  EXPECT_EQ(s.ports[0].target_port, IntOrString::of_int(80));  // defaults to port
  EXPECT_EQ(s.ports[0].protocol, "TCP");
  EXPECT_EQ(s.session_affinity, SessionAffinity::kNone);
  EXPECT_FALSE(s.session_affinity_timeout_seconds.has_value());
}

TEST(Service, NamedTargetPortsHeadlessAndClientIp) {
  const ManifestSet set = parse_ok(R"(apiVersion: v1
kind: Service
metadata: {name: kafka}
spec:
  clusterIP: None
  selector: {app: kafka}
  ports:
    - {name: broker, port: 9092, targetPort: broker}
    - {name: controller, port: 9093, targetPort: 9093}
---
apiVersion: v1
kind: Service
metadata: {name: sticky}
spec:
  type: NodePort
  sessionAffinity: ClientIP
  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
---
apiVersion: v1
kind: Service
metadata: {name: sticky-short}
spec:
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
  ports: [{port: 80, protocol: UDP}]
)");
  ASSERT_EQ(set.services.size(), 3u);
  const Service& k = set.services[0];
  EXPECT_TRUE(k.headless);
  EXPECT_EQ(k.cluster_ip, "None");
  EXPECT_EQ(k.ports[0].target_port, IntOrString::of_string("broker"));
  EXPECT_EQ(k.ports[1].target_port, IntOrString::of_int(9093));
  const Service& s = set.services[1];
  EXPECT_EQ(s.type, ServiceType::kNodePort);
  EXPECT_EQ(s.session_affinity, SessionAffinity::kClientIP);
  EXPECT_EQ(s.session_affinity_timeout_seconds, 10800);  // DefaultClientIPServiceAffinitySeconds
  EXPECT_EQ(s.ports[0].node_port, 30080);
  EXPECT_EQ(set.services[2].session_affinity_timeout_seconds, 60);
  EXPECT_EQ(set.services[2].ports[0].protocol, "UDP");
}

TEST(Service, Errors) {
  const auto errors = errors_of(R"(apiVersion: v1
kind: Service
metadata: {name: a}
spec:
  type: Internal
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
  ports:
    - {port: 80, nodePort: 30080}
    - {name: b, port: 0, targetPort: "Not A Name"}
---
apiVersion: v1
kind: Service
metadata: {name: c}
spec:
  selector: {app: c}
---
apiVersion: v1
kind: Service
metadata: {name: d}
spec:
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 90000}}
  ports: [{port: 80}]
)");
  const std::vector<std::string> expected = {
      "test.yaml:5: Service default/a: spec.type: expected ClusterIP, NodePort, LoadBalancer or "
      "ExternalName, got 'Internal'",
      "test.yaml:6: Service default/a: spec.sessionAffinityConfig: must not be set when "
      "`sessionAffinity` is None",
      "test.yaml:8: Service default/a: spec.ports[0].nodePort: may only be set when `type` is "
      "'NodePort' or 'LoadBalancer'",
      "test.yaml:8: Service default/a: spec.ports[0].name: required when the Service has more "
      "than one port",
      "test.yaml:9: Service default/a: spec.ports[1].port: must be between 1 and 65535, inclusive",
      "test.yaml:9: Service default/a: spec.ports[1].targetPort: expected a port number or an "
      "IANA port name, got 'Not A Name'",
      "test.yaml:14: Service default/c: spec.ports: required field missing (at least one port)",
      "test.yaml:22: Service default/d: spec.sessionAffinityConfig.clientIP.timeoutSeconds: must "
      "be between 1 and 86400, inclusive",
  };
  EXPECT_EQ(errors, expected);
}

constexpr const char* kPathIngress = R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    nginx.ingress.kubernetes.io/proxy-read-timeout: "60"
spec:
  ingressClassName: nginx
  defaultBackend:
    service: {name: fallback, port: {number: 8080}}
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /api
            pathType: Prefix
            backend: {service: {name: api, port: {number: 80}}}
          - path: /health
            pathType: Exact
            backend: {service: {name: api, port: {name: http}}}
          - pathType: ImplementationSpecific
            backend: {service: {name: web, port: {number: 80}}}
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: assets}}
)";

TEST(Ingress, RulesPathsAndBackends) {
  const ManifestSet set = parse_ok(kPathIngress);
  ASSERT_EQ(set.ingresses.size(), 1u);
  const Ingress& in = set.ingresses[0];
  EXPECT_EQ(in.ingress_class, "nginx");
  EXPECT_EQ(in.meta.annotations.at("nginx.ingress.kubernetes.io/proxy-read-timeout"), "60");
  ASSERT_TRUE(in.default_backend.has_value());
  EXPECT_EQ(in.default_backend->service_name, "fallback");
  EXPECT_EQ(in.default_backend->port_number, 8080);
  ASSERT_EQ(in.rules.size(), 2u);
  EXPECT_EQ(in.rules[0].host, "shop.example.com");
  const std::vector<IngressPath>& p = in.rules[0].paths;
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].path, "/api");
  EXPECT_EQ(p[0].path_type, PathType::kPrefix);
  EXPECT_EQ(p[0].backend.service_name, "api");
  EXPECT_EQ(p[0].backend.port_number, 80);
  EXPECT_EQ(p[1].path_type, PathType::kExact);
  EXPECT_EQ(p[1].backend.port_name, "http");
  EXPECT_FALSE(p[1].backend.port_number.has_value());
  EXPECT_EQ(p[2].path_type, PathType::kImplementationSpecific);
  EXPECT_EQ(p[2].path, "/");
  EXPECT_EQ(in.rules[1].host, "");
  EXPECT_EQ(in.rules[1].paths[0].backend.resource_kind, "StorageBucket");
  EXPECT_EQ(in.rules[1].paths[0].backend.service_name, "");
}

TEST(Ingress, LegacyClassAnnotation) {
  const ManifestSet set = parse_ok(R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations: {kubernetes.io/ingress.class: alb}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: default-class}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
)");
  ASSERT_EQ(set.ingresses.size(), 2u);
  EXPECT_EQ(set.ingresses[0].ingress_class, "alb");
  EXPECT_TRUE(set.ingresses[0].rules.empty());
  EXPECT_EQ(set.ingresses[1].ingress_class, "");
}

TEST(Ingress, Errors) {
  const auto errors = errors_of(R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: a
  annotations: {kubernetes.io/ingress.class: nginx}
spec:
  ingressClassName: nginx
  rules:
    - http:
        paths:
          - path: /x
            backend: {service: {name: x, port: {number: 80}}}
          - path: api
            pathType: Prefix
            backend: {service: {name: x, port: {number: 80, name: http}}}
          - path: /y
            pathType: Regex
            backend: {}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: b}
spec: {}
)");
  const std::vector<std::string> expected = {
      "test.yaml:5: Ingress default/a: metadata.annotations[kubernetes.io/ingress.class]: can not "
      "be set when the class field is also set",
      "test.yaml:11: Ingress default/a: spec.rules[0].http.paths[0].pathType: required field "
      "missing",
      "test.yaml:13: Ingress default/a: spec.rules[0].http.paths[1].path: must be an absolute "
      "path (start with '/')",
      "test.yaml:15: Ingress default/a: spec.rules[0].http.paths[1].backend.service.port: exactly "
      "one of `number` or `name` must be specified",
      "test.yaml:17: Ingress default/a: spec.rules[0].http.paths[2].pathType: expected Exact, "
      "Prefix or ImplementationSpecific, got 'Regex'",
      "test.yaml:18: Ingress default/a: spec.rules[0].http.paths[2].backend: exactly one of "
      "`service` or `resource` must be specified",
      "test.yaml:23: Ingress default/b: spec: either `defaultBackend` or `rules` must be "
      "specified",
  };
  EXPECT_EQ(errors, expected);
}

}  // namespace
}  // namespace ksim::manifest
