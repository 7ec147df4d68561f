// The located, typed reader: YAML scalar typing as kubectl apply sees it,
// wrong-type messages, duplicate keys, line numbers; number() and
// check_known_keys() (used by the scenario reader).
#include "ksim/sim/manifest/yaml_reader.h"

#include <gtest/gtest.h>

#include "helpers.h"

namespace ksim::manifest {
namespace {

using testing::errors_of;
using yaml::ScalarKind;

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
    EXPECT_EQ(yaml::scalar_kind(n), c.kind) << c.yaml;
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

// Reads `key` of the document `text` with a sink named "x.yaml".
std::vector<std::string> read_errors(std::string_view text, auto read) {
  yaml::ErrorSink sink("x.yaml");
  const yaml::Field root(YAML::Load(std::string(text)), "", 1, &sink);
  read(root);
  std::vector<LoadError> out;
  sink.flush("", out);
  std::vector<std::string> texts;
  for (const LoadError& e : out) texts.push_back(e.to_string());
  return texts;
}

TEST(Reader, NumbersAcceptIntegersAndFloats) {
  const YAML::Node doc = YAML::Load("{a: 3, b: 2.5, c: 1e3, d: 0x10, e: \"7\", f: .inf}");
  yaml::ErrorSink sink("x.yaml");
  const yaml::Field root(doc, "", 1, &sink);
  EXPECT_EQ(root.get("a")->number(), 3.0);
  EXPECT_EQ(root.get("b")->number(), 2.5);
  EXPECT_EQ(root.get("c")->number(), 1000.0);
  EXPECT_EQ(root.get("d")->number(), 16.0);
  EXPECT_EQ(sink.count(), 0u);
  EXPECT_FALSE(root.get("e")->number());  // a quoted number is a string
  EXPECT_FALSE(root.get("f")->number());
  EXPECT_EQ(sink.count(), 2u);
}

TEST(Reader, NumberErrorsNameTheValue) {
  const auto errors = read_errors("load:\n  rps: fast\n  x: .nan\n", [](const yaml::Field& r) {
    (void)r.get("load")->get("rps")->number();
    (void)r.get("load")->get("x")->number();
  });
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "x.yaml:2: load.rps: expected a number, got string 'fast'");
  EXPECT_EQ(errors[1], "x.yaml:3: load.x: expected a finite number, got number .nan");
}

TEST(Reader, UnknownKeysAreReportedAtTheirLine) {
  const auto errors = read_errors("name: a\ncount: 2\nzone: b\n", [](const yaml::Field& r) {
    yaml::check_known_keys(r, {"name", "count"});
  });
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "x.yaml:3: zone: unknown field (known: name, count)");
}

}  // namespace
}  // namespace ksim::manifest
