// What a sweep parameter changes in a loaded scenario. Keys:
//
//   hpa/NAME.target           the HPA's CPU Resource Utilization target, percent (1..)
//   hpa/NAME.min, .max        minReplicas (>= 1), maxReplicas (>= 1)
//   nodepool/NAME.instance    the Karpenter NodePool restricted to one catalog
//                             type: requirement node.kubernetes.io/instance-type
//                             In [value], replacing its instance-type and
//                             karpenter.k8s.aws/instance-* requirements
//   nodegroup/NAME.instanceType  a node group's type: arch, capacity and EKS
//                             allocatable from the catalog (and a NodePool
//                             group's Karpenter instance labels)
//   nodegroup/NAME.count      nodes at the start (min/max widened to hold it)
//   deployment/NAME.replicas  spec.replicas (>= 0)
//   autoscaler                karpenter | cluster-autoscaler | none | auto
//   seed                      the run's random seed (integer >= 0)
//
// NAME is "namespace/name" or a name that is unique among its kind.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/sim/scenario/scenario.h"
#include "ksim/sweep/grid.h"

namespace ksim::sweep {

/// The key patterns above, for help and error text.
const std::vector<std::string>& known_keys();

/// Sets `key` to `value` in `s`. Errors name the key and say what would be
/// valid ("hpa/api.target: no HPA 'api' (HPAs: api-platform/api-service,
/// ...)", "nodegroup/managed.instanceType: 'm9.huge' is not in the instance
/// catalog"); `s` may be partly changed then.
std::expected<void, std::string> apply(scenario::Scenario& s, std::string_view key,
                                       std::string_view value);

/// Applies every (key, value) of `point` in order, then checks what only the
/// whole point can say (an HPA's min <= max). The first error is returned.
std::expected<void, std::string> apply_point(scenario::Scenario& s, const Point& point);

}  // namespace ksim::sweep
