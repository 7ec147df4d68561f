// load_scenario / parse_scenario: the seed scenarios, the top level, defaults,
// and errors from the scenario, its manifests and YAML syntax.
#include <gtest/gtest.h>

#include <chrono>

#include "helpers.h"
#include "ksim/sim/scenario/scenario.h"

namespace ksim::scenario {
namespace {

using namespace std::chrono_literals;
using testing::errors_of;
using testing::parse_ok;

std::filesystem::path seed(std::string_view name) {
  return std::filesystem::path(KSIM_SOURCE_DIR) / "scenarios" / (std::string(name) + ".yaml");
}

Scenario load_ok(const std::filesystem::path& file) {
  ScenarioResult r = load_scenario(file);
  if (!r) {
    std::string all;
    for (const LoadError& e : r.error()) all += e.to_string() + "\n";
    ADD_FAILURE() << all;
    return {};
  }
  return std::move(*r);
}

TEST(ScenarioLoader, Platform1Loads) {
  const Scenario s = load_ok(seed("api-backend"));
  EXPECT_EQ(s.name, "api-backend");
  EXPECT_EQ(s.manifests.deployments.size(), 2u);
  EXPECT_EQ(s.manifests.hpas.size(), 2u);
  ASSERT_EQ(s.node_groups.size(), 1u);
  EXPECT_EQ(s.node_groups[0].count, 3);
  EXPECT_EQ(s.node_groups[0].allocatable.cpu_milli, 1930);
  ASSERT_EQ(s.services.size(), 2u);
  EXPECT_EQ(s.services[0].namespace_, "api-platform");  // found in the manifests
  EXPECT_EQ(s.load.target.name, "api-platform");
  EXPECT_EQ(s.load.target.host, "api.example.com");
  EXPECT_EQ(s.load.phases.size(), 5u);
  EXPECT_EQ(s.duration, 50min);  // the phases' total
  EXPECT_EQ(s.seed, 1u);
}

TEST(ScenarioLoader, Platform2Loads) {
  const Scenario s = load_ok(seed("product-order"));
  EXPECT_EQ(s.name, "product-order");
  ASSERT_EQ(s.node_groups.size(), 2u);
  const NodeGroup& g = s.node_groups[0];
  EXPECT_EQ(g.count, 4);
  EXPECT_EQ(g.arch, "arm64");
  EXPECT_EQ(g.zones, (std::vector<std::string>{"ap-northeast-2a", "ap-northeast-2c"}));
  EXPECT_EQ(g.allocatable.memory_bytes, 6844LL * 1024 * 1024);
  EXPECT_TRUE(g.node_pool.empty());
  // The seed's 2 Karpenter nodes (Bottlerocket, arm64) of the NodePool "default".
  const NodeGroup& k = s.node_groups[1];
  EXPECT_EQ(k.node_pool, "default");
  EXPECT_EQ(k.count, 2);
  EXPECT_EQ(k.arch, "arm64");
  EXPECT_EQ(k.capacity_type, CapacityType::kOnDemand);
  EXPECT_EQ(k.labels.at("karpenter.sh/nodepool"), "default");
  EXPECT_EQ(k.allocatable, g.allocatable);  // m7g.large both
  ASSERT_EQ(s.services.size(), 3u);
  EXPECT_EQ(s.services[2].target, BehaviorTarget::kStatefulSet);  // the Kafka broker
  EXPECT_TRUE(s.services[2].produce_cpu_ms.has_value());
  const ServiceBehavior& order = s.services[1];
  EXPECT_EQ(order.name, "order-service");
  ASSERT_FALSE(order.routes.empty());
  const Route& create = order.routes[0];
  EXPECT_EQ(create.method, "POST");
  ASSERT_EQ(create.calls.size(), 1u);
  EXPECT_EQ(create.calls[0].service, "product-service");
  ASSERT_EQ(create.kafka.size(), 1u);
  EXPECT_EQ(create.kafka[0].topic, "order-events");
  EXPECT_EQ(order.tables[0].name, "shop-orders");
  EXPECT_EQ(s.load.target.name, "shop");  // the manifests' only Ingress
  ASSERT_EQ(s.load.phases.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Diurnal>(s.load.phases[0].shape));
  EXPECT_EQ(s.duration, 24h);
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.manifests.not_modelled.empty(), false);  // ServiceAccounts, NetworkPolicies, ...
}

TEST(ScenarioLoader, TopLevelDefaults) {
  const Scenario s = parse_ok("");
  EXPECT_EQ(s.name, "x");  // the file's stem
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.duration, 1min);
  EXPECT_TRUE(s.services.empty());
  EXPECT_TRUE(s.expectations.empty());
  EXPECT_EQ(s.timings.hpa_sync_period, 15s);
  EXPECT_EQ(s.manifest_paths,
            std::vector<std::filesystem::path>{testing::data_dir() / "manifests/"});
}

TEST(ScenarioLoader, RunFields) {
  const Scenario s = parse_ok(R"(name: demo
description: d
duration: 2h30m
seed: 7
expect:
  - replicas: {deployment: web, min: 2, max: 5}
)");
  EXPECT_EQ(s.name, "demo");
  EXPECT_EQ(s.description, "d");
  EXPECT_EQ(s.duration, 150min);
  EXPECT_EQ(s.seed, 7u);
  ASSERT_EQ(s.expectations.size(), 1u);
  EXPECT_EQ(s.expectations[0].line, 6);
  EXPECT_EQ(s.expectations[0].deployment, "web");
}

TEST(ScenarioLoader, ErrorsAreCollectedInLineOrder) {
  const auto errors = errors_of(R"(duration: soon
seed: -1
colour: blue
)");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], "x.yaml:1: duration: invalid duration 'soon': expected a number");
  EXPECT_EQ(errors[1], "x.yaml:2: seed: must be greater than or equal to 0");
  EXPECT_EQ(
      errors[2],
      "x.yaml:3: colour: unknown field (known: name, description, manifests, region, "
      "instanceCatalog, nodeGroups, services, load, podTrace, timings, nodeAutoscaling, faults, "
      "duration, seed, expect)");
}

TEST(ScenarioLoader, RequiredSections) {
  const auto errors = [] {
    std::vector<std::string> out;
    auto r = parse_scenario("name: a\n", "x.yaml", testing::data_dir());
    if (!r)
      for (const LoadError& e : r.error()) out.push_back(e.to_string());
    return out;
  }();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], "x.yaml:1: manifests: required field missing");
  EXPECT_EQ(errors[1], "x.yaml:1: nodeGroups: required field missing");
  EXPECT_EQ(errors[2], "x.yaml:1: load: required field missing");
}

TEST(ScenarioLoader, MissingManifestFolderIsLocatedInTheScenario) {
  const auto errors = errors_of("manifests: [nowhere/]\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "x.yaml:1: manifests[0]: no such file or folder: '" +
                           (testing::data_dir() / "nowhere/").string() + "'");
}

TEST(ScenarioLoader, ManifestErrorsPassThrough) {
  const auto errors = errors_of(R"(manifests: [bad-manifests/]
services:
  - deployment: ghost
    routes: [{path: /, cpu: 1ms}]
)");
  // The manifest's own located error; the names are not checked against a
  // failed manifest set (no "no Deployment 'ghost'").
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], (testing::data_dir() / "bad-manifests/api.yaml").string() +
                           ":7: Service default/api: spec.ports[0].port: expected an integer, "
                           "got string 'fast'");
}

TEST(ScenarioLoader, YamlSyntaxError) {
  const auto errors = errors_of("name: [unclosed\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("x.yaml:2: invalid YAML: ")) << errors[0];
}

TEST(ScenarioLoader, MissingFile) {
  const ScenarioResult r = load_scenario("no/such/scenario.yaml");
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().size(), 1u);
  EXPECT_EQ(r.error()[0].to_string(), "no/such/scenario.yaml: cannot read the file");
}

TEST(ScenarioLoader, RegionInferredFromTheZones) {
  const Scenario s = testing::parse_ok(
      "nodeGroups: [{name: g, instanceType: m5.large, count: 2, zones: [us-east-1a, "
      "us-east-1b]}]\n");
  EXPECT_EQ(s.region, "us-east-1");
  EXPECT_EQ(testing::parse_ok("").region, "");  // no zones
  EXPECT_EQ(testing::parse_ok("region: ap-northeast-2\n").region, "ap-northeast-2");
  EXPECT_EQ(s.catalog.source(), "<built-in> scenarios/catalog/ec2-instance-types.yaml");
}

TEST(ScenarioLoader, RegionErrors) {
  EXPECT_EQ(testing::errors_of(R"(region: ap-northeast-2
nodeGroups: [{name: g, instanceType: m5.large, count: 1, zones: [us-east-1a]}]
)"),
            (std::vector<std::string>{
                "x.yaml:1: region: zone 'us-east-1a' of nodeGroups is not in region "
                "ap-northeast-2"}));
  EXPECT_EQ(testing::errors_of("region: Seoul\n"),
            (std::vector<std::string>{
                "x.yaml:1: region: expected an AWS region such as ap-northeast-2, got 'Seoul'"}));
  EXPECT_EQ(testing::errors_of(R"(nodeGroups:
  - {name: a, instanceType: m5.large, count: 1, zones: [us-east-1a]}
  - {name: b, instanceType: m5.large, count: 1, zones: [eu-west-1a]}
)"),
            (std::vector<std::string>{
                "x.yaml:1: region: the nodeGroups' zones span regions (eu-west-1a, us-east-1a): "
                "set `region`"}));
}

TEST(ScenarioLoader, InstanceCatalogReplacesTheBuiltIn) {
  const Scenario s = testing::parse_ok(R"(instanceCatalog: small-catalog.yaml
nodeGroups: [{name: g, instanceType: x1.custom, count: 1, zones: [eu-west-1a]}]
)");
  EXPECT_EQ(s.region, "eu-west-1");
  EXPECT_EQ(s.catalog.types().size(), 1u);
  EXPECT_EQ(s.catalog.find("m5.large"), nullptr);
  ASSERT_EQ(s.node_groups.size(), 1u);
  EXPECT_EQ(s.node_groups[0].arch, "arm64");
  EXPECT_EQ(s.node_groups[0].capacity.pods, 58);
  EXPECT_EQ(s.node_groups[0].allocatable.cpu_milli, 3920);
  auto spot = s.catalog.find_offering("x1.custom", "eu-west-1", "eu-west-1a", CapacityType::kSpot);
  ASSERT_TRUE(spot);
  EXPECT_EQ(spot->micro_usd_per_hour, 60'000);
}

TEST(ScenarioLoader, InstanceCatalogErrorsAreLocatedInTheCatalog) {
  const auto errors = testing::errors_of(R"(instanceCatalog: missing.yaml
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("x.yaml:1: instanceCatalog: no such file or folder: '"))
      << errors[0];
  const auto bad = testing::errors_of("instanceCatalog: manifests/web.yaml\n");
  ASSERT_FALSE(bad.empty());
  EXPECT_TRUE(bad[0].find("manifests/web.yaml:") != std::string::npos) << bad[0];
}

}  // namespace
}  // namespace ksim::scenario
