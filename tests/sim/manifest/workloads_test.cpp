// apps/v1 Deployment, StatefulSet and DaemonSet: defaults, strategy, selectors and their
// validation errors.
#include <gtest/gtest.h>

#include "helpers.h"

namespace ksim::manifest {
namespace {

using testing::errors_of;
using testing::parse_ok;

constexpr const char* kMinimalDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {app: api}
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api, version: v1}
    spec:
      containers: [{name: api, image: api:1}]
)";

TEST(Deployment, Defaults) {
  const ManifestSet set = parse_ok(kMinimalDeployment);
  ASSERT_EQ(set.deployments.size(), 1u);
  const Deployment& d = set.deployments[0];
  EXPECT_EQ(d.meta.name, "api");
  EXPECT_EQ(d.meta.namespace_, "default");
  EXPECT_EQ(d.meta.labels.at("app"), "api");
  EXPECT_EQ(d.source.file, "test.yaml");
  EXPECT_EQ(d.source.line, 1);
  EXPECT_EQ(d.replicas, 1);
  EXPECT_EQ(d.selector.match_labels.at("app"), "api");
  EXPECT_EQ(d.strategy, DeploymentStrategyType::kRollingUpdate);
  EXPECT_EQ(d.rolling_update.max_surge, IntOrString::of_string("25%"));
  EXPECT_EQ(d.rolling_update.max_unavailable, IntOrString::of_string("25%"));
  EXPECT_EQ(d.min_ready_seconds, 0);
  EXPECT_EQ(d.progress_deadline_seconds, 600);
  EXPECT_EQ(d.template_.labels.at("version"), "v1");
  ASSERT_EQ(d.template_.containers.size(), 1u);
}

TEST(Deployment, ExplicitStrategyAndReplicas) {
  const ManifestSet set = parse_ok(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: prod}
spec:
  replicas: 0
  minReadySeconds: 5
  strategy:
    rollingUpdate: {maxSurge: 1, maxUnavailable: 10%}
  selector:
    matchExpressions:
      - {key: app, operator: In, values: [api, api-canary]}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api:1}]}
)");
  ASSERT_EQ(set.deployments.size(), 1u);
  const Deployment& d = set.deployments[0];
  EXPECT_EQ(d.meta.namespace_, "prod");
  EXPECT_EQ(d.replicas, 0);
  EXPECT_EQ(d.min_ready_seconds, 5);
  EXPECT_EQ(d.rolling_update.max_surge, IntOrString::of_int(1));
  EXPECT_EQ(d.rolling_update.max_unavailable, IntOrString::of_string("10%"));
  ASSERT_EQ(d.selector.match_expressions.size(), 1u);
  EXPECT_EQ(d.selector.match_expressions[0].op, "In");
}

TEST(Deployment, Recreate) {
  const ManifestSet set = parse_ok(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  strategy: {type: Recreate}
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api:1}]}
)");
  ASSERT_EQ(set.deployments.size(), 1u);
  EXPECT_EQ(set.deployments[0].strategy, DeploymentStrategyType::kRecreate);
}

TEST(Deployment, StrategyErrors) {
  const auto errors = errors_of(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: a}
spec:
  strategy:
    rollingUpdate: {maxSurge: 0, maxUnavailable: 0%}
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec: {containers: [{name: a, image: a}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b}
spec:
  strategy:
    type: Recreate
    rollingUpdate: {maxSurge: 1}
  selector: {matchLabels: {app: b}}
  template:
    metadata: {labels: {app: b}}
    spec: {containers: [{name: b, image: b}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: c}
spec:
  strategy:
    rollingUpdate: {maxSurge: fast, maxUnavailable: 120%}
  selector: {matchLabels: {app: c}}
  template:
    metadata: {labels: {app: c}}
    spec: {containers: [{name: c, image: c}]}
)");
  const std::vector<std::string> expected = {
      "test.yaml:6: Deployment default/a: spec.strategy.rollingUpdate.maxUnavailable: may not be "
      "0 when `maxSurge` is 0",
      "test.yaml:18: Deployment default/b: spec.strategy.rollingUpdate: may not be specified when "
      "strategy `type` is 'Recreate'",
      "test.yaml:29: Deployment default/c: spec.strategy.rollingUpdate.maxSurge: expected an "
      "integer or a percentage like '25%', got 'fast'",
      "test.yaml:29: Deployment default/c: spec.strategy.rollingUpdate.maxUnavailable: must not "
      "be greater than 100%",
  };
  EXPECT_EQ(errors, expected);
}

TEST(Deployment, SelectorErrors) {
  const auto errors = errors_of(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: a}
spec:
  template:
    metadata: {labels: {app: a}}
    spec: {containers: [{name: a, image: a}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b}
spec:
  selector: {matchLabels: {app: b}}
  template:
    metadata:
      labels: {app: other}
    spec: {containers: [{name: b, image: b}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: c}
spec:
  selector: {}
  template:
    metadata: {labels: {app: c}}
    spec: {containers: [{name: c, image: c}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector:
    matchExpressions: [{key: app, operator: Within, values: [d]}]
  template:
    metadata: {labels: {app: d}}
    spec: {containers: [{name: d, image: d}]}
)");
  const std::vector<std::string> expected = {
      "test.yaml:4: Deployment default/a: spec.selector: required field missing",
      "test.yaml:16: Deployment default/b: spec.template.metadata.labels: `selector` does not "
      "match template `labels`",
      "test.yaml:23: Deployment default/c: spec.selector: empty selector is invalid for "
      "deployment",
      "test.yaml:33: Deployment default/d: spec.selector.matchExpressions[0].operator: expected "
      "In, NotIn, Exists or DoesNotExist, got 'Within'",
  };
  EXPECT_EQ(errors, expected);
}

TEST(Deployment, MissingSpecAndNegativeReplicas) {
  const auto errors = errors_of(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: a}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b}
spec:
  replicas: -2
  selector: {matchLabels: {app: b}}
  template:
    metadata: {labels: {app: b}}
    spec: {containers: [{name: b, image: b}]}
)");
  const std::vector<std::string> expected = {
      "test.yaml:1: Deployment default/a: spec: required field missing",
      "test.yaml:9: Deployment default/b: spec.replicas: must be greater than or equal to 0",
  };
  EXPECT_EQ(errors, expected);
}

TEST(StatefulSet, DefaultsAndFields) {
  const ManifestSet set = parse_ok(R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: kafka, namespace: data}
spec:
  serviceName: kafka
  selector: {matchLabels: {app: kafka}}
  template:
    metadata: {labels: {app: kafka}}
    spec:
      containers: [{name: kafka, image: apache/kafka:3.7.0}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 10Gi}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: zk, namespace: data}
spec:
  replicas: 3
  podManagementPolicy: Parallel
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {partition: 2}
  selector: {matchLabels: {app: zk}}
  template:
    metadata: {labels: {app: zk}}
    spec:
      containers: [{name: zk, image: zookeeper}]
)");
  ASSERT_EQ(set.stateful_sets.size(), 2u);
  const StatefulSet& k = set.stateful_sets[0];
  EXPECT_EQ(k.replicas, 1);
  EXPECT_EQ(k.service_name, "kafka");
  EXPECT_EQ(k.pod_management_policy, PodManagementPolicy::kOrderedReady);
  EXPECT_EQ(k.update_strategy, StatefulSetUpdateStrategy::kRollingUpdate);
  EXPECT_EQ(k.partition, 0);
  ASSERT_EQ(k.volume_claim_templates.size(), 1u);
  EXPECT_EQ(k.volume_claim_templates[0].name, "data");
  EXPECT_EQ(k.volume_claim_templates[0].storage_request_milli, 10LL * 1024 * 1024 * 1024 * 1000);
  const StatefulSet& z = set.stateful_sets[1];
  EXPECT_EQ(z.replicas, 3);
  EXPECT_EQ(z.pod_management_policy, PodManagementPolicy::kParallel);
  EXPECT_EQ(z.partition, 2);
  EXPECT_TRUE(z.service_name.empty());
}

TEST(StatefulSet, Errors) {
  const auto errors = errors_of(R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: kafka}
spec:
  podManagementPolicy: Serial
  updateStrategy: {type: OnDelete, rollingUpdate: {partition: -1}}
  selector: {matchLabels: {app: kafka}}
  template:
    metadata: {labels: {app: broker}}
    spec: {containers: [{name: kafka, image: kafka}]}
)");
  const std::vector<std::string> expected = {
      "test.yaml:5: StatefulSet default/kafka: spec.podManagementPolicy: expected OrderedReady or "
      "Parallel, got 'Serial'",
      "test.yaml:6: StatefulSet default/kafka: spec.updateStrategy.rollingUpdate.partition: must "
      "be greater than or equal to 0",
      "test.yaml:9: StatefulSet default/kafka: spec.template.metadata.labels: `selector` does not "
      "match template `labels`",
  };
  EXPECT_EQ(errors, expected);
}

TEST(DaemonSet, DefaultsAndFields) {
  const ManifestSet set = parse_ok(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: fluent-bit, namespace: logging}
spec:
  selector: {matchLabels: {app: fluent-bit}}
  template:
    metadata: {labels: {app: fluent-bit}}
    spec:
      tolerations: [{operator: Exists}]
      containers:
        - name: fluent-bit
          image: fluent/fluent-bit:3.1
          resources: {requests: {cpu: 100m, memory: 128Mi}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter}
spec:
  minReadySeconds: 5
  revisionHistoryLimit: 3
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 10%, maxSurge: 1}
  selector: {matchLabels: {app: ne}}
  template:
    metadata: {labels: {app: ne}}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      containers: [{name: ne, image: ne}]
)");
  ASSERT_EQ(set.daemon_sets.size(), 2u);
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.not_modelled.empty());
  const DaemonSet& f = set.daemon_sets[0];
  EXPECT_EQ(f.meta.namespace_, "logging");
  EXPECT_EQ(f.meta.name, "fluent-bit");
  EXPECT_EQ(f.update_strategy, DaemonSetUpdateStrategy::kRollingUpdate);
  EXPECT_EQ(f.max_unavailable, IntOrString::of_int(1));
  EXPECT_EQ(f.max_surge, IntOrString::of_int(0));
  EXPECT_EQ(f.min_ready_seconds, 0);
  EXPECT_EQ(f.revision_history_limit, 10);
  ASSERT_EQ(f.template_.containers.size(), 1u);
  EXPECT_EQ(f.template_.containers[0].requests_milli.at("cpu"), 100);
  ASSERT_EQ(f.template_.tolerations.size(), 1u);
  EXPECT_EQ(f.template_.tolerations[0].op, TolerationOperator::kExists);
  const DaemonSet& n = set.daemon_sets[1];
  EXPECT_EQ(n.meta.namespace_, "default");
  EXPECT_EQ(n.max_unavailable, IntOrString::of_string("10%"));
  EXPECT_EQ(n.max_surge, IntOrString::of_int(1));
  EXPECT_EQ(n.min_ready_seconds, 5);
  EXPECT_EQ(n.revision_history_limit, 3);
  EXPECT_EQ(n.template_.node_selector.at("kubernetes.io/os"), "linux");
}

TEST(DaemonSet, OnDeleteIgnoresRollingUpdate) {
  const ManifestSet set = parse_ok(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: a}
spec:
  updateStrategy: {type: OnDelete, rollingUpdate: {maxUnavailable: 0}}
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec: {containers: [{name: a, image: a}]}
)");
  ASSERT_EQ(set.daemon_sets.size(), 1u);
  EXPECT_EQ(set.daemon_sets[0].update_strategy, DaemonSetUpdateStrategy::kOnDelete);
  EXPECT_EQ(set.daemon_sets[0].max_unavailable, IntOrString::of_int(1));
}

TEST(DaemonSet, Errors) {
  const auto errors = errors_of(R"(apiVersion: apps/v1
kind: DaemonSet
metadata: {name: a}
spec:
  updateStrategy:
    rollingUpdate: {maxUnavailable: 0}
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec: {containers: [{name: a, image: a}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: b, namespace: kube-system}
spec:
  updateStrategy: {type: Always, rollingUpdate: {maxSurge: 120%}}
  minReadySeconds: -1
  selector: {matchLabels: {app: b}}
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: b, image: b}]}
---
apiVersion: extensions/v1beta1
kind: DaemonSet
metadata: {name: c}
spec: {}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: d}
)");
  const std::vector<std::string> expected = {
      "test.yaml:6: DaemonSet default/a: spec.updateStrategy.rollingUpdate.maxUnavailable: may "
      "not be 0 when `maxSurge` is 0",
      "test.yaml:16: DaemonSet kube-system/b: spec.updateStrategy.type: expected RollingUpdate "
      "or OnDelete, got 'Always'",
      "test.yaml:16: DaemonSet kube-system/b: spec.updateStrategy.rollingUpdate.maxSurge: must "
      "not be greater than 100%",
      "test.yaml:17: DaemonSet kube-system/b: spec.minReadySeconds: must be greater than or "
      "equal to 0",
      "test.yaml:20: DaemonSet kube-system/b: spec.template.metadata.labels: `selector` does not "
      "match template `labels`",
      "test.yaml:23: DaemonSet default/c: apiVersion: expected apps/v1 for kind DaemonSet, got "
      "'extensions/v1beta1' (not served by Kubernetes 1.33)",
      "test.yaml:28: DaemonSet default/d: spec: required field missing",
  };
  EXPECT_EQ(errors, expected);
}

}  // namespace
}  // namespace ksim::manifest
