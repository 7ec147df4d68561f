// format_summary (run.h): the run in a few tables.
#include <fmt/format.h>

#include "ksim/sim/run/run.h"

namespace ksim::run {
namespace {

std::string ms(Duration d) {
  const double v = static_cast<double>(d.count()) / 1000.0;
  return v < 10     ? fmt::format("{:.2f}ms", v)
         : v < 1000 ? fmt::format("{:.1f}ms", v)
                    : fmt::format("{:.2f}s", v / 1000);
}

std::string at(const std::optional<Time>& t) {
  return t ? format_duration(*t - kTimeZero) : std::string("-");
}

std::string count(std::uint64_t n) {
  if (n >= 10'000'000) return fmt::format("{:.1f}M", static_cast<double>(n) / 1e6);
  if (n >= 100'000) return fmt::format("{:.0f}k", static_cast<double>(n) / 1e3);
  return std::to_string(n);
}

}  // namespace

std::string format_summary(const RunSummary& s, double wall_seconds) {
  std::string out;
  const double sim_seconds = static_cast<double>(s.duration.count()) / 1e6;
  out += fmt::format("{} (seed {}): {} simulated, {} requests", s.scenario, s.seed,
                     format_duration(s.duration), count(s.arrivals));
  if (wall_seconds > 0) {
    out += fmt::format(
        ", {:.2f} s of wall time ({:.0f} simulated s/s, {} requests/s)", wall_seconds,
        sim_seconds / wall_seconds,
        count(static_cast<std::uint64_t>(static_cast<double>(s.arrivals) / wall_seconds)));
  }
  out += "\n\n";

  std::size_t w = 5;
  for (const RouteSummary& r : s.routes) w = std::max(w, r.route.size());
  // A run without load (a pod trace only) has no route; one without
  // Deployments no deployment: their tables are left out.
  if (!s.routes.empty()) {
    out +=
        fmt::format("{:<{}}  {:>9}  {:>8}  {:>7}  {:>9}  {:>9}  {:>9}  {:>9}  {}\n", "route", w,
                    "requests", "errors", "error%", "p50", "p95", "p99", "max", "errors by status");
    for (const RouteSummary& r : s.routes) {
      const double pct =
          r.requests == 0 ? 0
                          : 100.0 * static_cast<double>(r.errors) / static_cast<double>(r.requests);
      out += fmt::format("{:<{}}  {:>9}  {:>8}  {:>6.2f}%  {:>9}  {:>9}  {:>9}  {:>9}  {}\n",
                         r.route, w, count(r.requests), count(r.errors), pct, ms(r.p50), ms(r.p95),
                         ms(r.p99), ms(r.max), r.error_statuses);
    }
    out += "\n";
  }

  w = 10;
  for (const DeploymentSummary& d : s.deployments) w = std::max(w, d.name.size());
  if (!s.deployments.empty()) {
    out +=
        fmt::format("{:<{}}  {:>5}  {:>4}  {:>4}  {:>10}  {:>4}  {:>14}  {:>16}\n", "deployment", w,
                    "start", "min", "peak", "peak at", "end", "first scale-up", "first scale-down");
    for (const DeploymentSummary& d : s.deployments) {
      out += fmt::format("{:<{}}  {:>5}  {:>4}  {:>4}  {:>10}  {:>4}  {:>14}  {:>16}\n", d.name, w,
                         d.initial, d.min, d.peak, at(d.peak_at), d.final_replicas,
                         at(d.first_scale_up), at(d.first_scale_down));
    }
  }
  out += fmt::format(
      "\n{} HPA syncs, {} scale events; {} nodes; {} table calls throttled; {} "
      "requests in flight at the end\n",
      s.hpa_syncs, s.scale_events.size(), s.nodes, s.table_throttles, s.in_flight_at_end);
  const double per_million =
      s.arrivals == 0 ? 0 : s.cost_dollars / (static_cast<double>(s.arrivals) / 1e6);
  out += fmt::format("nodes cost ${:.2f} (${:.3f} per 1M requests):", s.cost_dollars, per_million);
  for (const auto& [owner, dollars] : s.cost_by_owner) {
    out += fmt::format(" {} ${:.2f}", owner, dollars);
  }
  out += ";";
  for (const auto& [type, dollars] : s.cost_by_capacity_type) {
    out += fmt::format(" {} ${:.2f}", type, dollars);
  }
  out += "\n";
  out += fmt::format(
      "  of the vCPU paid for: {:.1f} % used, {:.1f} % requested; {} node(s) at "
      "most, {} at the end\n",
      100 * s.cpu_used_share, 100 * s.cpu_requested_share, s.peak_nodes, s.nodes_at_end);
  if (!s.unpriced_nodes.empty()) {
    out += fmt::format("  {} node(s) not in the instance catalog, counted $0\n",
                       s.unpriced_nodes.size());
  }
  if (s.trace_pods_submitted > 0) {
    out += fmt::format("pod trace: {} pod(s) submitted, {} Succeeded; at most {} nodes Ready\n",
                       s.trace_pods_submitted, s.trace_pods_succeeded, s.peak_ready_nodes);
  }
  out += fmt::format("node autoscaler: {}", s.node_autoscaler);
  if (s.node_autoscaler == "karpenter") {
    out += fmt::format(
        "; {} NodeClaim(s) launched, {} launch(es) failed, {} disruption "
        "command(s) executed",
        s.nodeclaims_launched, s.launches_failed, s.disruptions_executed);
  } else if (s.node_autoscaler == "cluster-autoscaler") {
    out += fmt::format("; {} node(s) added, {} removed", s.ca_nodes_added, s.ca_nodes_removed);
  }
  if (s.spot_interruptions > 0) {
    out += fmt::format("; {} spot interruption(s)", s.spot_interruptions);
  }
  out += "\n";
  out +=
      "(latency percentiles are of the 200s; 404 no route, 500 a call or table call failed, "
      "502 the pod stopped, 503 no ready endpoint, 504 the client's timeout)\n";
  if (!s.not_modelled.empty()) {
    out += "\nnot modelled (accepted, no effect on the run):\n";
    for (const std::string& n : s.not_modelled) out += "  " + n + "\n";
  }
  return out;
}

}  // namespace ksim::run
