// Node-seconds x price, computed from the nodes' launch and deletion times
// (exact at any instant, nothing accumulated between events).
#include "ksim/sim/karpenter/cost.h"

#include <algorithm>

namespace ksim::karpenter {

CostMeter::CostMeter(const cluster::Cluster& cluster, const scenario::Scenario& scenario)
    : cluster_(cluster), catalog_(scenario.catalog), region_(scenario.region) {}

NodeCost CostMeter::node_cost(cluster::NodeId id, Time now) const {
  const cluster::Node& n = cluster_.node(id);
  NodeCost c;
  c.node = id;
  c.name = n.name;
  c.owner = !n.node_pool.empty() ? "nodepool/" + n.node_pool
            : !n.group.empty()   ? "nodegroup/" + n.group
                                 : std::string("other");
  c.instance_type = n.instance_type;
  c.zone = std::string(cluster_.zone_name(n.zone));
  c.capacity_type = std::string(cluster::capacity_type_label(n.capacity_type));
  const std::string region = region_.empty() ? scenario::region_of_zone(c.zone) : region_;
  const auto offer = catalog_.find_offering(n.instance_type, region, c.zone,
                                            n.capacity_type == cluster::CapacityType::kSpot
                                                ? scenario::CapacityType::kSpot
                                                : scenario::CapacityType::kOnDemand);
  if (offer) {
    c.priced = true;
    c.price_per_hour = offer->usd_per_hour();
  }
  const Time end = n.stage == cluster::NodeStage::kGone ? std::min(n.deleted, now) : now;
  c.running = std::max(Duration{0}, end - n.launched);
  c.dollars = static_cast<double>(c.running.count()) / 3.6e9 * c.price_per_hour;
  return c;
}

CostReport CostMeter::report(Time now) const {
  CostReport r;
  r.at = now;
  const auto nodes = cluster_.nodes();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    NodeCost c = node_cost(cluster::id_at<cluster::NodeId>(i), now);
    r.total_dollars += c.dollars;
    r.by_owner[c.owner] += c.dollars;
    r.by_capacity_type[c.capacity_type] += c.dollars;
    if (nodes[i].stage != cluster::NodeStage::kGone) r.running_price_per_hour += c.price_per_hour;
    r.nodes.push_back(std::move(c));
  }
  return r;
}

double CostMeter::cost_so_far(Time now) const { return report(now).total_dollars; }

}  // namespace ksim::karpenter
