// The located, typed reader: YAML scalar typing as kubectl apply sees it,
// wrong-type messages, duplicate keys, line numbers.
#include "reader.h"

#include <gtest/gtest.h>

#include "helpers.h"

namespace ksim::manifest {
namespace {

using detail::ScalarKind;
using testing::errors_of;

struct KindCase {
  const char* yaml;
  ScalarKind kind;
};

TEST(Reader, ScalarKindsFollowGoYamlV2) {
  const KindCase cases[] = {
      {"80", ScalarKind::kInt},          {"-3", ScalarKind::kInt},
      {"0x1F", ScalarKind::kInt},        {"1_000", ScalarKind::kInt},
      {"\"80\"", ScalarKind::kString},   {"'80'", ScalarKind::kString},
      {"!!str 80", ScalarKind::kString}, {"1.5", ScalarKind::kFloat},
      {"1e3", ScalarKind::kFloat},       {".inf", ScalarKind::kFloat},
      {"yes", ScalarKind::kBool},        {"On", ScalarKind::kBool},
      {"FALSE", ScalarKind::kBool},      {"n", ScalarKind::kBool},
      {"~", ScalarKind::kNull},          {"null", ScalarKind::kNull},
      {"500m", ScalarKind::kString},     {"128Mi", ScalarKind::kString},
      {"api:1.0", ScalarKind::kString},  {"|\n  text", ScalarKind::kString},
      {"1.2.3", ScalarKind::kString},    {"e3", ScalarKind::kString},
  };
  for (const KindCase& c : cases) {
    const YAML::Node n = YAML::Load(c.yaml);
    EXPECT_EQ(detail::scalar_kind(n), c.kind) << c.yaml;
  }
}

TEST(Reader, WrongTypesNameWhatWasExpected) {
  const auto errors = errors_of(R"(apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    enabled: yes
    tier: [a]
spec:
  selector: app
  ports:
    - port: "80"
      name: 8080
)");
  const std::vector<std::string> expected = {
      "test.yaml:6: Service default/web: metadata.labels.enabled: expected a string, got boolean "
      "yes (quote it: \"yes\")",
      "test.yaml:7: Service default/web: metadata.labels.tier: expected a string, got a list",
      "test.yaml:9: Service default/web: spec.selector: expected a mapping, got string 'app'",
      "test.yaml:11: Service default/web: spec.ports[0].port: expected an integer, got string "
      "'80'",
      "test.yaml:12: Service default/web: spec.ports[0].name: expected a string, got number 8080 "
      "(quote it: \"8080\")",
  };
  EXPECT_EQ(errors, expected);
}

TEST(Reader, IntegerRangeAndFloats) {
  const auto errors = errors_of(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3000000000
  minReadySeconds: 2.5
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i}]}
)");
  const std::vector<std::string> expected = {
      "test.yaml:5: Deployment default/web: spec.replicas: integer out of range for int32: "
      "3000000000",
      "test.yaml:6: Deployment default/web: spec.minReadySeconds: expected an integer, got number "
      "2.5",
  };
  EXPECT_EQ(errors, expected);
}

TEST(Reader, NullMeansUnset) {
  // JSON null is an unset field: defaults apply, no type error.
  const ManifestSet set = testing::parse_ok(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ~}
spec:
  replicas:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i}]}
)");
  ASSERT_EQ(set.deployments.size(), 1u);
  EXPECT_EQ(set.deployments[0].replicas, 1);
  EXPECT_EQ(set.deployments[0].meta.namespace_, "default");
}

TEST(Reader, DuplicateKeysAreErrorsAtTheSecondKey) {
  const auto errors = errors_of(R"(apiVersion: v1
kind: Namespace
metadata:
  name: a
  labels:
    team: red
    team: blue
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "test.yaml:7: Namespace a: metadata.labels.team: duplicate field 'team' (written twice "
            "in one mapping)");
}

TEST(Reader, LabelKeysWithDotsUseBrackets) {
  const auto errors = errors_of(R"(apiVersion: v1
kind: Namespace
metadata:
  name: a
  labels:
    app.kubernetes.io/name: 5
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "test.yaml:6: Namespace a: metadata.labels[app.kubernetes.io/name]: expected a string, "
            "got number 5 (quote it: \"5\")");
}

}  // namespace
}  // namespace ksim::manifest
