// The instance catalog and the EKS allocatable formula, against the worked
// examples of cluster-facts A.11 (Karpenter's pre-registration estimate).
#include <gtest/gtest.h>

#include "ksim/sim/scenario/node_group.h"

namespace ksim::scenario {
namespace {

constexpr std::int64_t kMiB = 1024 * 1024;

struct Case {
  const char* type;
  std::int64_t capacity_mib;
  std::int32_t pods;
  std::int64_t alloc_cpu;
  std::int64_t alloc_mib;
};

TEST(InstanceCatalog, MatchesTheWorkedExamples) {
  const Case cases[] = {
      {"t4g.medium", 3729, 17, 1930, 3187}, {"c7g.large", 3729, 29, 1930, 3055},
      {"m6g.large", 7518, 29, 1930, 6844},  {"m7g.large", 7518, 29, 1930, 6844},
      {"m5.large", 7577, 29, 1930, 6903},
  };
  for (const Case& c : cases) {
    const auto type = find_instance_type(c.type);
    ASSERT_TRUE(type) << c.type;
    const Resources cap = eks_capacity(*type);
    EXPECT_EQ(cap.cpu_milli, 2000) << c.type;
    EXPECT_EQ(cap.memory_bytes, c.capacity_mib * kMiB) << c.type;
    EXPECT_EQ(cap.pods, c.pods) << c.type;
    const Resources alloc = eks_allocatable(cap);
    EXPECT_EQ(alloc.cpu_milli, c.alloc_cpu) << c.type;
    EXPECT_EQ(alloc.memory_bytes, c.alloc_mib * kMiB) << c.type;
    EXPECT_EQ(alloc.pods, c.pods) << c.type;
  }
}

TEST(InstanceCatalog, KubeReservedCpuByCores) {
  // 6 % + 1 % + 0.5 % x 2 + 0.25 % x rest: 2 -> 70m, 4 -> 80m, 8 -> 90m.
  EXPECT_EQ(eks_allocatable({.cpu_milli = 1000, .pods = 1}).cpu_milli, 940);
  EXPECT_EQ(eks_allocatable({.cpu_milli = 4000, .pods = 1}).cpu_milli, 3920);
  EXPECT_EQ(eks_allocatable({.cpu_milli = 8000, .pods = 1}).cpu_milli, 7910);
}

TEST(InstanceCatalog, XlargeTypes) {
  const Resources cap = eks_capacity(*find_instance_type("m7g.xlarge"));
  EXPECT_EQ(cap.pods, 58);
  EXPECT_EQ(cap.cpu_milli, 4000);
  // kube-reserved memory 11 x 58 + 255 = 893 MiB, eviction 100 MiB.
  EXPECT_EQ(cap.memory_bytes - eks_allocatable(cap).memory_bytes, (893 + 100) * kMiB);
  EXPECT_EQ(find_instance_type("m7g.xlarge")->arch, "arm64");
  EXPECT_EQ(find_instance_type("m5.large")->arch, "amd64");
}

TEST(InstanceCatalog, UnknownType) { EXPECT_FALSE(find_instance_type("x9.huge")); }

TEST(InstanceCatalog, NeverNegative) {
  const Resources tiny = eks_allocatable({.cpu_milli = 10, .memory_bytes = kMiB, .pods = 1});
  EXPECT_EQ(tiny.cpu_milli, 0);
  EXPECT_EQ(tiny.memory_bytes, 0);
}

}  // namespace
}  // namespace ksim::scenario
