// Shared by the cluster tests: the seed scenarios, and questions about the
// event log.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/scenario/scenario.h"

namespace ksim::cluster::testing {

inline scenario::Scenario seed_scenario(std::string_view name) {
  const auto file =
      std::filesystem::path(KSIM_SOURCE_DIR) / "scenarios" / (std::string(name) + ".yaml");
  scenario::ScenarioResult r = scenario::load_scenario(file);
  if (!r) {
    std::string all;
    for (const auto& e : r.error()) all += e.to_string() + "\n";
    ADD_FAILURE() << all;
    return {};
  }
  return std::move(*r);
}

/// Platform 2 (scenarios/product-order.yaml) with its 4 managed nodes only:
/// the cases built on it count on that room (the 2 Karpenter nodes the
/// scenario also declares are left out; platform2_whole() keeps them).
inline scenario::Scenario platform2() {
  scenario::Scenario s = seed_scenario("product-order");
  std::erase_if(s.node_groups, [](const scenario::NodeGroup& g) { return !g.node_pool.empty(); });
  return s;
}

/// Platform 2 as the scenario file has it: 4 managed nodes and 2 of the
/// NodePool "default".
inline scenario::Scenario platform2_whole() { return seed_scenario("product-order"); }

/// The events with `reason` whose object starts with `object_prefix`.
inline std::vector<Event> events_of(const Cluster& c, EventReason reason,
                                    std::string_view object_prefix = "") {
  std::vector<Event> out;
  for (const Event& e : c.events()) {
    if (e.reason == reason && e.object.starts_with(object_prefix)) out.push_back(e);
  }
  return out;
}

/// The whole log, one formatted event per line.
inline std::string dump(const Cluster& c) {
  std::string out;
  for (const Event& e : c.events()) out += format_event(e) + "\n";
  return out;
}

/// The Deployment's id; fails the test when absent.
inline DeploymentId deployment(const Cluster& c, std::string_view name,
                               std::string_view ns = "shop") {
  const auto d = c.find_deployment(ns, name);
  EXPECT_TRUE(d.has_value()) << name;
  return d.value_or(DeploymentId{});
}

}  // namespace ksim::cluster::testing
