// The catalog file format: a small catalog read field by field, zones and
// capacity types, exact prices, and every error located.
#include <gtest/gtest.h>

#include "ksim/sim/scenario/instance_catalog.h"

namespace ksim::scenario {
namespace {

std::vector<std::string> errors_of(std::string_view yaml) {
  std::vector<std::string> out;
  auto r = InstanceCatalog::parse(yaml, "cat.yaml");
  if (r) return out;
  for (const LoadError& e : r.error()) out.push_back(e.to_string());
  return out;
}

TEST(CatalogReader, OneTypeEveryField) {
  auto r = InstanceCatalog::parse(R"(instanceTypes:
  - name: m7g.large
    vcpu: 2
    memoryMiB: 8192
    arch: arm64
    enis: 3
    ipv4PerEni: 10
    offerings:
      - region: ap-northeast-2
        onDemand: 0.1003
        spot: {ap-northeast-2a: 0.034, ap-northeast-2c: 0.0336}
      - region: us-east-1
        onDemand: 1
        zones: [us-east-1a]
)",
                                  "cat.yaml");
  ASSERT_TRUE(r) << r.error().front().to_string();
  EXPECT_EQ(r->source(), "cat.yaml");
  ASSERT_EQ(r->types().size(), 1u);
  const InstanceType& t = r->types()[0];
  EXPECT_EQ(t.name, "m7g.large");
  EXPECT_EQ(t.vcpus, 2);
  EXPECT_EQ(t.memory_mib, 8192);
  EXPECT_EQ(t.arch, "arm64");
  EXPECT_EQ(t.enis, 3);
  EXPECT_EQ(t.ipv4_per_eni, 10);
  using enum CapacityType;
  EXPECT_EQ(t.offerings, (std::vector<Offering>{
                             {"ap-northeast-2", "ap-northeast-2a", kOnDemand, 100'300},
                             {"ap-northeast-2", "ap-northeast-2c", kOnDemand, 100'300},
                             {"ap-northeast-2", "ap-northeast-2a", kSpot, 34'000},
                             {"ap-northeast-2", "ap-northeast-2c", kSpot, 33'600},
                             {"us-east-1", "us-east-1a", kOnDemand, 1'000'000},
                         }));
  EXPECT_DOUBLE_EQ(t.offerings[0].usd_per_hour(), 0.1003);
  EXPECT_EQ(r->find("m7g.large"), &r->types()[0]);
  EXPECT_EQ(r->find("m7g.xlarge"), nullptr);
  EXPECT_EQ(r->find_offering("m7g.large", "ap-northeast-2", "ap-northeast-2c", kSpot),
            (Offering{"ap-northeast-2", "ap-northeast-2c", kSpot, 33'600}));
  EXPECT_FALSE(r->find_offering("m7g.large", "ap-northeast-2", "ap-northeast-2b", kOnDemand));
  EXPECT_FALSE(r->find_offering("m7g.large", "us-east-1", "us-east-1a", kSpot));
  EXPECT_EQ(r->offerings("m7g.large", "us-east-1").size(), 1u);
  EXPECT_EQ(r->offerings("m7g.large").size(), 5u);
  EXPECT_EQ(r->zones("ap-northeast-2"),
            (std::vector<std::string>{"ap-northeast-2a", "ap-northeast-2c"}));
}

TEST(CatalogReader, RegionOfZone) {
  EXPECT_EQ(region_of_zone("ap-northeast-2a"), "ap-northeast-2");
  EXPECT_EQ(region_of_zone("us-east-1f"), "us-east-1");
  EXPECT_EQ(region_of_zone("eu-central-1"), "");  // a region, not a zone
  EXPECT_EQ(region_of_zone("z1"), "");
  EXPECT_EQ(region_of_zone("zone-a"), "");
  EXPECT_EQ(region_of_zone(""), "");
}

TEST(CatalogReader, Errors) {
  EXPECT_EQ(errors_of(R"(instanceTypes:
  - name: a.large
    vcpu: 0
    memoryMiB: lots
    arch: x86
    enis: 3
    ipv4PerEni: 1
    offerings:
      - region: us-east-1
        onDemand: 0.12345678
        spot: {eu-west-1a: 0.03, us-east-1b: free}
      - region: us-east-1
        onDemand: 0.1
        zones: [us-east-1a]
      - region: eu-west-1
        onDemand: -1
  - name: a.large
    vcpu: 2
    memoryMiB: 8192
    enis: 3
    ipv4PerEni: 10
    colour: red
)"),
            (std::vector<std::string>{
                "cat.yaml:3: instanceTypes[0].vcpu: must be at least 1, got 0",
                "cat.yaml:4: instanceTypes[0].memoryMiB: expected an integer, got string 'lots'",
                "cat.yaml:5: instanceTypes[0].arch: expected amd64 or arm64, got 'x86'",
                "cat.yaml:7: instanceTypes[0].ipv4PerEni: must be at least 2, got 1",
                "cat.yaml:10: instanceTypes[0].offerings[0].onDemand: at most 6 decimals "
                "(micro-USD per hour), got '0.12345678'",
                "cat.yaml:11: instanceTypes[0].offerings[0].spot.eu-west-1a: zone 'eu-west-1a' "
                "is not in region us-east-1",
                "cat.yaml:11: instanceTypes[0].offerings[0].spot.us-east-1b: expected a price in "
                "USD per hour, got string 'free'",
                "cat.yaml:12: instanceTypes[0].offerings[1].region: region 'us-east-1' is listed "
                "twice for a.large",
                "cat.yaml:15: instanceTypes[0].offerings[2].zones: no zone: give `spot` prices by "
                "zone or a `zones` list",
                "cat.yaml:16: instanceTypes[0].offerings[2].onDemand: expected a plain decimal "
                "price such as 0.0816, got '-1'",
                "cat.yaml:17: instanceTypes[1].arch: required field missing",
                "cat.yaml:17: instanceTypes[1].name: duplicate instance type 'a.large' (first at "
                "line 2)",
                "cat.yaml:22: instanceTypes[1].colour: unknown field (known: name, vcpu, "
                "memoryMiB, arch, enis, ipv4PerEni, offerings)",
            }));
  EXPECT_EQ(errors_of("instanceTypes: []\n"),
            (std::vector<std::string>{"cat.yaml:1: instanceTypes: at least one instance type"}));
  EXPECT_EQ(errors_of("types: {}\n"),
            (std::vector<std::string>{"cat.yaml:1: types: unknown field (known: instanceTypes)",
                                      "cat.yaml:1: instanceTypes: required field missing"}));
  EXPECT_EQ(errors_of("instanceTypes: [\n"),
            (std::vector<std::string>{"cat.yaml:2: invalid YAML: end of sequence flow not found"}));
}

TEST(CatalogReader, LoadMissingFile) {
  auto r = InstanceCatalog::load("/nonexistent/catalog.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().front().to_string(), "/nonexistent/catalog.yaml: cannot read the file");
}

}  // namespace
}  // namespace ksim::scenario
