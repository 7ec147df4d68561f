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
    profile: replay/rates.csv
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
  EXPECT_EQ(b.profile, testing::data_dir() / "replay/rates.csv");
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

TEST(ServiceReader, AProfileReplacesRoutes) {
  const Scenario s = parse_ok("services: [{image: example.com/web, profile: replay/rates.csv}]\n");
  EXPECT_TRUE(s.services[0].routes.empty());
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
