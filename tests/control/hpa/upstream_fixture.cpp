// upstream horizontal_test.go prepareTestClient, transcribed.
#include "upstream_fixture.h"

#include <ostream>

namespace ksim::control::hpa::upstream {
namespace {

constexpr const char* kNamespace = "test-namespace";
constexpr const char* kPodPrefix = "test-pod-";
constexpr std::int64_t kHalfMebibyteMilli = 1024LL * 1024 / 2 * 1000;

// The moment the fake metrics APIs stamp their samples (time.Now() at the fetch).
Instant sample_time() { return now() - 5ms; }

std::string pod_name(std::size_t i) { return kPodPrefix + std::to_string(i); }

// One pod of the fake "list pods" reactor: two containers that each request
// half of the pod's request (MilliValue()/2, integer division).
Pod fake_pod(const Scenario& s, std::size_t i) {
  Pod p;
  p.name = pod_name(i);
  p.labels = {{"name", "test-pod"}};
  p.phase = i < s.phases.size() ? s.phases[i] : PodPhase::kRunning;
  p.ready = i < s.readiness.size() ? s.readiness[i] : ConditionStatus::kTrue;
  const Instant start = i < s.start.size() ? s.start[i] : kGoZeroTime;
  p.start_time = start;
  p.ready_transition = start;
  p.deleting = i < s.deleting.size() && s.deleting[i];
  const std::int64_t request = s.requests ? (*s.requests)[i] : 1000;
  p.containers.push_back(Container{"container1", {{"cpu", request / 2}}});
  p.containers.push_back(Container{"container2", {{"cpu", request / 2}}});
  return p;
}

void add_metrics(const Scenario& s, ReconcileInput& in) {
  for (std::size_t i = 0; i < s.levels.size(); ++i) {
    const std::int64_t half = s.levels[i] / 2;  // int64(cpu/2) per container
    PodMetricsItem item{pod_name(i), kNamespace, sample_time(), 60s, {}};
    for (const char* c : {"container1", "container2"}) {
      item.containers.push_back(ContainerUsage{c, {{"cpu", half}, {"memory", kHalfMebibyteMilli}}});
    }
    in.metrics.resource.push_back(item);
    // Pods metrics (custom metrics API, name "*"): no windowSeconds.
    in.metrics.custom.push_back(CustomMetricItem{
        ObjectReference{"Pod", pod_name(i), ""}, "qps", sample_time(), {}, s.levels[i]});
    in.metrics.external.push_back(ExternalMetricItem{"qps", {}, sample_time(), s.levels[i]});
  }
  // Object metrics: the described object answers reportedLevels[0].
  for (const MetricSpec& m : in.spec.metrics) {
    if (m.type != MetricSourceType::kObject || s.levels.empty()) continue;
    in.metrics.custom.push_back(
        CustomMetricItem{m.described_object, "qps", sample_time(), {}, s.levels[0]});
  }
}

MetricSpec named(MetricSourceType type, const char* type_name) {
  MetricSpec m;
  m.type = type;
  m.type_name = type_name;
  m.metric_name = "qps";
  return m;
}

MetricSpec object_metric() {
  MetricSpec m = named(MetricSourceType::kObject, "Object");
  m.described_object = ObjectReference{"Deployment", "some-deployment", "apps/v1"};
  return m;
}

}  // namespace

std::vector<Cond> status_ok(std::vector<Cond> overrides) {
  std::vector<Cond> out{{"AbleToScale", ConditionStatus::kTrue, "SucceededRescale"},
                        {"ScalingActive", ConditionStatus::kTrue, "ValidMetricFound"},
                        {"ScalingLimited", ConditionStatus::kFalse, "DesiredWithinRange"}};
  for (const Cond& o : overrides) {
    bool replaced = false;
    for (Cond& c : out) {
      if (c.type == o.type) {
        c = o;
        replaced = true;
      }
    }
    if (!replaced) out.push_back(o);
  }
  return out;
}

ReconcileInput build(const Scenario& s) {
  ReconcileInput in;
  in.now = now();
  in.config.tolerance = 0.1;
  in.config.cpu_initialization_period = 2min;
  in.config.initial_readiness_delay = 10s;
  in.config.downscale_stabilization = 5min;
  in.config.legacy_scale_up_limit_factor = 8;
  in.config.legacy_scale_up_limit_minimum = 4;
  in.config.scale_to_zero = s.scale_to_zero_gate;
  in.config.configurable_tolerance = s.tolerance_gate;
  in.spec.name = "test-hpa";
  in.spec.namespace_ = kNamespace;
  in.spec.scale_target_ref = {s.target_kind, s.target_name, s.target_api_version};
  in.spec.min_replicas = s.min_replicas;
  in.spec.max_replicas = s.max_replicas;
  if (s.cpu_target > 0) in.spec.metrics.push_back(container_cpu("", s.cpu_target));
  for (const MetricSpec& m : s.metrics) in.spec.metrics.push_back(m);
  if (s.scale_up || s.scale_down) in.spec.behavior = Behavior{s.scale_up, s.scale_down};
  in.status.current_replicas = s.spec_replicas;
  in.status.desired_replicas = s.spec_replicas;
  in.status.last_scale_time = s.last_scale_time;
  in.status.conditions = s.initial_conditions;
  in.spec_replicas = s.spec_replicas;
  in.status_replicas = s.status_replicas;
  in.selector = "name=test-pod";
  const std::size_t n =
      s.requests ? s.requests->size() : static_cast<std::size_t>(s.status_replicas);
  for (std::size_t i = 0; i < n; ++i) in.pods.push_back(fake_pod(s, i));
  add_metrics(s, in);
  in.state.recommendations = s.recommendations;
  return in;
}

std::vector<Cond> conditions_of(const HpaStatus& status) {
  std::vector<Cond> out;
  for (const HpaCondition& c : status.conditions) out.push_back({c.type, c.status, c.reason});
  return out;
}

void expect_result(const Scenario& s, const ReconcileResult& r, std::int32_t want_desired,
                   const std::vector<Cond>& want_conditions) {
  EXPECT_EQ(r.status.desired_replicas, want_desired);
  EXPECT_EQ(r.desired_replicas, want_desired);
  EXPECT_EQ(r.scale_updated, s.spec_replicas != want_desired);
  EXPECT_EQ(conditions_of(r.status), want_conditions);
}

std::int32_t cpu_utilization(const HpaStatus& status) {
  for (const MetricStatus& m : status.current_metrics) {
    if (m.computed && m.spec.type == MetricSourceType::kResource && m.spec.resource_name == "cpu" &&
        m.current.average_utilization) {
      return *m.current.average_utilization;
    }
  }
  return -1;
}

MetricSpec pods_metric(std::int64_t average_milli) {
  MetricSpec m = named(MetricSourceType::kPods, "Pods");
  m.target.type = MetricTargetType::kAverageValue;
  m.target.average_value_milli = average_milli;
  return m;
}

MetricSpec object_value(std::int64_t value_milli) {
  MetricSpec m = object_metric();
  m.target.type = MetricTargetType::kValue;
  m.target.value_milli = value_milli;
  return m;
}

MetricSpec object_average(std::int64_t average_milli) {
  MetricSpec m = object_metric();
  m.target.type = MetricTargetType::kAverageValue;
  m.target.average_value_milli = average_milli;
  return m;
}

MetricSpec external_value(std::int64_t value_milli) {
  MetricSpec m = named(MetricSourceType::kExternal, "External");
  m.metric_selector = LabelSelector{};
  m.target.type = MetricTargetType::kValue;
  m.target.value_milli = value_milli;
  return m;
}

MetricSpec external_average(std::int64_t average_milli) {
  MetricSpec m = external_value(0);
  m.target = MetricTarget{};
  m.target.type = MetricTargetType::kAverageValue;
  m.target.average_value_milli = average_milli;
  return m;
}

MetricSpec container_cpu(const std::string& container, std::int32_t utilization) {
  MetricSpec m;
  m.type = container.empty() ? MetricSourceType::kResource : MetricSourceType::kContainerResource;
  m.type_name = container.empty() ? "Resource" : "ContainerResource";
  m.resource_name = "cpu";
  m.container = container;
  m.target.type = MetricTargetType::kUtilization;
  m.target.average_utilization = utilization;
  return m;
}

MetricSpec unknown_metric(const std::string& type) {
  MetricSpec m;
  m.type = MetricSourceType::kUnknown;
  m.type_name = type;
  return m;
}

ScalingRules scaling_rules(std::int32_t pods, std::int32_t pods_period, std::int32_t percent,
                           std::int32_t percent_period, std::int32_t window) {
  ScalingRules r;
  r.stabilization_window_seconds = window;
  r.select_policy = SelectPolicy::kMax;
  std::vector<ScalingPolicy> policies;
  if (pods != 0) policies.push_back(ScalingPolicy{PolicyType::kPods, pods, pods_period});
  if (percent != 0)
    policies.push_back(ScalingPolicy{PolicyType::kPercent, percent, percent_period});
  // A nil Policies slice is what GenerateHPAScale*Rules then replaces by the defaults.
  if (!policies.empty()) r.policies = policies;
  return r;
}

std::vector<ScaleEvent> uniform_events(const std::vector<int>& raw, int period) {
  std::vector<ScaleEvent> out;
  const double segment = static_cast<double>(period) / static_cast<double>(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    // time.Duration(float) truncates; the event is then that many seconds old.
    const auto boundary = static_cast<std::int64_t>(
        static_cast<double>(period) - segment * static_cast<double>(i + 1) + segment / 2);
    out.push_back(ScaleEvent{raw[i], now() - std::chrono::seconds(boundary) - 1ms, false});
  }
  return out;
}

void PrintTo(const Cond& c, std::ostream* os) {
  const char* st = c.status == ConditionStatus::kTrue    ? "True"
                   : c.status == ConditionStatus::kFalse ? "False"
                                                         : "Unknown";
  *os << "{" << c.type << " " << st << " " << c.reason << "}";
}

}  // namespace ksim::control::hpa::upstream
