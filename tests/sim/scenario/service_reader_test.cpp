// services: targets, routes with their costs and calls, tables, profiles,
// and the names checked against the manifests.
#include <gtest/gtest.h>

#include "helpers.h"

namespace ksim::scenario {
namespace {

using testing::errors_of;
using testing::parse_ok;

TEST(ServiceReader, RouteDefaults) {
  const Scenario s = parse_ok(R"(services:
  - deployment: web
    routes:
      - path: /
        cpu: 2ms
)");
  ASSERT_EQ(s.services.size(), 1u);
  const ServiceBehavior& b = s.services[0];
  EXPECT_EQ(b.target, BehaviorTarget::kDeployment);
  EXPECT_EQ(b.namespace_, "shop");  // found in the manifests
  EXPECT_EQ(b.name, "web");
  EXPECT_TRUE(b.profile.empty());
  EXPECT_TRUE(b.tables.empty());
  ASSERT_EQ(b.routes.size(), 1u);
  const Route& r = b.routes[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/");
  EXPECT_EQ(r.cpu_ms, Distribution::constant(2));
  EXPECT_EQ(r.response_bytes, Distribution::constant(0));
  EXPECT_TRUE(r.calls.empty());
  EXPECT_TRUE(r.kafka.empty());
  EXPECT_TRUE(r.dynamodb.empty());
  EXPECT_EQ(r.line, 4);
}

TEST(ServiceReader, EverythingWritten) {
  const Scenario s = parse_ok(R"(services:
  - deployment: web
    namespace: shop
    profile: profiles/web.yaml
    tables:
      - name: t
        latency: {dist: lognormal, mean: 4ms, sd: 2ms}
        throughputLimit: 1000
    routes:
      - method: POST
        path: /orders/{id}/**
        cpu: {dist: exponential, mean: 8ms}
        responseBytes: {dist: uniform, min: 100, max: 300}
        calls:
          - {service: web, method: PUT, path: /stock/1, probability: 0.5, count: 2}
          - {service: shop/web, path: /x}
        kafka: [{topic: orders, bytes: 512, count: 3}]
        dynamodb: [{table: t, count: 2}]
  - image: apache/kafka
    routes: [{method: '*', path: /**, cpu: 100us}]
  - statefulSet: kafka
    routes: [{path: /a, cpu: 1ms}]
)");
  ASSERT_EQ(s.services.size(), 3u);
  const ServiceBehavior& b = s.services[0];
  EXPECT_EQ(b.profile, testing::data_dir() / "profiles/web.yaml");
  ASSERT_EQ(b.tables.size(), 1u);
  EXPECT_EQ(b.tables[0].name, "t");
  EXPECT_EQ(b.tables[0].latency_ms.kind(), DistributionKind::kLogNormal);
  EXPECT_EQ(b.tables[0].throughput_limit, 1000);
  const Route& r = b.routes[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/orders/{id}/**");
  EXPECT_EQ(r.cpu_ms.spec().mean, 8);
  EXPECT_EQ(r.response_bytes.mean(), 200);
  ASSERT_EQ(r.calls.size(), 2u);
  EXPECT_EQ(r.calls[0], (DownstreamCall{"web", "PUT", "/stock/1", 0.5, 2}));
  EXPECT_EQ(r.calls[1], (DownstreamCall{"shop/web", "GET", "/x", 1.0, 1}));
  EXPECT_EQ(r.kafka, (std::vector<KafkaProduce>{{"orders", 512, 3}}));
  EXPECT_EQ(r.dynamodb, (std::vector<TableCall>{{"t", 2}}));
  EXPECT_EQ(s.services[1].target, BehaviorTarget::kImage);
  EXPECT_EQ(s.services[1].name, "apache/kafka");
  EXPECT_EQ(s.services[1].routes[0].method, "*");
  EXPECT_EQ(s.services[2].target, BehaviorTarget::kStatefulSet);
  EXPECT_EQ(s.services[2].namespace_, "shop");
}

// A Kafka broker: its CPU per record, no routes needed; produces may wait
// for the acknowledgement.
TEST(ServiceReader, KafkaBrokerAndAcknowledgedProduces) {
  const Scenario s = parse_ok(R"(services:
  - statefulSet: kafka
    produceCpu: {dist: lognormal, mean: 150us, sd: 50us}
  - deployment: web
    routes:
      - path: /a
        cpu: 1ms
        kafka: [{topic: t, bytes: 100, ack: true}, {topic: u, bytes: 10}]
)");
  ASSERT_TRUE(s.services[0].produce_cpu_ms.has_value());
  EXPECT_DOUBLE_EQ(s.services[0].produce_cpu_ms->mean(), 0.15);
  EXPECT_TRUE(s.services[0].routes.empty());
  EXPECT_EQ(s.services[1].routes[0].kafka,
            (std::vector<KafkaProduce>{{"t", 100, 1, true}, {"u", 10, 1, false}}));
  const auto errors = errors_of(R"(services:
  - statefulSet: kafka
    produceCpu: 1ms
  - deployment: web
    produceCpu: 2ms
    routes: [{path: /a, cpu: 1ms, kafka: [{topic: t, bytes: 1, ack: maybe}]}]
)");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0],
            "x.yaml:5: services[1].produceCpu: a second Kafka broker: only one behaviour may have "
            "produceCpu");
  EXPECT_EQ(errors[1],
            "x.yaml:6: services[1].routes[0].kafka[0].ack: expected a boolean, got string 'maybe'");
}

TEST(ServiceReader, AProfileGivesTheRoutes) {
  const Scenario s = parse_ok("services: [{image: example.com/web, profile: profiles/web.yaml}]\n");
  const std::vector<Route>& routes = s.services[0].routes;
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[0].method, "GET");
  EXPECT_EQ(routes[0].path, "/items/{id}");
  EXPECT_EQ(routes[0].cpu_ms.kind(), DistributionKind::kLogNormal);
  EXPECT_DOUBLE_EQ(routes[0].cpu_ms.mean(), 0.4);
  EXPECT_EQ(routes[0].response_bytes, Distribution::constant(300));
  EXPECT_EQ(routes[0].line, 7);  // in the profile
  EXPECT_EQ(routes[1].calls.size(), 1u);
  EXPECT_EQ(routes[2].cpu_ms, Distribution::constant(0.05));
}

// The scenario's routes come first; one of the profile's method and path
// takes its cpu and responseBytes unless it gives its own, and keeps its
// calls; the profile's other routes follow.
TEST(ServiceReader, ScenarioRoutesMergeWithTheProfile) {
  const Scenario s = parse_ok(R"(services:
  - deployment: web
    profile: profiles/web.yaml
    routes:
      - {method: POST, path: /items, kafka: [{topic: items, bytes: 100}]}
      - {path: /health, cpu: 1ms}
      - {path: /other, cpu: 2ms, responseBytes: 10}
)");
  const std::vector<Route>& routes = s.services[0].routes;
  ASSERT_EQ(routes.size(), 4u);
  EXPECT_EQ(routes[0].path, "/items");
  EXPECT_DOUBLE_EQ(routes[0].cpu_ms.mean(), 1.5);  // the profile's
  EXPECT_EQ(routes[0].response_bytes, Distribution::constant(120));
  EXPECT_EQ(routes[0].kafka.size(), 1u);
  EXPECT_TRUE(routes[0].calls.empty());  // the scenario's route, not the profile's calls
  EXPECT_EQ(routes[0].line, 5);
  EXPECT_EQ(routes[1].cpu_ms, Distribution::constant(1));          // its own
  EXPECT_EQ(routes[1].response_bytes, Distribution::constant(0));  // the profile gave none
  EXPECT_EQ(routes[2].path, "/other");
  EXPECT_EQ(routes[3].path, "/items/{id}");  // the profile's rest
}

TEST(ServiceReader, ProfileErrors) {
  const auto errors = errors_of(R"(services:
  - deployment: web
    profile: profiles/web.yaml
    routes: [{path: /nope}]
  - image: example.com/web
    profile: profiles/broken.yaml
  - statefulSet: kafka
    profile: profiles/missing.yaml
)");
  const std::string broken = (testing::data_dir() / "profiles/broken.yaml").string();
  ASSERT_EQ(errors.size(), 6u);
  EXPECT_EQ(errors[0],
            "x.yaml:4: services[0].routes[0].cpu: required field missing (the profile has no GET "
            "/nope route)");
  EXPECT_EQ(errors[1], "x.yaml:8: services[2].profile: no such file or folder: '" +
                           (testing::data_dir() / "profiles/missing.yaml").string() + "'");
  // The profile's own errors, located in it (a missing field at its map's line).
  EXPECT_EQ(errors[2], broken + ":3: routes[0].cpu: required field missing");
  EXPECT_EQ(errors[3], broken + ":5: routes[1]: duplicate route GET /items/{id}");
  EXPECT_EQ(errors[4], broken +
                           ":8: routes[1].latency: unknown field (known: method, path, cpu, "
                           "responseBytes, calls, kafka, dynamodb)");
  EXPECT_EQ(errors[5], broken +
                           ":9: routes[2].calls[0].service: no Service 'nowhere' in the "
                           "manifests");
}

TEST(ServiceReader, NamesAreCheckedAgainstTheManifests) {
  const auto errors = errors_of(R"(services:
  - deployment: api
    routes: [{path: /, cpu: 1ms}]
  - image: example.com/we
    routes: [{path: /, cpu: 1ms}]
  - deployment: web
    namespace: other
    routes: [{path: /, cpu: 1ms}]
  - statefulSet: kafka
    routes:
      - path: /
        cpu: 1ms
        calls: [{service: backend, path: /}]
        dynamodb: [{table: missing}]
)");
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0], "x.yaml:2: services[0].deployment: no Deployment 'api' in the manifests");
  EXPECT_EQ(errors[1],
            "x.yaml:4: services[1].image: no container in the manifests runs image "
            "'example.com/we'");
  EXPECT_EQ(errors[2],
            "x.yaml:6: services[2].deployment: no Deployment 'other/web' in the manifests");
  EXPECT_EQ(errors[3],
            "x.yaml:13: services[3].routes[0].calls[0].service: no Service 'shop/backend' in the "
            "manifests");
  EXPECT_EQ(errors[4],
            "x.yaml:14: services[3].routes[0].dynamodb[0].table: no table 'missing' in this "
            "service's tables");
}

TEST(ServiceReader, RouteErrors) {
  const auto errors = errors_of(R"(services:
  - deployment: web
    routes:
      - method: FETCH
        path: /a
        cpu: {dist: lognormal, mean: 5ms, sd: fast}
        calls: [{service: web, path: /b, probability: 1.5}]
        kafka: [{topic: t}]
        retries: 3
      - path: /a
        method: FETCH
        cpu: 1ms
      - path: /c
)");
  ASSERT_EQ(errors.size(), 7u);
  EXPECT_EQ(
      errors[0],
      "x.yaml:4: services[0].routes[0].method: expected an HTTP method (GET, POST, PUT, PATCH, "
      "DELETE, HEAD, OPTIONS or *), got 'FETCH'");
  EXPECT_EQ(errors[1],
            "x.yaml:6: services[0].routes[0].cpu.sd: invalid duration 'fast': expected a number");
  EXPECT_EQ(
      errors[2],
      "x.yaml:7: services[0].routes[0].calls[0].probability: must be between 0 and 1, got 1.5");
  EXPECT_EQ(errors[3], "x.yaml:8: services[0].routes[0].kafka[0].bytes: required field missing");
  EXPECT_EQ(errors[4],
            "x.yaml:9: services[0].routes[0].retries: unknown field (known: method, path, cpu, "
            "responseBytes, calls, kafka, dynamodb)");
  EXPECT_EQ(errors[5],
            "x.yaml:11: services[0].routes[1].method: expected an HTTP method (GET, POST, PUT, "
            "PATCH, DELETE, HEAD, OPTIONS or *), got 'FETCH'");
  EXPECT_EQ(errors[6], "x.yaml:13: services[0].routes[2].cpu: required field missing");
}

TEST(ServiceReader, TargetErrors) {
  const auto errors = errors_of(R"(services:
  - routes: [{path: /, cpu: 1ms}]
  - deployment: web
    image: example.com/web
    routes: [{path: /, cpu: 1ms}, {path: /, cpu: 2ms}]
  - deployment: web
  - deployment: web
    routes: []
)");
  ASSERT_EQ(errors.size(), 7u);
  EXPECT_EQ(errors[0],
            "x.yaml:2: services[0].deployment: required field missing (or statefulSet, or image)");
  EXPECT_EQ(errors[1],
            "x.yaml:4: services[1].image: give only one of deployment, statefulSet or image");
  EXPECT_EQ(errors[2], "x.yaml:5: services[1].routes[1]: duplicate route GET /");
  EXPECT_EQ(errors[3],
            "x.yaml:6: services[2].routes: required field missing (or profile, or produceCpu)");
  EXPECT_EQ(errors[4], "x.yaml:6: services[2]: a second behaviour for 'web'");
  EXPECT_EQ(errors[5], "x.yaml:7: services[3]: a second behaviour for 'web'");
  EXPECT_EQ(errors[6], "x.yaml:8: services[3].routes: at least one route (or a profile)");
}

}  // namespace
}  // namespace ksim::scenario
