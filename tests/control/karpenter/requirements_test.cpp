// The requirement algebra (requirements.h) against upstream
// pkg/scheduling/requirement.go / requirements.go semantics.
#include "ksim/control/karpenter/requirements.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace ksim::control::karpenter {
namespace {

using testing::kZoneA;
using testing::req;

TEST(KarpenterRequirements, InIntersectsNotInAsSetDifference) {
  auto r = Requirements::of({req("k", Operator::kIn, {"a", "b", "c"})});
  r.add(req("k", Operator::kNotIn, {"b"}));
  ASSERT_NE(r.get("k"), nullptr);
  EXPECT_EQ(r.get("k")->op(), Operator::kIn);
  EXPECT_EQ(r.get("k")->values, (std::set<std::string>{"a", "c"}));
  EXPECT_EQ(r.describe(), "k In [a c]");
}

TEST(KarpenterRequirements, GtIsCanonicalisedToAnInclusiveBound) {
  const auto r = Requirements::of({req("karpenter.k8s.aws/instance-cpu", Operator::kGt, {"2"})});
  EXPECT_FALSE(r.allows("karpenter.k8s.aws/instance-cpu", "2"));
  EXPECT_TRUE(r.allows("karpenter.k8s.aws/instance-cpu", "3"));
  EXPECT_FALSE(r.allows("karpenter.k8s.aws/instance-cpu", "x"));  // bounds need integers
  auto both = r;
  both.add(req("karpenter.k8s.aws/instance-cpu", Operator::kLt, {"3"}));  // >=3 and <=2
  EXPECT_EQ(both.get("karpenter.k8s.aws/instance-cpu")->op(), Operator::kDoesNotExist);
}

TEST(KarpenterRequirements, UndefinedCustomLabelIsDeniedWellKnownAllowed) {
  const auto node = Requirements::of({req(std::string(kLabelArch), Operator::kIn, {"arm64"})});
  const auto team = Requirements::of({req("team", Operator::kIn, {"x"})});
  EXPECT_EQ(node.compatible(team, true), "label \"team\" does not have known values");
  const auto zone = Requirements::of({req(std::string(kLabelZone), Operator::kIn, {kZoneA})});
  EXPECT_EQ(node.compatible(zone, true), std::nullopt);
  EXPECT_EQ(node.compatible(zone, false),
            "label \"topology.kubernetes.io/zone\" does not have known values");
  // NotIn / DoesNotExist of an undefined key are always fine.
  const auto not_team = Requirements::of({req("team", Operator::kNotIn, {"x"})});
  EXPECT_EQ(node.compatible(not_team, false), std::nullopt);
}

TEST(KarpenterRequirements, DisjointValuesNameTheKey) {
  const auto node = Requirements::of({req(std::string(kLabelArch), Operator::kIn, {"arm64"})});
  const auto pod = Requirements::of({req(std::string(kLabelArch), Operator::kIn, {"amd64"})});
  EXPECT_EQ(node.intersects(pod),
            "key kubernetes.io/arch, kubernetes.io/arch In [amd64] not in kubernetes.io/arch In "
            "[arm64]");
  // Both sides negative: no error even with an empty intersection.
  const auto a = Requirements::of({req("k", Operator::kDoesNotExist)});
  const auto b = Requirements::of({req("k", Operator::kNotIn, {"v"})});
  EXPECT_EQ(a.intersects(b), std::nullopt);
  EXPECT_NE(a.intersects(Requirements::of({req("k", Operator::kIn, {"v"})})), std::nullopt);
}

TEST(KarpenterRequirements, MinValuesKeepTheLarger) {
  auto r = Requirements::of({req("k", Operator::kIn, {"a", "b", "c"}, 2)});
  r.add(req("k", Operator::kExists, {}, 3));
  EXPECT_EQ(r.get("k")->min_values, 3);
  EXPECT_TRUE(r.has_min_values());
  EXPECT_EQ(r.describe(), "k In [a b c] minValues 3");
}

}  // namespace
}  // namespace ksim::control::karpenter
