// One simulated run of a scenario, end to end: the cluster model, the
// traffic, metrics-server and the HPA controllers on one Simulator, recorded
// into a trace (sim/trace/SCHEMA.md) and summed up for people.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ksim/sim/kernel/time.h"
#include "ksim/sim/scenario/scenario.h"
#include "ksim/sim/trace/trace_writer.h"

namespace ksim::run {

struct RunOptions {
  std::optional<std::uint64_t> seed;  // replaces the scenario's
  std::optional<Duration> duration;   // replaces the scenario's
  /// Replaces the scenario's nodeAutoscaling.autoscaler (to compare
  /// Karpenter with the Cluster Autoscaler on one workload).
  std::optional<scenario::NodeAutoscalerKind> node_autoscaler;
  /// Statistics windows and time-series sampling period.
  Duration window = std::chrono::seconds{10};
  /// Called between slices of the run (about every 1/200 of it), with the
  /// simulated time reached and the end, and the requests so far.
  std::function<void(Time now, Time end, std::uint64_t requests)> progress;
};

struct RouteSummary {
  std::string route;  // "GET /api/v1/products"
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  std::uint64_t timeouts = 0;
  /// The errors by HTTP status, "503x196 502x3" ("" when none).
  std::string error_statuses;
  Duration p50{}, p95{}, p99{}, max{};
};

/// One change of a Deployment's spec.replicas by its HPA.
struct ScaleEvent {
  Time time{};
  std::string deployment;  // "ns/name"
  std::int32_t from = 0;
  std::int32_t to = 0;
};

struct DeploymentSummary {
  std::string name;  // "ns/name"
  std::int32_t initial = 0;
  std::int32_t min = 0;
  std::int32_t peak = 0;
  std::int32_t final_replicas = 0;
  std::optional<Time> peak_at;           // first time at the peak (if it scaled up)
  std::optional<Time> first_scale_up;    // first HPA scale-up
  std::optional<Time> first_scale_down;  // first HPA scale-down after the peak
};

struct RunSummary {
  std::string scenario;
  std::uint64_t seed = 0;
  Duration duration{};
  std::uint64_t events_fired = 0;
  std::uint64_t arrivals = 0;
  std::uint64_t in_flight_at_end = 0;
  std::uint64_t hpa_syncs = 0;
  std::uint64_t table_throttles = 0;
  std::uint64_t nodes = 0;
  /// The most nodes Ready at once (node groups' and Karpenter's).
  std::uint64_t peak_ready_nodes = 0;
  /// The scenario's podTrace: pods submitted, and those that ran their
  /// duration and Succeeded (both 0 without a trace).
  std::uint64_t trace_pods_submitted = 0;
  std::uint64_t trace_pods_succeeded = 0;
  /// What the nodes cost (node-seconds x the catalog's price), in total and
  /// per owner ("nodegroup/<name>", "nodepool/<name>"); nodes the catalog
  /// cannot price ("name (type)") count 0.
  double cost_dollars = 0;
  std::map<std::string, double> cost_by_owner;
  std::map<std::string, double> cost_by_capacity_type;  // "on-demand", "spot"
  std::vector<std::string> unpriced_nodes;
  /// Of the vCPU-seconds paid for (each node's capacity while it ran): the
  /// share the pods used (their CPU counters) and the share the pods
  /// requested (sampled every window). 0 when nothing was paid for.
  double cpu_used_share = 0;
  double cpu_requested_share = 0;
  /// The node autoscaler that ran: "karpenter", "cluster-autoscaler" or
  /// "none".
  std::string node_autoscaler = "none";
  /// Karpenter: NodeClaims launched, launches failed, disruption commands
  /// executed.
  std::uint64_t nodeclaims_launched = 0;
  std::uint64_t launches_failed = 0;
  std::uint64_t registration_timeouts = 0;  // NodeClaims deleted unregistered
  std::uint64_t disruptions_executed = 0;
  /// Cluster Autoscaler: nodes added and removed.
  std::uint64_t ca_nodes_added = 0;
  std::uint64_t ca_nodes_removed = 0;
  /// Spot interruptions delivered (nodes).
  std::uint64_t spot_interruptions = 0;
  /// Nodes alive at the end and the most alive at once (Ready or not).
  std::uint64_t nodes_at_end = 0;
  std::uint64_t peak_nodes = 0;
  std::vector<RouteSummary> routes;
  std::vector<DeploymentSummary> deployments;
  std::vector<ScaleEvent> scale_events;
  /// "ConfigMap shop/app-config (manifests/x.yaml:12)" and HPAs whose target
  /// is not modelled, with the reason.
  std::vector<std::string> not_modelled;
};

/// Runs the scenario; records into `trace` when given (the caller commits
/// it). Errors are the scenario's parts that do not resolve (an unknown
/// Service in a call, an ingress class not modelled).
std::expected<RunSummary, std::vector<std::string>> run_scenario(const scenario::Scenario& scenario,
                                                                 const RunOptions& options,
                                                                 trace::TraceWriter* trace);

/// The summary as text tables for a terminal; `wall_seconds` (the run's
/// wall time, measured by the caller) adds the speed figures when > 0.
std::string format_summary(const RunSummary& s, double wall_seconds = 0);

}  // namespace ksim::run
