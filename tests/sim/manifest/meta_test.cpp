// Shared value helpers: int-or-percent scaling, error text, set lookups.
#include "ksim/sim/manifest/meta.h"

#include <gtest/gtest.h>

#include "helpers.h"
#include "ksim/sim/manifest/load.h"

namespace ksim::manifest {
namespace {

TEST(Meta, ScaledValueRoundsLikeIntstr) {
  // intstr.GetScaledValueFromIntOrPercent: 25% of 10 is 2.5 -> 3 up, 2 down.
  EXPECT_EQ(scaled_value(IntOrString::of_string("25%"), 10, true), 3);
  EXPECT_EQ(scaled_value(IntOrString::of_string("25%"), 10, false), 2);
  EXPECT_EQ(scaled_value(IntOrString::of_string("100%"), 7, false), 7);
  EXPECT_EQ(scaled_value(IntOrString::of_string("0%"), 7, true), 0);
  EXPECT_EQ(scaled_value(IntOrString::of_int(4), 10, true), 4);
  EXPECT_EQ(scaled_value(IntOrString::of_string("150%"), 4, true), 6);
}

TEST(Meta, LoadErrorTextLeavesOutUnknownParts) {
  EXPECT_EQ((LoadError{"a.yaml", 14, "Deployment default/api", "spec.replicas", "bad"}.to_string()),
            "a.yaml:14: Deployment default/api: spec.replicas: bad");
  EXPECT_EQ((LoadError{"a.yaml", 0, "", "", "no such file or folder"}.to_string()),
            "a.yaml: no such file or folder");
  EXPECT_EQ((LoadError{"a.yaml", 3, "", "kind", "required field missing"}.to_string()),
            "a.yaml:3: kind: required field missing");
}

TEST(Meta, SetFindsByNamespaceAndName) {
  const ManifestSet set = testing::parse_ok(R"(apiVersion: v1
kind: Service
metadata: {name: web, namespace: a}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: b}
spec: {ports: [{port: 81}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web}
)");
  EXPECT_EQ(set.size(), 3u);
  ASSERT_NE(set.find_service("b", "web"), nullptr);
  EXPECT_EQ(set.find_service("b", "web")->ports[0].port, 81);
  EXPECT_EQ(set.find_service("c", "web"), nullptr);
  EXPECT_EQ(set.find_deployment("a", "web"), nullptr);
}

}  // namespace
}  // namespace ksim::manifest
