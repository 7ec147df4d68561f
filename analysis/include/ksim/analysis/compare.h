// Two traces side by side (`ksim compare`): what each says about its
// Deployments, routes, cost and nodes, and the differences, marked where they
// exceed a threshold. Works on any trace of the schema (sim/trace/SCHEMA.md);
// the meta `summary` of a `ksim run` trace gives exact whole-run figures,
// without it the series and the route windows stand in (and the result says
// so).
//
// Where each figure comes from (summary / fallback):
//   peak, peak at, first scale-up, first scale-down
//       the HPA's rescales / the Deployment's desired_replicas samples (a
//       scale-up: a sample above the one before; a scale-down: the first
//       sample below the one before after the first time at the peak)
//   replica-seconds  always the ready_replicas samples, each held until the
//       next (the first from 0, the last to the run's end)
//   requests, errors  the summary / the route windows summed
//   p50, p95, p99  the whole run's / the worst window's
//   cost, cost per owner  the summary / meta cost_dollars or the last
//       cluster cost sample, the last sample of each `cost` series but the
//       capacity-type ones
//   nodes peak  the summary / the largest cluster `nodes` sample
#pragma once

#include <expected>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ksim/sim/trace/trace_reader.h"

namespace ksim::analysis {

struct DeploymentFacts {
  std::string name;  // "ns/name"
  double initial = 0;
  double peak = 0;
  /// Since the run's start; absent when it did not happen.
  std::optional<Duration> peak_at, first_scale_up, first_scale_down;
  /// The integral of ready replicas over the run (replica x seconds).
  double replica_seconds = 0;
};

struct RouteFacts {
  std::string route;  // "GET /api/items"
  double requests = 0;
  double errors = 0;
  std::optional<Duration> p50, p95, p99;  // absent: no latency recorded
};

/// What one trace says, as the comparison reads it.
struct TraceFacts {
  std::string label;        // what to call it: the file, usually
  std::string description;  // "karpenter-burst, seed 1, karpenter"
  /// True when the meta `summary` was there (exact percentiles and times).
  bool has_summary = false;
  std::vector<DeploymentFacts> deployments;  // by name
  std::vector<RouteFacts> routes;            // by route
  std::optional<double> cost;                // dollars
  std::map<std::string, double> cost_by_owner;
  std::optional<double> nodes_peak;
};

/// Reads the facts of `trace`; an error names the read that failed or a
/// `summary` that is not the documented JSON.
std::expected<TraceFacts, std::string> read_facts(const trace::TraceReader& trace,
                                                  std::string label);

enum class Unit { kReplicas, kTime, kReplicaSeconds, kCount, kRatio, kLatency, kDollars, kNodes };

/// B against A where a direction is obvious (lower latency, errors, cost).
enum class Verdict { kSame, kDiffers, kBetter, kWorse };

/// One figure of both traces. Times and latencies are in seconds, dollars
/// in dollars, a ratio in [0, 1].
struct CompareRow {
  std::string group;   // "deployment burst/worker", "route GET /x", "cost", "nodes"
  std::string metric;  // "peak replicas", "p99 (worst window)", "nodepool/default"
  Unit unit = Unit::kCount;
  std::optional<double> a, b;   // absent: not in that trace, or did not happen
  std::optional<double> diff;   // b - a, when both are present
  std::optional<double> ratio;  // diff / |a|, when both are present and a != 0
  bool lower_is_better = false;
  /// Beyond the threshold: relative to A by more than the threshold and by
  /// more than the unit's absolute floor (kFloor), or present on one side only.
  bool marked = false;
  Verdict verdict = Verdict::kSame;
};

struct CompareOptions {
  double threshold = 0.05;  // relative difference that marks a row
};

struct Comparison {
  std::string a_label, a_description, b_label, b_description;
  double threshold = 0.05;
  std::vector<CompareRow> rows;
  /// "only in B: deployment shop/cart", "A has no run summary: ...".
  std::vector<std::string> notes;
};

/// The smallest difference that can mark a row, per unit: 0.5 replica or
/// node, 1 s, 1 replica-second, 1 request, 0.1 % of requests, 0.1 ms,
/// $0.0001.
double absolute_floor(Unit unit);

/// Deployments and routes matched by name; those in one trace only are
/// compared against nothing (marked) and named in the notes.
Comparison compare(const TraceFacts& a, const TraceFacts& b, const CompareOptions& options = {});

/// An aligned text table, one group after the other; marked rows end in
/// "*" and the verdict ("better", "worse") where there is one.
std::string format_comparison(const Comparison& c);

/// For machines: {"a": {label, description}, "b": ..., "threshold", "rows":
/// [{group, metric, unit, a, b, diff, ratio, lower_is_better, marked,
/// verdict}], "notes"}; absent values are null, times and latencies seconds.
nlohmann::json comparison_json(const Comparison& c);

}  // namespace ksim::analysis
