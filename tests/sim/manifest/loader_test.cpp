// load_manifests: files and folders (sorted, not recursive), errors located
// by file and line, and the two seed platforms read end to end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "helpers.h"
#include "ksim/sim/manifest/load.h"

namespace ksim::manifest {
namespace {

namespace fs = std::filesystem;
namespace h = control::hpa;

const fs::path kSource = fs::path(KSIM_SOURCE_DIR);
const fs::path kData = kSource / "tests" / "sim" / "manifest" / "data";

std::string dump(const LoadResult& r) {
  std::string all;
  if (!r) {
    for (const LoadError& e : r.error()) all += e.to_string() + "\n";
  }
  return all;
}

LoadResult load(std::vector<fs::path> paths) { return load_manifests(paths); }

std::vector<std::string> error_texts(const LoadResult& r) {
  std::vector<std::string> out;
  if (!r) {
    for (const LoadError& e : r.error()) out.push_back(e.to_string());
  }
  return out;
}

TEST(Loader, ErrorsNameFileLineAndField) {
  // Relative paths are reported as given (here: from the data folder).
  const fs::path old = fs::current_path();
  fs::current_path(kData);
  const LoadResult r = load({"manifests"});
  fs::current_path(old);
  // api.yaml before web.yml (sorted by name); notes.txt and nested/ are not read.
  const std::vector<std::string> expected = {
      "manifests/api.yaml:14: Deployment default/api: "
      "spec.template.spec.containers[0].resources.requests.cpu: invalid quantity 'fast'",
      "manifests/web.yml:9: Service default/web: spec.ports[0].protocol: expected TCP, UDP or "
      "SCTP, got 'HTTP'",
  };
  EXPECT_EQ(error_texts(r), expected);
}

TEST(Loader, SyntaxErrorsMissingPathsAndEmptyFolders) {
  const LoadResult r =
      load({kData / "syntax" / "broken.yaml", kData / "nowhere.yaml", kData / "empty"});
  const std::vector<std::string> expected = {
      (kData / "syntax" / "broken.yaml").string() +
          ":7: invalid YAML: end of sequence flow not found",
      (kData / "nowhere.yaml").string() + ": no such file or folder",
      (kData / "empty").string() + ": no *.yaml, *.yml or *.json files in this folder",
  };
  EXPECT_EQ(error_texts(r), expected);
}

TEST(Loader, JsonFilesAreReadLikeKubectl) {
  // kubectl apply -f <folder> reads .json too; JSON is YAML, lines still count.
  // One folder per process: ctest may run this test and the whole binary at once.
  const fs::path dir =
      fs::path(::testing::TempDir()) / ("ksim_manifest_json_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "svc.json") << "{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n"
                                     " \"metadata\": {\"name\": \"web\"},\n"
                                     " \"spec\": {\"ports\": [{\"port\": 80}]}}\n";
  std::ofstream(dir / "bad.json") << "{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n"
                                     " \"metadata\": {\"name\": \"bad\"},\n"
                                     " \"spec\": {\"ports\": [{\"port\": \"80\"}]}}\n";
  const LoadResult r = load({dir});
  EXPECT_EQ(error_texts(r), std::vector<std::string>{(dir / "bad.json").string() +
                                                     ":3: Service default/bad: spec.ports[0].port: "
                                                     "expected an integer, got string '80'"});
  fs::remove(dir / "bad.json");
  const LoadResult ok = load({dir});
  ASSERT_TRUE(ok.has_value()) << dump(ok);
  EXPECT_EQ(ok->services.at(0).ports.at(0).port, 80);
  fs::remove_all(dir);
}

TEST(Loader, FilesAndFoldersTogether) {
  const LoadResult r = load({kSource / "scenarios" / "manifests" / "api-backend" / "hpa.yaml",
                             kSource / "scenarios" / "manifests" / "product-order"});
  ASSERT_TRUE(r.has_value()) << dump(r);
  EXPECT_EQ(r->hpas.size(), 4u);
  EXPECT_EQ(r->hpas[0].meta.namespace_, "api-platform");
  EXPECT_EQ(r->hpas[2].meta.namespace_, "shop");
}

TEST(Loader, SameObjectInTwoFilesIsADuplicate) {
  const fs::path hpa = kSource / "scenarios" / "manifests" / "api-backend" / "hpa.yaml";
  const LoadResult r = load({hpa, hpa});
  const std::vector<std::string> errors = error_texts(r);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], hpa.string() +
                           ":2: HorizontalPodAutoscaler api-platform/api-service: duplicate "
                           "object: already defined at " +
                           hpa.string() + ":2");
}

TEST(Loader, Platform1) {
  const LoadResult r = load({kSource / "scenarios" / "manifests" / "api-backend"});
  ASSERT_TRUE(r.has_value()) << dump(r);
  const ManifestSet& s = *r;
  EXPECT_EQ(s.size(), 10u);
  EXPECT_TRUE(s.not_modelled.empty());
  ASSERT_EQ(s.namespaces.size(), 1u);
  EXPECT_EQ(s.namespaces[0].meta.name, "api-platform");
  EXPECT_EQ(s.pdbs.size(), 2u);
  for (const char* name : {"api-service", "backend-service"}) {
    const Deployment* d = s.find_deployment("api-platform", name);
    ASSERT_NE(d, nullptr) << name;
    EXPECT_EQ(d->replicas, 2);
    const Container& c = d->template_.containers.at(0);
    ASSERT_TRUE(c.readiness_probe.has_value());
    EXPECT_EQ(c.readiness_probe->path, "/ready");  // services/common/http
    const Service* svc = s.find_service("api-platform", name);
    ASSERT_NE(svc, nullptr) << name;
    EXPECT_EQ(svc->type, ServiceType::kClusterIP);
    EXPECT_EQ(svc->ports.at(0).port, 80);
    EXPECT_TRUE(d->selector.matches(d->template_.labels));
    EXPECT_EQ(svc->selector, d->template_.labels);
  }
  const Deployment& backend = *s.find_deployment("api-platform", "backend-service");
  EXPECT_EQ(backend.rolling_update.max_unavailable, IntOrString::of_int(0));
  EXPECT_EQ(backend.template_.containers[0].requests_milli.at("cpu"), 250);
  ASSERT_EQ(s.ingresses.size(), 1u);
  const Ingress& in = s.ingresses[0];
  EXPECT_EQ(in.ingress_class, "nginx");
  ASSERT_EQ(in.rules.size(), 1u);
  ASSERT_EQ(in.rules[0].paths.size(), 3u);
  EXPECT_EQ(in.rules[0].paths[0].path, "/api");
  EXPECT_EQ(in.rules[0].paths[2].backend.service_name, "backend-service");
  ASSERT_EQ(s.hpas.size(), 2u);
  for (const HorizontalPodAutoscaler& hpa : s.hpas) {
    EXPECT_EQ(hpa.spec.metrics.at(0).resource_name, "cpu");
    EXPECT_EQ(hpa.spec.metrics.at(0).target.average_utilization, 50);
    EXPECT_NE(s.find_deployment(hpa.meta.namespace_, hpa.spec.scale_target_ref.name), nullptr);
  }
}

void expect_platform2_service(const ManifestSet& s, const std::string& name, int port) {
  const Deployment* d = s.find_deployment("shop", name);
  ASSERT_NE(d, nullptr) << name;
  EXPECT_EQ(d->replicas, 2);
  const Container& c = d->template_.containers.at(0);
  EXPECT_EQ(c.ports.at(0).container_port, port);
  EXPECT_EQ(c.requests_milli.at("cpu"), 100);
  EXPECT_EQ(c.requests_milli.at("memory"), 128LL * 1024 * 1024 * 1000);
  EXPECT_EQ(c.limits_milli.at("cpu"), 200);
  EXPECT_EQ(c.limits_milli.at("memory"), 256LL * 1024 * 1024 * 1000);
  EXPECT_EQ(c.readiness_probe->period_seconds, 15);
  EXPECT_EQ(d->template_.service_account_name, name);
  const NodeAffinity& a = d->template_.node_affinity;
  ASSERT_EQ(a.required.size(), 1u);
  EXPECT_EQ(a.required[0].match_expressions.at(0).values, std::vector<std::string>{"arm64"});
  EXPECT_EQ(a.required[0].match_expressions.at(1).values,
            (std::vector<std::string>{"ap-northeast-2a", "ap-northeast-2c"}));
  const Service* svc = s.find_service("shop", name);
  ASSERT_NE(svc, nullptr) << name;
  EXPECT_EQ(svc->ports.at(0).port, 80);
  EXPECT_EQ(svc->ports.at(0).target_port, IntOrString::of_string("http"));
}

TEST(Loader, Platform2) {
  const LoadResult r = load({kSource / "scenarios" / "manifests" / "product-order"});
  ASSERT_TRUE(r.has_value()) << dump(r);
  const ManifestSet& s = *r;
  expect_platform2_service(s, "product-service", 8081);
  expect_platform2_service(s, "order-service", 8080);
  ASSERT_EQ(s.ingresses.size(), 1u);
  EXPECT_EQ(s.ingresses[0].ingress_class, "alb");
  EXPECT_EQ(s.ingresses[0].meta.annotations.at("alb.ingress.kubernetes.io/target-type"), "ip");
  std::vector<std::string> paths;
  for (const IngressPath& p : s.ingresses[0].rules.at(0).paths) paths.push_back(p.path);
  EXPECT_EQ(paths,
            (std::vector<std::string>{"/api/v1/products", "/api/v1/orders", "/api/v1/health"}));
  ASSERT_EQ(s.hpas.size(), 2u);
  for (const HorizontalPodAutoscaler& hpa : s.hpas) {
    EXPECT_EQ(hpa.spec.metrics.at(0).target.type, h::MetricTargetType::kUtilization);
    EXPECT_EQ(hpa.spec.metrics.at(0).target.average_utilization, 70);
  }
  ASSERT_EQ(s.pdbs.size(), 2u);
  EXPECT_EQ(s.pdbs[0].min_available, IntOrString::of_int(1));
  ASSERT_EQ(s.stateful_sets.size(), 1u);
  const StatefulSet& kafka = s.stateful_sets[0];
  EXPECT_EQ(kafka.replicas, 1);
  EXPECT_EQ(kafka.service_name, "kafka");
  const Service* headless = s.find_service("shop", "kafka");
  ASSERT_NE(headless, nullptr);
  EXPECT_TRUE(headless->headless);
  EXPECT_EQ(headless->ports.at(0).port, 9092);
  // Karpenter's NodePool and EC2NodeClass are modelled (karpenter_test.cpp
  // checks every field); listed, not modelled: 2 NetworkPolicies and
  // 2 ServiceAccounts (files in name order).
  ASSERT_EQ(s.node_pools.size(), 1u);
  EXPECT_EQ(s.node_pools[0].meta.name, "default");
  ASSERT_EQ(s.ec2_node_classes.size(), 1u);
  EXPECT_EQ(s.ec2_node_classes[0].meta.name, "bottlerocket");
  std::vector<std::string> listed;
  for (const NotModelled& n : s.not_modelled) listed.push_back(n.kind + " " + n.name);
  EXPECT_EQ(listed, (std::vector<std::string>{
                        "NetworkPolicy services-ingress", "NetworkPolicy kafka-ingress",
                        "ServiceAccount product-service", "ServiceAccount order-service"}));
}

}  // namespace
}  // namespace ksim::manifest
