// summary_json (summary_json.h): RunSummary into the trace's meta `summary`.
#include "ksim/sim/run/summary_json.h"

#include <nlohmann/json.hpp>

namespace ksim::run {
namespace {

using nlohmann::json;

json time_or_null(const std::optional<Time>& t) {
  return t ? json((*t - kTimeZero).count()) : json(nullptr);
}

}  // namespace

std::string summary_json(const RunSummary& s) {
  json routes = json::array();
  for (const RouteSummary& r : s.routes) {
    routes.push_back({{"route", r.route},
                      {"requests", r.requests},
                      {"errors", r.errors},
                      {"timeouts", r.timeouts},
                      {"p50_us", r.p50.count()},
                      {"p95_us", r.p95.count()},
                      {"p99_us", r.p99.count()},
                      {"max_us", r.max.count()}});
  }
  json deployments = json::array();
  for (const DeploymentSummary& d : s.deployments) {
    deployments.push_back({{"name", d.name},
                           {"initial", d.initial},
                           {"min", d.min},
                           {"peak", d.peak},
                           {"final", d.final_replicas},
                           {"peak_at_us", time_or_null(d.peak_at)},
                           {"first_scale_up_us", time_or_null(d.first_scale_up)},
                           {"first_scale_down_us", time_or_null(d.first_scale_down)}});
  }
  const json out = {{"routes", std::move(routes)},
                    {"deployments", std::move(deployments)},
                    {"cost_dollars", s.cost_dollars},
                    {"cost_by_owner", s.cost_by_owner},
                    {"cost_by_capacity_type", s.cost_by_capacity_type},
                    {"peak_nodes", s.peak_nodes},
                    {"nodes_at_end", s.nodes_at_end},
                    {"node_autoscaler", s.node_autoscaler}};
  return out.dump();
}

}  // namespace ksim::run
