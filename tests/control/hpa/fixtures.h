// Builders for HPA test tables: plain values, no fakes.
#pragma once

#include <string>
#include <vector>

#include "ksim/control/hpa/reconcile.h"
#include "ksim/control/hpa/replica_calculator.h"

namespace ksim::control::hpa::testing {

using namespace std::chrono_literals;

/// A fixed "now" far from the epoch.
inline Instant t0() { return Instant{std::chrono::seconds(1'800'000'000)}; }

/// A Running pod, Ready since long ago, one container "c" requesting `request_milli` cpu.
inline Pod running_pod(const std::string& name, std::int64_t request_milli = 1000) {
  Pod p;
  p.name = name;
  p.phase = PodPhase::kRunning;
  p.start_time = t0() - 1h;
  p.ready = ConditionStatus::kTrue;
  p.ready_transition = t0() - 50min;
  p.containers.push_back(Container{"c", {{"cpu", request_milli}, {"memory", 128'000'000'000}}});
  return p;
}

inline std::vector<Pod> running_pods(int n, std::int64_t request_milli = 1000) {
  std::vector<Pod> pods;
  for (int i = 0; i < n; ++i)
    pods.push_back(running_pod("pod-" + std::to_string(i), request_milli));
  return pods;
}

/// Samples by pod name "pod-<i>", taken 1 s before t0 over a 60 s window.
inline PodMetricsInfo samples(const std::vector<std::int64_t>& milli) {
  PodMetricsInfo m;
  for (std::size_t i = 0; i < milli.size(); ++i) {
    m["pod-" + std::to_string(i)] = PodMetric{milli[i], t0() - 1s, 60s};
  }
  return m;
}

inline CalcParams params(double tol = 0.1) {
  CalcParams p;
  p.tolerances = Tolerances{tol, tol};
  p.now = t0();
  p.cpu_initialization_period = 2min;  // upstream test constants
  p.initial_readiness_delay = 10s;
  return p;
}

inline MetricSpec cpu_utilization(std::int32_t target) {
  MetricSpec m;
  m.type = MetricSourceType::kResource;
  m.type_name = "Resource";
  m.resource_name = "cpu";
  m.target.type = MetricTargetType::kUtilization;
  m.target.average_utilization = target;
  return m;
}

/// A reconcile input: `n` running pods with the given cpu usage, spec = status replicas.
inline ReconcileInput cpu_input(int replicas, const std::vector<std::int64_t>& usage,
                                std::int32_t target, std::int32_t min_r, std::int32_t max_r) {
  ReconcileInput in;
  in.now = t0();
  in.spec.name = "web";
  in.spec.namespace_ = "default";
  in.spec.scale_target_ref = ObjectReference{"Deployment", "web", "apps/v1"};
  in.spec.min_replicas = min_r;
  in.spec.max_replicas = max_r;
  in.spec.metrics.push_back(cpu_utilization(target));
  in.spec_replicas = replicas;
  in.status_replicas = replicas;
  in.pods = running_pods(static_cast<int>(usage.size()));
  for (std::size_t i = 0; i < usage.size(); ++i) {
    in.metrics.resource.push_back(PodMetricsItem{"pod-" + std::to_string(i),
                                                 "default",
                                                 t0() - 1s,
                                                 60s,
                                                 {ContainerUsage{"c", {{"cpu", usage[i]}}}}});
  }
  in.state.recommendations = std::vector<Recommendation>{};
  return in;
}

inline const HpaCondition* find_condition(const HpaStatus& s, const std::string& type) {
  for (const HpaCondition& c : s.conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

}  // namespace ksim::control::hpa::testing
