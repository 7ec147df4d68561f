// Bare pods: the scenario's podTrace (scenario/pod_trace.h). Each is created
// at its submit time in the trace's namespace, with no controller
// (OwnerKind::kNone), goes through the same scheduling queue as every pod
// (so Karpenter provisions for it when nothing fits), and once Running runs
// its duration, then completes: phase Succeeded, its requests freed, gone
// from its node. Nothing replaces a bare pod, whether it completes or is
// evicted (a drain deletes it; upstream kubectl drain needs --force for
// such pods, Karpenter's terminator evicts them like any other).
//
// Pods of one (cpu, memory) shape share one PodOwner (the scheduler's and
// the kubelet's template), so a trace of thousands of pods keeps per pod
// only its Pod object and a small row.
#include <map>
#include <utility>

#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/check.h"

namespace ksim::cluster {
namespace {

// The pause image: a trace pod only occupies what it requests. Tagged, so
// IfNotPresent: one pull per node.
constexpr std::string_view kTraceImage = "registry.k8s.io/pause:3.10";

manifest::PodTemplate trace_template(const scenario::PodTrace& t, std::int64_t cpu_milli,
                                     std::int64_t memory_bytes) {
  manifest::PodTemplate tpl;
  manifest::Container c;
  c.name = "main";
  c.image = std::string(kTraceImage);
  // requests = limits (Guaranteed QoS); memory in milli-bytes as the manifest reader keeps it.
  c.requests_milli = {{"cpu", cpu_milli}, {"memory", memory_bytes * 1000}};
  c.limits_milli = c.requests_milli;
  tpl.containers.push_back(std::move(c));
  tpl.node_selector = t.node_selector;
  tpl.annotations = t.annotations;
  tpl.tolerations = t.tolerations;
  return tpl;
}

}  // namespace

void Cluster::build_pod_trace(const scenario::Scenario& s) {
  if (!s.pod_trace) return;
  const scenario::PodTrace& t = *s.pod_trace;
  std::map<std::pair<std::int64_t, std::int64_t>, std::uint32_t> shape_of;
  trace_rows_.reserve(t.pods.size());
  for (const scenario::TracePod& row : t.pods) {
    const auto key = std::make_pair(row.cpu_milli, row.memory_bytes);
    auto [it, added] = shape_of.try_emplace(key, static_cast<std::uint32_t>(trace_shapes_.size()));
    if (added) {
      PodOwner o;
      o.name = "";  // no controller
      o.namespace_ = t.namespace_;
      init_pod_owner(o, trace_template(t, row.cpu_milli, row.memory_bytes), {});
      o.grace = timings_.termination_grace.value_or(t.termination_grace);
      // Trace pods carry no labels, so only an empty ({}) PDB selector would
      // select them; upstream's disruption controller then fails to find
      // their controller for a percentage budget. Not modelled: no PDB
      // covers a trace pod.
      o.pdbs.clear();
      o.rng = streams_.stream("podtrace/" + t.namespace_ + "/" + std::to_string(it->second));
      trace_shapes_.push_back(std::move(o));
    }
    trace_rows_.push_back(TraceRow{row.duration, it->second, row.name});
  }
  // Submissions in row order at their times (rows of one time in row order:
  // the kernel fires equal times in insertion order).
  for (std::size_t i = 0; i < t.pods.size(); ++i) {
    const auto row = static_cast<std::uint32_t>(i);
    sim_.schedule_at(sim_.now() + t.pods[i].at, [this, row] { submit_trace_pod(row); });
  }
}

// `kubectl create` of the row's pod. The API server refuses a name a live
// pod holds ("AlreadyExists"): the pod is not created.
void Cluster::submit_trace_pod(std::uint32_t row) {
  TraceRow& r = trace_rows_[row];
  PodOwner& owner = trace_shapes_[r.shape];
  Pod p;
  p.name = r.name.empty() ? "trace-" + std::to_string(row) : std::move(r.name);
  r.name.clear();
  if (const auto other = find_pod(owner.namespace_, p.name);
      other && pods_[index_of(*other)].stage != PodStage::kGone) {
    log(ObjectKind::kPod, owner.namespace_ + "/" + p.name, EventReason::kPodDeleted,
        "not created: pods \"" + p.name + "\" already exists");
    return;
  }
  p.owner_kind = OwnerKind::kNone;
  p.replica_set = kNoReplicaSet;
  p.ordinal = static_cast<std::int32_t>(row);
  create_pod_object(owner, std::move(p));
  ++trace_submitted_;
}

// Running: the row's duration starts now. The completion is not cancelled
// when the pod is deleted earlier; it then finds the pod no longer running.
void Cluster::bare_pod_running(PodId pod) {
  const Pod& p = pods_[index_of(pod)];
  const Duration run = trace_rows_[static_cast<std::size_t>(p.ordinal)].duration;
  sim_.schedule_in(run, [this, pod] { complete_bare_pod(pod); });
}

// Every container exited 0: phase Succeeded. The scheduler's cache drops a
// terminal pod (upstream eventhandlers.go: a pod that turns terminal is
// deleted from the cache), so its requests are free at once; the model then
// forgets the pod as if PodGC had removed it.
void Cluster::complete_bare_pod(PodId pod) {
  Pod& p = pods_[index_of(pod)];
  if (p.stage != PodStage::kRunning && p.stage != PodStage::kReady) return;
  sim_.cancel(p.next);  // a readiness step still pending
  std::erase(owner_of(p).pods, pod);
  if (p.ready()) {
    remove_endpoints(pod);
    propagate(pod, false);
  }
  p.phase = PodPhase::kSucceeded;
  p.stage = PodStage::kGone;
  p.deleted = sim_.now();
  forget_assumed(pod);
  log_pod(pod, EventReason::kPodDeleted,
          "Succeeded after " + format_duration(sim_.now() - p.started) + " running; removed from " +
              nodes_[index_of(p.node)].name);
  ++trace_succeeded_;
  pod_object_gone(pod);
  on_assigned_pod_deleted();
  notify([pod](ClusterObserver& o) { o.on_pod_gone(pod); });
  check_drained(p.node);
}

}  // namespace ksim::cluster
