// `podTrace:` and its CSV: columns in any order, defaults, the optional
// `load:` it allows, and errors located in the CSV by line and column.
#include <gtest/gtest.h>

#include <chrono>

#include "helpers.h"
#include "readers.h"

namespace ksim::scenario {
namespace {

using namespace std::chrono_literals;
using testing::errors_of;
using testing::parse_ok;

std::string csv(const char* name) { return (testing::data_dir() / "podtrace" / name).string(); }

// A scenario without `load:` (complete() would add one).
ScenarioResult without_load(std::string_view pod_trace, std::string_view extra = "duration: 1h\n") {
  std::string text = "manifests: [manifests/]\n";
  text += "nodeGroups: [{name: g, instanceType: m5.large, count: 1}]\n";
  text += std::string(extra);
  text += std::string(pod_trace);
  return parse_scenario(text, "x.yaml", testing::data_dir());
}

std::vector<std::string> texts(const ScenarioResult& r) {
  std::vector<std::string> out;
  if (!r)
    for (const LoadError& e : r.error()) out.push_back(e.to_string());
  return out;
}

TEST(PodTrace, ReadsRowsWithDefaults) {
  const Scenario s = parse_ok("podTrace: {csv: podtrace/basic.csv}\n");
  ASSERT_TRUE(s.pod_trace.has_value());
  const PodTrace& t = *s.pod_trace;
  EXPECT_EQ(t.namespace_, "default");
  EXPECT_TRUE(t.node_selector.empty());
  EXPECT_TRUE(t.tolerations.empty());
  EXPECT_EQ(t.termination_grace, 30s);
  ASSERT_EQ(t.pods.size(), 2u);
  EXPECT_EQ(t.pods[0].at, 0s);
  EXPECT_EQ(t.pods[0].duration, 60s);
  EXPECT_EQ(t.pods[0].cpu_milli, 500);
  EXPECT_EQ(t.pods[0].memory_bytes, 1LL << 30);
  EXPECT_EQ(t.pods[0].name, "");  // trace-0 when created
  EXPECT_EQ(t.pods[1].at, 2500ms);
  EXPECT_EQ(t.pods[1].duration, 250ms);
  EXPECT_EQ(t.pods[1].cpu_milli, 1000);
  EXPECT_EQ(t.pods[1].memory_bytes, 512LL << 20);
}

TEST(PodTrace, ColumnsInAnyOrderWithNamesAndTheOtherFields) {
  const Scenario s = parse_ok(R"(podTrace:
  csv: podtrace/named.csv
  namespace: batch
  nodeSelector: {kubernetes.io/arch: arm64}
  annotations: {karpenter.sh/do-not-disrupt: "true"}
  tolerations:
    - {key: dedicated, value: batch, effect: NoSchedule}
    - {operator: Exists}
  terminationGracePeriod: 5s
)");
  ASSERT_TRUE(s.pod_trace.has_value());
  const PodTrace& t = *s.pod_trace;
  EXPECT_EQ(t.namespace_, "batch");
  EXPECT_EQ(t.node_selector.at("kubernetes.io/arch"), "arm64");
  EXPECT_EQ(t.annotations.at("karpenter.sh/do-not-disrupt"), "true");
  ASSERT_EQ(t.tolerations.size(), 2u);
  EXPECT_EQ(t.tolerations[0].key, "dedicated");
  EXPECT_EQ(t.tolerations[0].value, "batch");
  EXPECT_EQ(t.tolerations[0].effect, manifest::TaintEffect::kNoSchedule);
  EXPECT_EQ(t.tolerations[1].op, manifest::TolerationOperator::kExists);
  EXPECT_EQ(t.tolerations[1].effect, manifest::TaintEffect::kAll);
  EXPECT_EQ(t.termination_grace, 5s);
  ASSERT_EQ(t.pods.size(), 2u);
  EXPECT_EQ(t.pods[0].name, "batch-a");
  EXPECT_EQ(t.pods[0].cpu_milli, 250);
  EXPECT_EQ(t.pods[0].memory_bytes, 128LL << 20);
  EXPECT_EQ(t.pods[1].name, "batch-b");
  EXPECT_EQ(t.pods[1].memory_bytes, 1'000'000'000);
  EXPECT_EQ(t.pods[1].duration, 20s);
}

TEST(PodTrace, LoadMayBeAbsentButThenDurationIsRequired) {
  const ScenarioResult ok = without_load("podTrace: {csv: podtrace/basic.csv}\n");
  ASSERT_TRUE(ok.has_value()) << texts(ok).front();
  EXPECT_TRUE(ok->load.phases.empty());
  EXPECT_EQ(ok->duration, 1h);
  EXPECT_EQ(
      texts(without_load("podTrace: {csv: podtrace/basic.csv}\n", "")),
      std::vector<std::string>{"x.yaml:1: duration: required field missing (there is no load)"});
  // Without a pod trace, `load` stays required.
  EXPECT_EQ(texts(without_load("")),
            std::vector<std::string>{"x.yaml:1: load: required field missing"});
}

TEST(PodTrace, FieldErrorsAreLocatedInTheScenario) {
  const auto errors = errors_of(R"(podTrace:
  csv: podtrace/nowhere.csv
  namespace: ""
  tolerations: [{value: x}, {key: k, effect: Sometimes}]
  terminationGracePeriod: soon
  colour: blue
)");
  ASSERT_EQ(errors.size(), 6u) << errors[0];
  EXPECT_NE(errors[0].find("x.yaml:2: podTrace.csv: no such file or folder"), std::string::npos)
      << errors[0];
  EXPECT_EQ(errors[1], "x.yaml:3: podTrace.namespace: must not be empty");
  EXPECT_EQ(errors[2],
            "x.yaml:4: podTrace.tolerations[0]: a toleration without a key needs operator: Exists");
  EXPECT_NE(errors[3].find("x.yaml:4: podTrace.tolerations[1].effect"), std::string::npos)
      << errors[3];
  EXPECT_NE(errors[4].find("x.yaml:5: podTrace.terminationGracePeriod"), std::string::npos)
      << errors[4];
  EXPECT_EQ(errors[5],
            "x.yaml:6: podTrace.colour: unknown field (known: csv, namespace, nodeSelector, "
            "tolerations, annotations, terminationGracePeriod)");
}

TEST(PodTrace, CsvErrorsNameFileLineAndColumn) {
  const auto errors = errors_of("podTrace: {csv: podtrace/bad.csv}\n");
  const std::string f = csv("bad.csv");
  ASSERT_EQ(errors.size(), 4u) << errors[0];
  EXPECT_EQ(errors[0], f + ":2: at: must be greater than or equal to 0, got -1");
  EXPECT_EQ(errors[1], f + ":3: duration: expected a number of seconds, got 'soon'");
  EXPECT_NE(errors[2].find(f + ":3: cpu: invalid quantity 'lots'"), std::string::npos) << errors[2];
  EXPECT_EQ(errors[3], f + ":4: expected 4 columns, got 3");
}

TEST(PodTrace, HeaderAndNameErrors) {
  const auto header = errors_of("podTrace: {csv: podtrace/bad-header.csv}\n");
  const std::string h = csv("bad-header.csv");
  ASSERT_EQ(header.size(), 4u) << header[0];
  EXPECT_EQ(header[0], h + ":1: colour: unknown column (expected at, duration, cpu, memory, name)");
  EXPECT_EQ(header[1], h + ":1: cpu: column given twice");
  EXPECT_EQ(header[2], h + ":1: duration: required column missing");
  EXPECT_EQ(header[3], h + ":1: memory: required column missing");
  const auto dup = errors_of("podTrace: {csv: podtrace/duplicate.csv}\n");
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_EQ(dup[0], csv("duplicate.csv") + ":3: name: duplicate pod name 'a'");
}

}  // namespace
}  // namespace ksim::scenario
