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

// The shipped catalog (scenarios/catalog/ec2-instance-types.yaml, compiled in).
TEST(InstanceCatalog, BuiltinCoversTheSeedTypesAndNeighbours) {
  const InstanceCatalog& c = InstanceCatalog::builtin();
  EXPECT_EQ(c.source(), "<built-in> scenarios/catalog/ec2-instance-types.yaml");
  EXPECT_EQ(c.types().size(), 39u);
  EXPECT_EQ(&c, &InstanceCatalog::builtin());  // parsed once
  for (const char* family : {"m6g", "m7g", "c6g", "c7g", "r7g", "m5", "c6i", "m6i", "r6i"}) {
    for (const char* size : {"large", "xlarge", "2xlarge", "4xlarge"}) {
      EXPECT_NE(c.find(std::string(family) + "." + size), nullptr) << family << "." << size;
    }
  }
  for (const char* t : {"t4g.medium", "t4g.large", "t4g.xlarge"}) EXPECT_NE(c.find(t), nullptr);
  EXPECT_EQ(c.zones("ap-northeast-2"),
            (std::vector<std::string>{"ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c",
                                      "ap-northeast-2d"}));
  EXPECT_EQ(c.zones("us-east-1"),
            (std::vector<std::string>{"us-east-1a", "us-east-1b", "us-east-1d", "us-east-1e",
                                      "us-east-1f"}));
  // Every type: on-demand and spot in every zone of both regions.
  for (const InstanceType& t : c.types()) {
    EXPECT_EQ(c.offerings(t.name, "ap-northeast-2").size(), 8u) << t.name;
    EXPECT_EQ(c.offerings(t.name, "us-east-1").size(), 10u) << t.name;
  }
}

TEST(InstanceCatalog, MaxPodsMatchEniMaxPods) {
  // vpc-cni misc/eni-max-pods.txt
  const struct {
    const char* type;
    std::int32_t pods;
    const char* arch;
  } cases[] = {{"t4g.medium", 17, "arm64"},   {"t4g.large", 35, "arm64"},
               {"t4g.xlarge", 58, "arm64"},   {"m7g.large", 29, "arm64"},
               {"c6g.xlarge", 58, "arm64"},   {"r7g.2xlarge", 58, "arm64"},
               {"m6g.4xlarge", 234, "arm64"}, {"m5.large", 29, "amd64"},
               {"c6i.2xlarge", 58, "amd64"},  {"r6i.4xlarge", 234, "amd64"}};
  for (const auto& c : cases) {
    const InstanceType* t = find_instance_type(c.type);
    ASSERT_NE(t, nullptr) << c.type;
    EXPECT_EQ(eks_capacity(*t).pods, c.pods) << c.type;
    EXPECT_EQ(t->arch, c.arch) << c.type;
  }
}

TEST(InstanceCatalog, PricesFromTheFile) {
  const InstanceCatalog& c = InstanceCatalog::builtin();
  using enum CapacityType;
  const struct {
    const char* type;
    const char* region;
    const char* zone;
    CapacityType capacity;
    std::int64_t micro_usd;
  } cases[] = {
      // Sourced (file header): Seoul and us-east-1 on-demand, reference-size spot.
      {"m7g.large", "ap-northeast-2", "ap-northeast-2a", kOnDemand, 100'300},
      {"m7g.large", "ap-northeast-2", "ap-northeast-2d", kSpot, 25'400},
      {"m7g.large", "us-east-1", "us-east-1a", kOnDemand, 81'600},
      {"m5.large", "us-east-1", "us-east-1b", kOnDemand, 96'000},
      {"m5.large", "us-east-1", "us-east-1b", kSpot, 31'700},
      {"r6i.4xlarge", "us-east-1", "us-east-1a", kOnDemand, 1'008'000},
      // Scaled on-demand: c7g.4xlarge = 8 x c7g.large (0.0816).
      {"c7g.4xlarge", "ap-northeast-2", "ap-northeast-2c", kOnDemand, 652'800},
      // Derived spot: m7g.xlarge = 0.2006 x (0.0340 / 0.1003) in 2a.
      {"m7g.xlarge", "ap-northeast-2", "ap-northeast-2a", kSpot, 68'000},
  };
  for (const auto& k : cases) {
    auto o = c.find_offering(k.type, k.region, k.zone, k.capacity);
    ASSERT_TRUE(o) << k.type << " " << k.zone;
    EXPECT_EQ(o->micro_usd_per_hour, k.micro_usd) << k.type << " " << k.zone;
  }
  EXPECT_FALSE(c.find_offering("m7g.large", "ap-northeast-2", "ap-northeast-2e", kOnDemand));
  EXPECT_FALSE(c.find_offering("m7g.large", "eu-west-1", "eu-west-1a", kOnDemand));
  EXPECT_EQ(to_string(kSpot), "spot");
  EXPECT_EQ(to_string(kOnDemand), "on-demand");
}

TEST(InstanceCatalog, NeverNegative) {
  const Resources tiny = eks_allocatable({.cpu_milli = 10, .memory_bytes = kMiB, .pods = 1});
  EXPECT_EQ(tiny.cpu_milli, 0);
  EXPECT_EQ(tiny.memory_bytes, 0);
}

}  // namespace
}  // namespace ksim::scenario
