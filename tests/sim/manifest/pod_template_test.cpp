// Pod templates: containers, resources (with request = limit defaulting),
// probes with the API defaults, ports, and their validation errors.
#include <gtest/gtest.h>

#include "helpers.h"

namespace ksim::manifest {
namespace {

using testing::errors_of;
using testing::parse_ok;

// A Deployment whose pod spec is `spec` (indented by 6 spaces, from line 9).
std::string with_pod_spec(const std::string& spec) {
  return "apiVersion: apps/v1\n"
         "kind: Deployment\n"
         "metadata: {name: web}\n"
         "spec:\n"
         "  selector: {matchLabels: {app: web}}\n"
         "  template:\n"
         "    metadata: {labels: {app: web}}\n"
         "    spec:\n" +
         spec;
}

PodTemplate template_of(const std::string& spec) {
  const ManifestSet set = parse_ok(with_pod_spec(spec));
  if (set.deployments.size() != 1) return {};
  return set.deployments[0].template_;
}

TEST(PodTemplate, ContainerResourcesAreMilliValues) {
  const PodTemplate t = template_of(R"(      containers:
        - name: app
          image: registry/app:1.0
          ports:
            - {name: http, containerPort: 8080}
            - {containerPort: 9090, protocol: UDP}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 200m, memory: 256Mi, ephemeral-storage: 1Gi}
)");
  ASSERT_EQ(t.containers.size(), 1u);
  const Container& c = t.containers[0];
  EXPECT_EQ(c.name, "app");
  EXPECT_EQ(c.image, "registry/app:1.0");
  ASSERT_EQ(c.ports.size(), 2u);
  EXPECT_EQ(c.ports[0].name, "http");
  EXPECT_EQ(c.ports[0].container_port, 8080);
  EXPECT_EQ(c.ports[0].protocol, "TCP");
  EXPECT_EQ(c.ports[1].protocol, "UDP");
  EXPECT_EQ(c.requests_milli.at("cpu"), 100);
  EXPECT_EQ(c.requests_milli.at("memory"), 128LL * 1024 * 1024 * 1000);
  EXPECT_EQ(c.limits_milli.at("cpu"), 200);
  EXPECT_EQ(c.limits_milli.at("memory"), 256LL * 1024 * 1024 * 1000);
  // SetDefaults_Pod: a limit without a request is also the request.
  EXPECT_EQ(c.requests_milli.at("ephemeral-storage"), 1024LL * 1024 * 1024 * 1000);
  EXPECT_FALSE(c.readiness_probe.has_value());
}

TEST(PodTemplate, LimitOnlyBecomesTheRequest) {
  const PodTemplate t = template_of(R"(      containers:
        - name: app
          image: app
          resources:
            limits: {cpu: "1", memory: 1Gi}
)");
  ASSERT_EQ(t.containers.size(), 1u);
  EXPECT_EQ(t.containers[0].requests_milli.at("cpu"), 1000);
  EXPECT_EQ(t.containers[0].requests_milli.at("memory"), 1024LL * 1024 * 1024 * 1000);
}

TEST(PodTemplate, PodDefaults) {
  const PodTemplate t = template_of("      containers: [{name: app, image: app}]\n");
  EXPECT_EQ(t.termination_grace_period_seconds, 30);
  EXPECT_TRUE(t.node_selector.empty());
  EXPECT_TRUE(t.tolerations.empty());
  EXPECT_TRUE(t.node_affinity.required.empty());
  EXPECT_EQ(t.labels.at("app"), "web");
  EXPECT_TRUE(t.containers[0].requests_milli.empty());
}

TEST(PodTemplate, ProbeDefaultsAreTheApiDefaults) {
  const PodTemplate t = template_of(R"(      containers:
        - name: app
          image: app
          ports: [{name: http, containerPort: 8080}]
          readinessProbe:
            httpGet: {port: http}
          livenessProbe:
            tcpSocket: {port: 8080}
            periodSeconds: 0
            timeoutSeconds: 0
          startupProbe:
            exec: {command: [cat, /tmp/ready]}
            initialDelaySeconds: 5
            periodSeconds: 2
            timeoutSeconds: 3
            failureThreshold: 30
)");
  ASSERT_EQ(t.containers.size(), 1u);
  const Container& c = t.containers[0];
  ASSERT_TRUE(c.readiness_probe.has_value());
  const Probe& r = *c.readiness_probe;
  EXPECT_EQ(r.handler, ProbeHandler::kHttpGet);
  EXPECT_EQ(r.path, "/");
  EXPECT_EQ(r.scheme, "HTTP");
  EXPECT_EQ(r.port, IntOrString::of_string("http"));
  EXPECT_EQ(r.initial_delay_seconds, 0);
  EXPECT_EQ(r.period_seconds, 10);
  EXPECT_EQ(r.timeout_seconds, 1);
  EXPECT_EQ(r.success_threshold, 1);
  EXPECT_EQ(r.failure_threshold, 3);
  // SetDefaults_Probe: an explicit 0 also takes the default.
  ASSERT_TRUE(c.liveness_probe.has_value());
  EXPECT_EQ(c.liveness_probe->handler, ProbeHandler::kTcpSocket);
  EXPECT_EQ(c.liveness_probe->port, IntOrString::of_int(8080));
  EXPECT_EQ(c.liveness_probe->period_seconds, 10);
  EXPECT_EQ(c.liveness_probe->timeout_seconds, 1);
  ASSERT_TRUE(c.startup_probe.has_value());
  EXPECT_EQ(c.startup_probe->handler, ProbeHandler::kExec);
  EXPECT_EQ(c.startup_probe->command, (std::vector<std::string>{"cat", "/tmp/ready"}));
  EXPECT_EQ(c.startup_probe->initial_delay_seconds, 5);
  EXPECT_EQ(c.startup_probe->period_seconds, 2);
  EXPECT_EQ(c.startup_probe->timeout_seconds, 3);
  EXPECT_EQ(c.startup_probe->failure_threshold, 30);
}

TEST(PodTemplate, ProbeWithPathAndThresholds) {
  const PodTemplate t = template_of(R"(      containers:
        - name: app
          image: app
          readinessProbe:
            httpGet: {path: /api/v1/health, port: 8081, scheme: HTTPS}
            periodSeconds: 15
            successThreshold: 2
            failureThreshold: 5
)");
  const Probe& p = *t.containers[0].readiness_probe;
  EXPECT_EQ(p.path, "/api/v1/health");
  EXPECT_EQ(p.scheme, "HTTPS");
  EXPECT_EQ(p.port, IntOrString::of_int(8081));
  EXPECT_EQ(p.period_seconds, 15);
  EXPECT_EQ(p.success_threshold, 2);
  EXPECT_EQ(p.failure_threshold, 5);
}

TEST(PodTemplate, InvalidQuantityNamesFileLineAndField) {
  const auto errors = errors_of(with_pod_spec(R"(      containers:
        - name: api
          image: api
          resources:
            requests:
              cpu: fast
)"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "test.yaml:14: Deployment default/web: "
            "spec.template.spec.containers[0].resources.requests.cpu: invalid quantity 'fast'");
}

TEST(PodTemplate, ContainerErrors) {
  const auto errors = errors_of(with_pod_spec(R"(      terminationGracePeriodSeconds: -1
      containers:
        - name: app
          ports: [{containerPort: 70000}, {name: HTTP_PORT, containerPort: 80}]
          resources:
            requests: {cpu: 300m, memory: -1}
            limits: {cpu: 200m}
        - name: app
          image: app
          livenessProbe:
            httpGet: {path: /, port: 80}
            tcpSocket: {port: 80}
            successThreshold: 2
)"));
  const std::vector<std::string> expected = {
      "test.yaml:9: Deployment default/web: spec.template.spec.terminationGracePeriodSeconds: "
      "must be greater than or equal to 0",
      "test.yaml:11: Deployment default/web: spec.template.spec.containers[0].image: required "
      "field missing",
      "test.yaml:12: Deployment default/web: spec.template.spec.containers[0].ports[0]."
      "containerPort: must be between 1 and 65535, inclusive",
      "test.yaml:12: Deployment default/web: spec.template.spec.containers[0].ports[1].name: must "
      "be an IANA service name (at most 15 lowercase letters, digits, '-')",
      "test.yaml:14: Deployment default/web: spec.template.spec.containers[0].resources.requests."
      "memory: must be greater than or equal to 0",
      "test.yaml:14: Deployment default/web: spec.template.spec.containers[0].resources.requests."
      "cpu: must be less than or equal to cpu limit of 200m",
      "test.yaml:16: Deployment default/web: spec.template.spec.containers[1].name: duplicate "
      "container name 'app'",
      "test.yaml:19: Deployment default/web: spec.template.spec.containers[1].livenessProbe: may "
      "not specify more than 1 handler type",
      "test.yaml:21: Deployment default/web: spec.template.spec.containers[1].livenessProbe."
      "successThreshold: must be 1",
  };
  EXPECT_EQ(errors, expected);
}

TEST(PodTemplate, ContainersRequired) {
  EXPECT_EQ(errors_of(with_pod_spec("      containers: []\n")),
            std::vector<std::string>{"test.yaml:9: Deployment default/web: "
                                     "spec.template.spec.containers: must have at least one "
                                     "container"});
  EXPECT_EQ(errors_of(with_pod_spec("      nodeSelector: {a: b}\n")),
            std::vector<std::string>{"test.yaml:8: Deployment default/web: "
                                     "spec.template.spec.containers: required field missing"});
}

TEST(PodTemplate, ProbePortMustBeNumberOrName) {
  const auto errors = errors_of(with_pod_spec(R"(      containers:
        - name: app
          image: app
          readinessProbe:
            httpGet: {port: "Web Port"}
)"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "test.yaml:13: Deployment default/web: "
            "spec.template.spec.containers[0].readinessProbe.httpGet.port: expected a port number "
            "or an IANA port name, got 'Web Port'");
}

}  // namespace
}  // namespace ksim::manifest
