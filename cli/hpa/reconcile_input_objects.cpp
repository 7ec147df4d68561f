// Reading pods, metrics API answers and controller memory.
#include "json_reader.h"
#include "reconcile_io.h"

namespace ksim::cli::hpa {

namespace h = control::hpa;

/// The items of a List object, or the elements of a bare array.
std::vector<JsonAt> list_items(const JsonAt& list) {
  if (list.json().is_array()) return list.items();
  if (auto items = list.get("items")) return items->items();
  return {};
}

namespace {

// A metav1.Time value field (not a pointer): Go reads an absent or null one as
// the zero time, which is also how a zero time is written (as null).
h::Instant time_or_zero(const std::optional<JsonAt>& t) { return t ? t->time() : h::kGoZeroTime; }

h::Container parse_container(const JsonAt& c) {
  h::Container out;
  out.name = c.at("name").str();
  if (auto res = c.get("resources")) {
    if (auto req = res->get("requests")) {
      if (!req->json().is_object()) req->fail("expected an object");
      for (const auto& [k, v] : req->json().items()) {
        out.requests_milli[k] = JsonAt(v, req->path() + "." + k).milli();
      }
    }
  }
  return out;
}

h::Pod parse_pod(const JsonAt& p) {
  h::Pod pod;
  const JsonAt md = p.at("metadata");
  pod.name = md.at("name").str();
  pod.deleting = md.get("deletionTimestamp").has_value();
  if (auto labels = md.get("labels")) {
    if (!labels->json().is_object()) labels->fail("expected an object");
    for (const auto& [k, v] : labels->json().items()) {
      pod.labels[k] = JsonAt(v, labels->path() + "." + k).str();
    }
  }
  if (auto spec = p.get("spec")) {
    if (auto cs = spec->get("containers")) {
      for (const JsonAt& c : cs->items()) pod.containers.push_back(parse_container(c));
    }
    if (auto ics = spec->get("initContainers")) {
      for (const JsonAt& c : ics->items()) {
        auto rp = c.get("restartPolicy");
        if (rp && rp->str() == "Always") pod.sidecars.push_back(parse_container(c));
      }
    }
    if (auto res = spec->get("resources")) {
      if (auto req = res->get("requests")) {
        for (const auto& [k, v] : req->json().items()) {
          pod.pod_requests_milli[k] = JsonAt(v, req->path() + "." + k).milli();
        }
      }
    }
  }
  pod.phase = h::PodPhase::kUnknown;
  if (auto st = p.get("status")) {
    if (auto ph = st->get("phase")) {
      const std::string s = ph->str();
      pod.phase = s == "Pending"     ? h::PodPhase::kPending
                  : s == "Running"   ? h::PodPhase::kRunning
                  : s == "Succeeded" ? h::PodPhase::kSucceeded
                  : s == "Failed"    ? h::PodPhase::kFailed
                                     : h::PodPhase::kUnknown;
    }
    // status.startTime is a pointer: absent means unset. An explicit null is
    // how Go writes a set-but-zero time (the upstream test fixtures' default
    // &metav1.Time{}), so it reads as Go's zero time, not as unset.
    const auto start = st->json().find("startTime");
    if (start != st->json().end() && start->is_null()) pod.start_time = h::kGoZeroTime;
    if (auto t = st->get("startTime")) pod.start_time = t->time();
    if (auto cs = st->get("conditions")) {
      for (const JsonAt& c : cs->items()) {
        if (c.at("type").str() != "Ready") continue;
        const std::string s = c.at("status").str();
        pod.ready = s == "True"    ? h::ConditionStatus::kTrue
                    : s == "False" ? h::ConditionStatus::kFalse
                                   : h::ConditionStatus::kUnknown;
        pod.ready_transition = time_or_zero(c.get("lastTransitionTime"));
        break;  // upstream GetPodCondition: the first Ready condition
      }
    }
  }
  return pod;
}

}  // namespace

void parse_pods(const std::optional<JsonAt>& list, std::vector<h::Pod>& pods) {
  if (!list) return;
  for (const JsonAt& p : list_items(*list)) pods.push_back(parse_pod(p));
}

namespace {

h::PodMetricsItem parse_pod_metrics(const JsonAt& m) {
  h::PodMetricsItem item;
  const JsonAt md = m.at("metadata");
  item.name = md.at("name").str();
  if (auto ns = md.get("namespace")) item.namespace_ = ns->str();
  item.timestamp = time_or_zero(m.get("timestamp"));
  item.window = m.at("window").duration();
  if (auto cs = m.get("containers")) {
    for (const JsonAt& c : cs->items()) {
      h::ContainerUsage u{c.at("name").str(), {}};
      if (auto usage = c.get("usage")) {
        if (!usage->json().is_object()) usage->fail("expected an object");
        for (const auto& [k, v] : usage->json().items()) {
          u.usage_milli[k] = JsonAt(v, usage->path() + "." + k).milli();
        }
      }
      item.containers.push_back(u);
    }
  }
  return item;
}

h::CustomMetricItem parse_custom(const JsonAt& m) {
  h::CustomMetricItem item;
  const JsonAt d = m.at("describedObject");
  item.described_object = {d.at("kind").str(), d.at("name").str(),
                           d.get("apiVersion") ? d.at("apiVersion").str() : ""};
  if (auto metric = m.get("metric")) {
    item.metric_name = metric->at("name").str();
  } else {
    item.metric_name = m.at("metricName").str();  // v1beta1
  }
  item.timestamp = time_or_zero(m.get("timestamp"));
  if (auto w = m.get("windowSeconds")) item.window_seconds = w->integer();
  item.value_milli = m.at("value").milli();
  return item;
}

h::ExternalMetricItem parse_external(const JsonAt& m) {
  h::ExternalMetricItem item;
  item.metric_name = m.at("metricName").str();
  if (auto l = m.get("metricLabels")) {
    if (!l->json().is_object()) l->fail("expected an object");
    for (const auto& [k, v] : l->json().items())
      item.labels[k] = JsonAt(v, l->path() + "." + k).str();
  }
  item.timestamp = time_or_zero(m.get("timestamp"));
  item.value_milli = m.at("value").milli();
  return item;
}

}  // namespace

void parse_metrics_apis(const JsonAt& doc, h::MetricsApis& apis) {
  if (auto l = doc.get("podMetrics")) {
    for (const JsonAt& m : list_items(*l)) apis.resource.push_back(parse_pod_metrics(m));
  }
  if (auto l = doc.get("customMetrics")) {
    for (const JsonAt& m : list_items(*l)) apis.custom.push_back(parse_custom(m));
  }
  if (auto l = doc.get("externalMetrics")) {
    for (const JsonAt& m : list_items(*l)) apis.external.push_back(parse_external(m));
  }
  if (auto errs = doc.get("metricErrors")) {
    for (const JsonAt& e : errs->items()) {
      const std::string api = e.str();
      if (api == "resource")
        apis.resource_fails = true;
      else if (api == "pods")
        apis.pods_fails = true;
      else if (api == "object")
        apis.object_fails = true;
      else if (api == "external")
        apis.external_fails = true;
      else
        e.fail("expected one of resource, pods, object, external");
    }
  }
}

void parse_state(const std::optional<JsonAt>& st, h::ControllerState& state) {
  if (!st) return;
  if (auto recs = st->get("recommendations")) {
    std::vector<h::Recommendation> out;
    for (const JsonAt& r : recs->items())
      out.push_back({r.at("replicas").int32(), r.at("time").time()});
    state.recommendations = out;
  }
  const auto events = [](const std::optional<JsonAt>& list, std::vector<h::ScaleEvent>& out) {
    if (!list) return;
    for (const JsonAt& e : list->items()) {
      h::ScaleEvent ev{e.at("replicaChange").int32(), e.at("time").time(), false};
      if (auto o = e.get("outdated")) ev.outdated = o->boolean();
      out.push_back(ev);
    }
  };
  events(st->get("scaleUpEvents"), state.scale_up_events);
  events(st->get("scaleDownEvents"), state.scale_down_events);
}

}  // namespace ksim::cli::hpa
