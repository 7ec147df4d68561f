// nodeGroups: defaults, counts and bounds, sizes given or derived, labels,
// taints, and the located errors.
#include <gtest/gtest.h>

#include "helpers.h"

namespace ksim::scenario {
namespace {

using testing::errors_of;
using testing::parse_ok;

constexpr std::int64_t kMiB = 1024 * 1024;

TEST(NodeGroupReader, DefaultsFromTheInstanceType) {
  const Scenario s = parse_ok("nodeGroups: [{name: g, instanceType: m7g.large, count: 4}]\n");
  ASSERT_EQ(s.node_groups.size(), 1u);
  const NodeGroup& g = s.node_groups[0];
  EXPECT_EQ(g.name, "g");
  EXPECT_EQ(g.count, 4);
  EXPECT_EQ(g.min, 4);
  EXPECT_EQ(g.max, 4);
  EXPECT_EQ(g.arch, "arm64");  // Graviton, from the catalog
  EXPECT_TRUE(g.zones.empty());
  EXPECT_EQ(g.allocatable_source, AllocatableSource::kFromInstanceType);
  EXPECT_EQ(g.capacity, (Resources{2000, 7518 * kMiB, 29}));
  EXPECT_EQ(g.allocatable, (Resources{1930, 6844 * kMiB, 29}));
  EXPECT_TRUE(g.labels.empty());
  EXPECT_TRUE(g.taints.empty());
  EXPECT_EQ(g.line, 1);
}

TEST(NodeGroupReader, EverythingWritten) {
  const Scenario s = parse_ok(R"(nodeGroups:
  - name: big
    instanceType: custom.metal
    min: 1
    max: 5
    zones: [z1, z2]
    arch: amd64
    capacity: {cpu: 4, memory: 16Gi, pods: 110}
    labels: {tier: batch}
    taints:
      - {key: dedicated, value: batch, effect: NoSchedule}
      - {key: spot, effect: PreferNoSchedule}
)");
  const NodeGroup& g = s.node_groups[0];
  EXPECT_EQ(g.count, 1);  // min when count is omitted
  EXPECT_EQ(g.min, 1);
  EXPECT_EQ(g.max, 5);
  EXPECT_EQ(g.zones, (std::vector<std::string>{"z1", "z2"}));
  EXPECT_EQ(g.allocatable_source, AllocatableSource::kFromCapacity);
  EXPECT_EQ(g.capacity, (Resources{4000, 16384 * kMiB, 110}));
  // 80m kube-reserved CPU; 11 x 110 + 255 + 100 = 1565 MiB.
  EXPECT_EQ(g.allocatable, (Resources{3920, (16384 - 1565) * kMiB, 110}));
  EXPECT_EQ(g.labels.at("tier"), "batch");
  ASSERT_EQ(g.taints.size(), 2u);
  EXPECT_EQ(g.taints[0], (Taint{"dedicated", "batch", manifest::TaintEffect::kNoSchedule}));
  EXPECT_EQ(g.taints[1].effect, manifest::TaintEffect::kPreferNoSchedule);
}

TEST(NodeGroupReader, AllocatableGiven) {
  const Scenario s = parse_ok(R"(nodeGroups:
  - {name: a, instanceType: m5.large, count: 2, allocatable: {cpu: 1900m, memory: 7Gi, pods: 20}}
  - {name: b, instanceType: none.such, count: 1, allocatable: {cpu: 1, memory: 1Gi, pods: 10}}
)");
  EXPECT_EQ(s.node_groups[0].allocatable_source, AllocatableSource::kGiven);
  EXPECT_EQ(s.node_groups[0].allocatable, (Resources{1900, 7168 * kMiB, 20}));
  EXPECT_EQ(s.node_groups[0].capacity.pods, 29);  // the catalog's
  EXPECT_EQ(s.node_groups[1].capacity, s.node_groups[1].allocatable);
  EXPECT_EQ(s.node_groups[1].arch, "amd64");
}

TEST(NodeGroupReader, Errors) {
  const auto errors = errors_of(R"(nodeGroups:
  - name: a
    instanceType: x9.huge
    count: 1
  - name: a
    instanceType: m7g.large
    arch: amd64
    min: 3
    max: 2
  - instanceType: m5.large
    count: -1
    taints: [{key: k, effect: Sometimes}]
    capacity: {cpu: 2, memory: lots}
    zone: a
)");
  ASSERT_EQ(errors.size(), 10u);
  EXPECT_EQ(errors[0],
            "x.yaml:3: nodeGroups[0].instanceType: unknown instance type 'x9.huge': give capacity "
            "(cpu, memory, pods) or allocatable");
  EXPECT_EQ(errors[1], "x.yaml:5: nodeGroups[1].name: duplicate node group name 'a'");
  EXPECT_EQ(errors[2], "x.yaml:7: nodeGroups[1].arch: m7g.large is arm64, got 'amd64'");
  EXPECT_EQ(errors[3],
            "x.yaml:8: nodeGroups[1].min: need min <= count <= max, got min 3, count 3, max 2");
  EXPECT_EQ(errors[4], "x.yaml:10: nodeGroups[2].name: required field missing");
  EXPECT_EQ(errors[5], "x.yaml:11: nodeGroups[2].count: must be greater than or equal to 0");
  EXPECT_EQ(errors[6],
            "x.yaml:12: nodeGroups[2].taints[0].effect: expected NoSchedule, PreferNoSchedule or "
            "NoExecute, got 'Sometimes'");
  EXPECT_EQ(errors[7], "x.yaml:13: nodeGroups[2].capacity.pods: required field missing");
  EXPECT_EQ(errors[8], "x.yaml:13: nodeGroups[2].capacity.memory: invalid quantity 'lots'");
  EXPECT_EQ(errors[9],
            "x.yaml:14: nodeGroups[2].zone: unknown field (known: name, instanceType, count, min, "
            "max, zones, arch, capacity, allocatable, labels, taints, capacityType, nodePool)");
}

TEST(NodeGroupReader, CountOrBoundsRequired) {
  const auto errors = errors_of(R"(nodeGroups:
  - {name: a, instanceType: m5.large}
  - {name: b, instanceType: m5.large, min: 1}
)");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0],
            "x.yaml:2: nodeGroups[0].count: required field missing (or give min and max)");
  EXPECT_EQ(errors[1],
            "x.yaml:3: nodeGroups[1].max: required field missing (min and max go together)");
}

}  // namespace
}  // namespace ksim::scenario
