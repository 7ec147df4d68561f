// One object: kind dispatch, namespaces, names, served apiVersions, Lists,
// duplicates, and kinds that are listed rather than modelled.
#include <gtest/gtest.h>

#include "helpers.h"

namespace ksim::manifest {
namespace {

using testing::errors_of;
using testing::parse_ok;

TEST(ObjectReader, NotModelledKindsAreListedWithTheirSource) {
  const ManifestSet set = parse_ok(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {LOG_LEVEL: info}
---
apiVersion: v1
kind: Secret
metadata: {name: token}
stringData: {token: abc}
---
apiVersion: karpenter.sh/v1
kind: NodeClaim
metadata: {name: default-x7k2p, namespace: ignored}
spec: {}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api}
)");
  ASSERT_EQ(set.not_modelled.size(), 4u);
  EXPECT_EQ(set.size(), 4u);
  const NotModelled& cm = set.not_modelled[0];
  EXPECT_EQ(cm.kind, "ConfigMap");
  EXPECT_EQ(cm.api_version, "v1");
  EXPECT_EQ(cm.namespace_, "shop");
  EXPECT_EQ(cm.name, "settings");
  EXPECT_EQ(cm.source.file, "test.yaml");
  EXPECT_EQ(cm.source.line, 1);
  EXPECT_EQ(set.not_modelled[1].namespace_, "default");
  EXPECT_EQ(set.not_modelled[1].source.line, 6);
  // NodeClaim is cluster-scoped: no namespace, whatever the manifest says.
  EXPECT_EQ(set.not_modelled[2].kind, "NodeClaim");
  EXPECT_EQ(set.not_modelled[2].namespace_, "");
  EXPECT_EQ(set.not_modelled[3].kind, "ServiceAccount");
}

TEST(ObjectReader, Namespace) {
  const ManifestSet set = parse_ok(R"(apiVersion: v1
kind: Namespace
metadata:
  name: shop
  namespace: ignored
  labels: {team: commerce}
)");
  ASSERT_EQ(set.namespaces.size(), 1u);
  EXPECT_EQ(set.namespaces[0].meta.name, "shop");
  EXPECT_EQ(set.namespaces[0].meta.namespace_, "");
  EXPECT_EQ(set.namespaces[0].meta.labels.at("team"), "commerce");
}

TEST(ObjectReader, ListItemsAreObjects) {
  const ManifestSet set = parse_ok(R"(apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: a}
    spec: {ports: [{port: 80}]}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: b}
)");
  ASSERT_EQ(set.services.size(), 1u);
  EXPECT_EQ(set.services[0].source.line, 4);
  ASSERT_EQ(set.not_modelled.size(), 1u);
  EXPECT_EQ(set.not_modelled[0].source.line, 8);
}

TEST(ObjectReader, DocumentErrors) {
  const auto errors = errors_of(R"(kind: Service
metadata: {name: a}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
metadata: {name: b}
---
- just
- a list
---
apiVersion: v1
kind: ConfigMap
metadata: {labels: {a: b}}
---
apiVersion: v1
kind: Service
metadata: {name: Api_Service}
spec: {ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: -bad-}
spec: {}
)");
  const std::vector<std::string> expected = {
      "test.yaml:1: Service default/a: apiVersion: required field missing",
      "test.yaml:5: kind: required field missing",
      "test.yaml:8: expected a Kubernetes object (a mapping with apiVersion and kind), got a list",
      "test.yaml:13: ConfigMap: metadata.name: required field missing",
      "test.yaml:17: Service default/Api_Service: metadata.name: must be a DNS-1035 label: "
      "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
      "test.yaml:22: Deployment default/-bad-: metadata.name: must be a lowercase RFC 1123 "
      "subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or "
      "digit",
      "test.yaml:23: Deployment default/-bad-: spec.selector: required field missing",
      "test.yaml:23: Deployment default/-bad-: spec.template: required field missing",
  };
  EXPECT_EQ(errors, expected);
}

TEST(ObjectReader, RemovedApiVersionsAreErrors) {
  const auto errors = errors_of(R"(apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: a}
spec: {}
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "test.yaml:1: Deployment default/a: apiVersion: expected apps/v1 for kind Deployment, "
            "got 'extensions/v1beta1' (not served by Kubernetes 1.33)");
}

TEST(ObjectReader, DuplicatesAreErrorsButNotAcrossNamespacesOrKinds) {
  const auto errors = errors_of(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: other}
---
apiVersion: v1
kind: Secret
metadata: {name: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: default}
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "test.yaml:13: ConfigMap default/a: duplicate object: already defined at test.yaml:1");
}

TEST(ObjectReader, AnObjectWithErrorsIsNotKeptButOthersStillReport) {
  LoadResult r = parse_manifests(R"(apiVersion: v1
kind: Service
metadata: {name: a}
spec: {ports: [{port: x}]}
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec: {ports: [{port: 99999}]}
)",
                                 "two.yaml");
  ASSERT_FALSE(r.has_value());
  ASSERT_EQ(r.error().size(), 2u);
  EXPECT_EQ(r.error()[0].object, "Service default/a");
  EXPECT_EQ(r.error()[0].field, "spec.ports[0].port");
  EXPECT_EQ(r.error()[0].line, 4);
  EXPECT_EQ(r.error()[1].object, "Service default/b");
  EXPECT_EQ(r.error()[1].message, "must be between 1 and 65535, inclusive");
}

TEST(ObjectReader, EmptyDocumentsAreSkipped) {
  const ManifestSet set = parse_ok(R"(---
# nothing here
---
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
)");
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(set.namespaces[0].source.line, 4);
}

}  // namespace
}  // namespace ksim::manifest
