// run_scenario (run.h): the models on one Simulator, their records into the
// trace, and the summary.
#include "ksim/sim/run/run.h"

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "ksim/control/scheduler/resources.h"
#include "ksim/sim/autoscaling/cpu_source.h"
#include "ksim/sim/autoscaling/hpa_controller.h"
#include "ksim/sim/autoscaling/metrics_server.h"
#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/karpenter/cluster_autoscaler.h"
#include "ksim/sim/karpenter/controller.h"
#include "ksim/sim/karpenter/cost.h"
#include "ksim/sim/karpenter/faults.h"
#include "ksim/sim/kernel/simulator.h"
#include "ksim/sim/run/hpa_details.h"
#include "ksim/sim/run/summary_json.h"
#include "ksim/sim/traffic/traffic.h"

namespace ksim::run {
namespace {

// metrics-server reads the serving container's counter from the traffic
// model; other containers of a pod burn nothing.
class TrafficCpu final : public autoscaling::CpuUsageSource {
 public:
  explicit TrafficCpu(traffic::Traffic& t) : traffic_(t) {}
  std::uint64_t cumulative_cpu_ns(cluster::PodId pod, std::uint32_t container, Time now) override {
    return container == 0 ? traffic_.cpu_used_ns(pod, now) : 0;
  }

 private:
  traffic::Traffic& traffic_;
};

// The most nodes Ready at once: node groups' nodes are Ready from the start;
// others turn Ready (on_node_ready) and go (on_node_gone).
class ReadyNodeCounter final : public cluster::ClusterObserver {
 public:
  explicit ReadyNodeCounter(const cluster::Cluster& c) {
    for (const cluster::Node& n : c.nodes()) {
      ready_.push_back(n.ready);
      now_ += n.ready ? 1 : 0;
    }
    peak_ = now_;
  }
  void on_pod_gone(cluster::PodId /*pod*/) override {}
  void on_node_ready(cluster::NodeId node) override {
    const std::size_t i = index_of(node);
    if (ready_.size() <= i) ready_.resize(i + 1, false);
    if (ready_[i]) return;
    ready_[i] = true;
    peak_ = std::max(peak_, ++now_);
  }
  void on_node_gone(cluster::NodeId node) override {
    const std::size_t i = index_of(node);
    if (i < ready_.size() && ready_[i]) {
      ready_[i] = false;
      --now_;
    }
  }
  [[nodiscard]] std::uint64_t peak() const { return peak_; }

 private:
  std::vector<bool> ready_;  // by node index
  std::uint64_t now_ = 0;
  std::uint64_t peak_ = 0;
};

std::string decision_reason(control::hpa::DecisionReason r) { return control::hpa::to_string(r); }

// Writes what the models report into the trace as they report it.
class Recorder {
 public:
  Recorder(Simulator& sim, cluster::Cluster& c, traffic::Traffic& t, trace::TraceWriter* w,
           Duration window)
      : sim_(sim), cluster_(c), traffic_(t), w_(w), window_(window) {}

  void on_window(Time start, std::span<const traffic::EntryRoute> routes) {
    if (w_ == nullptr) {
      drain_events();  // drops them: keeps memory flat without a trace
      return;
    }
    const double secs = static_cast<double>(window_.count()) / 1e6;
    if (route_series_.size() != routes.size()) {
      route_series_.clear();
      for (const traffic::EntryRoute& r : routes) {
        route_series_.push_back({w_->series("route", r.name, "rps", "1/s"),
                                 w_->series("route", r.name, "errors", "1/s")});
      }
    }
    for (std::size_t i = 0; i < routes.size(); ++i) {
      const traffic::EntryRoute& r = routes[i];
      w_->route_window(start, window_, r.name, static_cast<std::int64_t>(r.window.requests),
                       static_cast<std::int64_t>(r.window.errors()), r.window.latency);
      w_->sample(route_series_[i][0], sim_.now(), static_cast<double>(r.window.requests) / secs);
      w_->sample(route_series_[i][1], sim_.now(), static_cast<double>(r.window.errors()) / secs);
    }
    sample_cluster();
    drain_events();
  }

  void sample_cluster() {
    const Time now = sim_.now();
    // Series ids are kept per Deployment and per pod (by index): a window
    // samples every pod, so no name is built or looked up per sample.
    for (std::size_t i = 0; i < cluster_.deployments().size(); ++i) {
      const auto id = cluster::id_at<cluster::DeploymentId>(i);
      const cluster::Deployment& d = cluster_.deployment(id);
      if (deployment_series_.size() <= i) {
        const std::string name = d.namespace_ + "/" + d.name;
        deployment_series_.push_back(
            {w_->series("deployment", name, "desired_replicas", "replicas"),
             w_->series("deployment", name, "current_replicas", "replicas"),
             w_->series("deployment", name, "ready_replicas", "replicas")});
      }
      const auto& ds = deployment_series_[i];
      w_->sample(ds[0], now, d.replicas);
      w_->sample(ds[1], now, static_cast<double>(cluster_.active_pods(id).size()));
      w_->sample(ds[2], now, cluster_.ready_replicas(id));
      for (const cluster::PodId p : cluster_.active_pods(id)) {
        const std::size_t k = index_of(p);
        if (pod_series_.size() <= k) {
          pod_series_.resize(k + 1);
          last_cpu_ns_.resize(k + 1, 0);
        }
        if (!pod_series_[k]) {
          const cluster::Pod& pod = cluster_.pod(p);
          pod_series_[k] = w_->series("pod", pod.namespace_ + "/" + pod.name, "cpu", "cores");
        }
        const std::uint64_t ns = traffic_.cpu_used_ns(p, now);
        w_->sample(*pod_series_[k], now,
                   static_cast<double>(ns - last_cpu_ns_[k]) /
                       static_cast<double>(window_.count() * 1000));
        last_cpu_ns_[k] = ns;
      }
    }
    const auto& nodes = cluster_.scheduler_nodes();
    for (const auto& n : nodes) {
      const auto req = control::scheduler::node_requested(n);
      sample("node", n.name, "cpu_requested", "cores", static_cast<double>(req.milli_cpu) / 1000);
      sample("node", n.name, "cpu_allocatable", "cores",
             static_cast<double>(n.allocatable_cpu_milli) / 1000);
    }
    sample("cluster", "", "nodes", "nodes", static_cast<double>(nodes.size()));
    if (cost_ != nullptr) {
      // The dollars so far, in total, per NodePool / node group and per
      // capacity type.
      const karpenter::CostReport bill = cost_->report(now);
      sample("cluster", "", "cost", "$", bill.total_dollars);
      for (const auto& [owner, dollars] : bill.by_owner)
        sample("cost", owner, "cost", "$", dollars);
      for (const auto& [type, dollars] : bill.by_capacity_type) {
        sample("cost", "capacity-type/" + type, "cost", "$", dollars);
      }
      sample("cluster", "", "price_per_hour", "$/h", bill.running_price_per_hour);
      sample_nodes_by_owner(bill, nodes);
    }
  }

  // The running nodes per NodePool / node group and per capacity type; an
  // owner or type once seen is sampled ever after (0 when none runs).
  void sample_nodes_by_owner(const karpenter::CostReport& bill,
                             const std::vector<control::scheduler::Node>& nodes) {
    std::set<std::string_view> running_names;
    for (const auto& n : nodes) running_names.insert(n.name);
    std::map<std::string, int> count;
    for (const karpenter::NodeCost& n : bill.nodes) {
      const bool running = running_names.contains(n.name);
      count[n.owner] += running ? 1 : 0;
      count["capacity-type/" + n.capacity_type] += running ? 1 : 0;
    }
    for (const auto& [object, n] : count) sample("nodes", object, "nodes", "nodes", n);
  }

  /// The cost meter whose running total is sampled every window.
  void set_cost(const karpenter::CostMeter* cost) { cost_ = cost; }

  // Writes the cluster's new events into the trace and drops them from the
  // cluster's log: nothing else in a run reads it, and a pod trace's run
  // logs hundreds of thousands of FailedScheduling events (about 90 MB of
  // text kept to the end before). Without a trace they are dropped unread.
  void drain_events() {
    if (w_ != nullptr) {
      for (const cluster::Event& e : cluster_.events()) {
        w_->event(e.time, cluster::kind_name(e.kind), e.object, cluster::reason_name(e.reason),
                  cluster::is_warning(e.reason) ? "Warning" : "Normal", e.message);
      }
    }
    cluster_.clear_events();
  }

  void on_hpa(const autoscaling::HpaSyncRecord& r) {
    if (w_ == nullptr) return;
    drain_events();  // keep the events in time order
    for (const autoscaling::HpaMetricValue& m : r.metrics) {
      if (m.current)
        sample("hpa", r.hpa, m.metric + " current", "", static_cast<double>(*m.current));
      if (m.target) sample("hpa", r.hpa, m.metric + " target", "", static_cast<double>(*m.target));
    }
    sample("hpa", r.hpa, "current_replicas", "replicas", r.current_replicas);
    sample("hpa", r.hpa, "desired_replicas", "replicas", r.desired_replicas);
    nlohmann::json details = {
        {"target", r.target},
        {"currentReplicas", r.current_replicas},
        {"desiredReplicas", r.desired_replicas},
        {"scaled", r.scaled},
        {"reason", decision_reason(r.reason)},
        {"explanation", r.explanation},
    };
    if (r.limit) details["limit"] = static_cast<int>(*r.limit);
    if (r.error) details["error"] = *r.error;
    add_hpa_calculation(details, r);
    w_->event(r.time, "HorizontalPodAutoscaler", r.hpa, "Sync", "Normal",
              "desired " + std::to_string(r.desired_replicas) + " (was " +
                  std::to_string(r.current_replicas) + "): " + decision_reason(r.reason),
              details.dump());
    for (const control::hpa::Event& e : r.events) {
      w_->event(r.time, "HorizontalPodAutoscaler", r.hpa, e.reason,
                e.warning ? "Warning" : "Normal", e.message);
    }
  }

 private:
  void sample(std::string_view kind, std::string_view object, std::string_view metric,
              std::string_view unit, double v) {
    if (w_ == nullptr) return;
    std::string key;
    key.reserve(kind.size() + object.size() + metric.size() + 2);
    key.append(kind).append("\x1f").append(object).append("\x1f").append(metric);
    auto it = series_.find(key);
    if (it == series_.end())
      it = series_.emplace(key, w_->series(kind, object, metric, unit)).first;
    w_->sample(it->second, sim_.now(), v);
  }

  Simulator& sim_;
  cluster::Cluster& cluster_;
  traffic::Traffic& traffic_;
  trace::TraceWriter* w_;
  Duration window_;
  std::map<std::string, trace::SeriesId> series_;
  const karpenter::CostMeter* cost_ = nullptr;
  std::vector<std::uint64_t> last_cpu_ns_;                  // by pod index
  std::vector<std::optional<trace::SeriesId>> pod_series_;  // by pod index
  std::vector<std::array<trace::SeriesId, 3>> deployment_series_;
  std::vector<std::array<trace::SeriesId, 2>> route_series_;
};

}  // namespace

std::expected<RunSummary, std::vector<std::string>> run_scenario(const scenario::Scenario& input,
                                                                 const RunOptions& options,
                                                                 trace::TraceWriter* trace) {
  scenario::Scenario sc = input;
  if (options.seed) sc.seed = *options.seed;
  if (options.duration) sc.duration = *options.duration;

  Simulator sim;
  cluster::Cluster cluster(sim, sc);
  traffic::TrafficOptions topt;
  topt.window = options.window;
  auto made = traffic::Traffic::create(sim, cluster, sc, topt);
  if (!made) return std::unexpected(made.error());
  traffic::Traffic& traffic = **made;
  TrafficCpu cpu(traffic);
  autoscaling::MetricsServer metrics(sim, cluster, cpu, sc.timings.metrics_resolution);
  Recorder rec(sim, cluster, traffic, trace, options.window);
  ReadyNodeCounter ready_nodes(cluster);
  cluster.add_observer(&ready_nodes);

  RunSummary s;
  s.scenario = sc.name;
  s.seed = sc.seed;
  s.duration = sc.duration;
  std::map<std::string, DeploymentSummary> deps;
  for (const cluster::Deployment& d : cluster.deployments()) {
    DeploymentSummary ds;
    ds.name = d.namespace_ + "/" + d.name;
    ds.initial = ds.min = ds.peak = ds.final_replicas = d.replicas;
    deps.emplace(ds.name, ds);
  }
  autoscaling::HpaControllerOptions hopt;
  hopt.on_sync = [&](const autoscaling::HpaSyncRecord& r) {
    rec.on_hpa(r);
    ++s.hpa_syncs;
    if (!r.scaled || r.desired_replicas == r.current_replicas) return;
    s.scale_events.push_back(ScaleEvent{r.time, r.target, r.current_replicas, r.desired_replicas});
    DeploymentSummary& d = deps[r.target];
    if (r.desired_replicas > r.current_replicas && !d.first_scale_up) d.first_scale_up = r.time;
    if (r.desired_replicas > d.peak) {
      d.peak = r.desired_replicas;
      d.peak_at = r.time;
      d.first_scale_down.reset();
    }
    if (r.desired_replicas < r.current_replicas && !d.first_scale_down) {
      d.first_scale_down = r.time;
    }
    d.min = std::min(d.min, r.desired_replicas);
    d.final_replicas = r.desired_replicas;
  };
  autoscaling::HpaController hpa(sim, cluster, metrics, sc, hopt);

  // Node autoscaling: Karpenter when the manifests hold NodePools; what the
  // nodes cost, always (the catalog's prices).
  karpenter::CostMeter cost(cluster, sc);
  rec.set_cost(&cost);
  std::optional<karpenter::KarpenterController> karpenter_controller;
  std::optional<karpenter::ClusterAutoscalerController> ca_controller;
  scenario::NodeAutoscalerKind autoscaler =
      options.node_autoscaler.value_or(sc.node_autoscaling.autoscaler);
  if (autoscaler == scenario::NodeAutoscalerKind::kAuto) {
    autoscaler = sc.manifests.node_pools.empty() ? scenario::NodeAutoscalerKind::kNone
                                                 : scenario::NodeAutoscalerKind::kKarpenter;
  }
  if (autoscaler == scenario::NodeAutoscalerKind::kKarpenter && sc.manifests.node_pools.empty()) {
    return std::unexpected(std::vector<std::string>{
        "node autoscaler karpenter: the scenario's manifests hold no NodePool"});
  }
  s.node_autoscaler = std::string(scenario::node_autoscaler_name(autoscaler));
  if (autoscaler == scenario::NodeAutoscalerKind::kKarpenter) {
    karpenter::KarpenterOptions kopt;
    kopt.registration = sc.node_autoscaling.registration_ms;
    kopt.initialization = sc.node_autoscaling.initialization_ms;
    kopt.faults = sc.faults;
    kopt.on_provisioning = [&](const karpenter::ProvisioningRecord& r) {
      rec.drain_events();
      if (r.action == karpenter::ProvisioningAction::kLaunched) ++s.nodeclaims_launched;
      if (r.action == karpenter::ProvisioningAction::kLaunchFailed) ++s.launches_failed;
      if (r.action == karpenter::ProvisioningAction::kRegistrationTimeout) {
        ++s.registration_timeouts;
      }
      if (trace != nullptr) {
        trace->event(r.at, "NodeClaim", r.nodepool, std::string(karpenter::action_name(r.action)),
                     r.action == karpenter::ProvisioningAction::kLaunched ? "Normal" : "Warning",
                     r.message);
      }
    };
    kopt.on_disruption = [&](const karpenter::DisruptionRecord& r) {
      rec.drain_events();
      if (r.stage == karpenter::DisruptionStage::kExecuted) ++s.disruptions_executed;
      if (trace != nullptr) {
        trace->event(r.at, "NodePool", r.nodepools.empty() ? std::string{} : r.nodepools.front(),
                     std::string(karpenter::stage_name(r.stage)), "Normal",
                     r.message + (r.reason.empty() ? "" : " (" + r.reason + ")"));
      }
    };
    karpenter_controller.emplace(sim, cluster, sc, std::move(kopt));
  } else if (autoscaler == scenario::NodeAutoscalerKind::kClusterAutoscaler) {
    karpenter::CaControllerOptions copt;
    const scenario::NodeAutoscaling& na = sc.node_autoscaling;
    copt.scan_interval = na.ca_scan_interval;
    copt.ca.scale_down_utilization_threshold = na.ca_scale_down_utilization_threshold;
    copt.ca.scale_down_unneeded_time =
        std::chrono::duration_cast<std::chrono::seconds>(na.ca_scale_down_unneeded_time);
    copt.ca.scale_down_delay_after_add =
        std::chrono::duration_cast<std::chrono::seconds>(na.ca_scale_down_delay_after_add);
    copt.registration = na.registration_ms;
    copt.initialization = na.initialization_ms;
    copt.on_action = [&](const karpenter::CaRecord& r) {
      rec.drain_events();
      if (r.action == karpenter::CaAction::kScaleUp) {
        s.ca_nodes_added += static_cast<std::uint64_t>(r.delta);
      } else {
        ++s.ca_nodes_removed;
      }
      if (trace != nullptr) {
        trace->event(r.at, "NodeGroup", r.group, std::string(karpenter::ca_action_name(r.action)),
                     "Normal", r.message);
      }
    };
    ca_controller.emplace(sim, cluster, sc, std::move(copt));
  }
  std::optional<karpenter::FaultInjector> faults;
  if (!sc.faults.empty()) {
    faults.emplace(sim, cluster, sc, karpenter_controller ? &*karpenter_controller : nullptr,
                   [&](const karpenter::FaultRecord& r) {
                     rec.drain_events();
                     if (r.stage == karpenter::FaultStage::kNotice) ++s.spot_interruptions;
                     if (trace != nullptr) {
                       trace->event(r.at, r.node.empty() ? "Fault" : "Node", r.node,
                                    std::string(karpenter::fault_reason(r.stage)), "Warning",
                                    r.message);
                     }
                   });
  }
  traffic.set_window_callback([&rec](Time start, std::span<const traffic::EntryRoute> routes) {
    rec.on_window(start, routes);
  });

  if (trace != nullptr) {
    trace->write_meta("scenario", sc.name);
    trace->write_meta("scenario_file", sc.file.string());
    trace->write_meta("description", sc.description);
    trace->write_meta("seed", std::to_string(sc.seed));
    trace->write_meta("duration_us", std::to_string(sc.duration.count()));
    trace->write_meta("window_us", std::to_string(options.window.count()));
    trace->write_meta("source", "simulation");
  }

  // Requested vCPU-seconds on the nodes paid for, sampled every window.
  double requested_cpu_seconds = 0;
  const double window_seconds = static_cast<double>(options.window.count()) / 1e6;
  const EventHandle requested_sampler = sim.schedule_periodic(options.window, Duration{0}, [&] {
    std::int64_t milli = 0;
    const std::span<const cluster::Node> nodes = cluster.nodes();  // no vector per window
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].stage == cluster::NodeStage::kGone) continue;
      milli += cluster.requested(cluster::id_at<cluster::NodeId>(i)).cpu_milli;
    }
    requested_cpu_seconds += static_cast<double>(milli) / 1000 * window_seconds;
  });

  traffic.start();
  const Time end = kTimeZero + sc.duration;
  const Duration slice = std::max(sc.duration / 200, Duration{1});
  for (Time t = sim.now(); t < end;) {
    t = std::min(t + slice, end);
    sim.run_until(t);
    if (options.progress) options.progress(sim.now(), end, traffic.arrivals());
  }
  rec.drain_events();
  sim.cancel(requested_sampler);

  s.events_fired = sim.events_fired();
  s.arrivals = traffic.arrivals();
  s.in_flight_at_end = traffic.in_flight();
  s.table_throttles = traffic.table_throttles();
  s.nodes = cluster.nodes().size();
  // Nodes alive at once: a sweep over launches and terminations.
  std::vector<std::pair<Time, int>> changes;
  for (const cluster::Node& n : cluster.nodes()) {
    changes.emplace_back(n.launched, 1);
    if (n.stage == cluster::NodeStage::kGone) {
      changes.emplace_back(n.deleted, -1);
    } else {
      ++s.nodes_at_end;
    }
  }
  std::sort(changes.begin(), changes.end());  // a termination before a launch at one instant
  std::int64_t alive = 0;
  for (const auto& [at, d] : changes) {
    alive += d;
    s.peak_nodes = std::max(s.peak_nodes, static_cast<std::uint64_t>(alive));
  }
  s.peak_ready_nodes = ready_nodes.peak();
  s.trace_pods_submitted = cluster.trace_pods_submitted();
  s.trace_pods_succeeded = cluster.trace_pods_succeeded();
  cluster.remove_observer(&ready_nodes);
  const karpenter::CostReport bill = cost.report(sim.now());
  s.cost_dollars = bill.total_dollars;
  s.cost_by_owner = bill.by_owner;
  s.cost_by_capacity_type = bill.by_capacity_type;
  double paid_cpu_seconds = 0;
  for (const karpenter::NodeCost& n : bill.nodes) {
    if (!n.priced) s.unpriced_nodes.push_back(n.name + " (" + n.instance_type + ")");
    paid_cpu_seconds += static_cast<double>(cluster.node(n.node).capacity.cpu_milli) / 1000 *
                        static_cast<double>(n.running.count()) / 1e6;
  }
  if (paid_cpu_seconds > 0) {
    double used_ns = 0;
    for (std::size_t i = 0; i < cluster.pods().size(); ++i) {
      used_ns +=
          static_cast<double>(traffic.cpu_used_ns(cluster::id_at<cluster::PodId>(i), sim.now()));
    }
    s.cpu_used_share = used_ns / 1e9 / paid_cpu_seconds;
    s.cpu_requested_share = requested_cpu_seconds / paid_cpu_seconds;
  }
  for (const traffic::EntryRoute& r : traffic.routes()) {
    traffic::RouteCounters all = r.total;
    all.merge(r.window);
    RouteSummary rs;
    rs.route = r.name;
    rs.requests = all.requests;
    rs.errors = all.errors();
    rs.timeouts = all.by_status[static_cast<std::size_t>(traffic::Status::kTimeout)];
    for (std::size_t i = 1; i < traffic::kStatusCount; ++i) {
      if (all.by_status[i] == 0) continue;
      if (!rs.error_statuses.empty()) rs.error_statuses += ' ';
      rs.error_statuses += std::to_string(traffic::http_status(static_cast<traffic::Status>(i))) +
                           "x" + std::to_string(all.by_status[i]);
    }
    rs.p50 = all.latency.quantile(0.50);
    rs.p95 = all.latency.quantile(0.95);
    rs.p99 = all.latency.quantile(0.99);
    rs.max = all.latency.max();
    s.routes.push_back(rs);
  }
  for (const cluster::Deployment& d : cluster.deployments()) {
    DeploymentSummary ds = deps[d.namespace_ + "/" + d.name];
    ds.final_replicas = d.replicas;
    s.deployments.push_back(ds);
  }
  for (const manifest::NotModelled& n : sc.manifests.not_modelled) {
    s.not_modelled.push_back(n.kind + " " + (n.namespace_.empty() ? "" : n.namespace_ + "/") +
                             n.name + " (" + n.source.file + ":" + std::to_string(n.source.line) +
                             ")");
  }
  for (const autoscaling::UnmodelledHpa& u : hpa.not_modelled()) {
    s.not_modelled.push_back("HorizontalPodAutoscaler " + u.hpa + " -> " + u.target + ": " +
                             u.reason);
  }
  if (trace != nullptr) {
    trace->write_meta("arrivals", std::to_string(s.arrivals));
    trace->write_meta("events_fired", std::to_string(s.events_fired));
    trace->write_meta("cost_dollars", std::to_string(s.cost_dollars));
    trace->write_meta("summary", summary_json(s));
  }
  return s;
}

}  // namespace ksim::run
