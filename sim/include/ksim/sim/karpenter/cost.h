// What the nodes cost: node-seconds x the catalog's price per hour, for every
// node the cluster ever ran (managed node groups' and Karpenter's alike),
// summed per node, per NodePool / node group and per capacity type.
//
// A node is paid from its launch (Node::launched; a node group's nodes at the
// start: the run's start) until its instance is terminated (Node::deleted),
// or until `now` while it runs: EC2 bills Linux instances per second. The
// price is the catalog's offering of the node's instance type, zone and
// capacity type in the scenario's region (the zone's region when the
// scenario names none); a node without such an offering costs 0 and is
// listed as unpriced.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/scenario/scenario.h"

namespace ksim::karpenter {

struct NodeCost {
  cluster::NodeId node = cluster::kNoNode;
  std::string name;
  /// "nodepool/<name>", "nodegroup/<name>", or "other" for a node of neither.
  std::string owner;
  std::string instance_type;
  std::string zone;
  std::string capacity_type;  // "on-demand" / "spot"
  double price_per_hour = 0.0;
  bool priced = false;  // the catalog has the offering
  Duration running{};   // launched -> deleted (or now)
  double dollars = 0.0;
};

struct CostReport {
  Time at{};
  double total_dollars = 0.0;
  /// Per owner ("nodepool/default", "nodegroup/managed-arm64").
  std::map<std::string, double> by_owner;
  /// Per capacity type ("on-demand", "spot").
  std::map<std::string, double> by_capacity_type;
  /// Every node ever launched, in id order.
  std::vector<NodeCost> nodes;
  /// The sum of the running nodes' prices now ($/h).
  double running_price_per_hour = 0.0;
};

class CostMeter {
 public:
  /// Copies the catalog and region of `scenario`; `cluster` must outlive it.
  CostMeter(const cluster::Cluster& cluster, const scenario::Scenario& scenario);

  /// The dollars spent up to `now` (>= every node's launch time).
  [[nodiscard]] double cost_so_far(Time now) const;
  [[nodiscard]] CostReport report(Time now) const;
  /// The node's cost up to `now`.
  [[nodiscard]] NodeCost node_cost(cluster::NodeId node, Time now) const;

 private:
  const cluster::Cluster& cluster_;
  scenario::InstanceCatalog catalog_;
  std::string region_;
};

}  // namespace ksim::karpenter
