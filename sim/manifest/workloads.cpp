// Reading apps/v1 Deployment, StatefulSet and DaemonSet with the API server's defaults
// (pkg/apis/apps/v1/defaults.go) and validation (pkg/apis/apps/validation).
#include "readers.h"

namespace ksim::manifest::detail {
namespace {

bool is_zero(const IntOrString& v) { return scaled_value(v, 100, false) == 0; }

bool over_100_percent(const IntOrString& v) {
  return v.is_string && scaled_value(v, 100, false) > 100;
}

// selector and template: what the workload kinds share. The selector is
// required and must select the template's labels (ValidateDeploymentSpec,
// ValidateStatefulSetSpec, ValidateDaemonSetSpec).
void read_selector_and_template(const Field& spec, std::string_view kind, LabelSelector& selector,
                                PodTemplate& tpl) {
  auto sel_field = spec.require("selector");
  std::optional<LabelSelector> sel;
  if (sel_field) sel = read_label_selector(*sel_field);
  if (sel) selector = *sel;
  auto tpl_field = spec.require("template");
  if (tpl_field && tpl_field->expect_map()) tpl = read_pod_template(*tpl_field);
  if (!sel || !tpl_field) return;
  if (selector.match_labels.empty() && selector.match_expressions.empty()) {
    sel_field->fail("empty selector is invalid for " + std::string(kind));
  } else if (!selector.matches(tpl.labels)) {
    std::optional<Field> at = tpl_field->get("metadata");
    if (at) at = at->get("labels").value_or(*at);
    (at ? *at : *tpl_field).fail("`selector` does not match template `labels`");
  }
}

// replicas, selector and template (Deployment and StatefulSet).
void read_workload(const Field& spec, std::string_view kind, std::int32_t& replicas,
                   LabelSelector& selector, PodTemplate& tpl) {
  set_int32(spec, "replicas", replicas);
  check_non_negative(spec, "replicas", replicas);
  read_selector_and_template(spec, kind, selector, tpl);
}

void read_rolling_update(const Field& ru, RollingUpdate& r) {
  if (auto f = ru.get("maxSurge"))
    if (auto v = read_int_or_percent(*f)) r.max_surge = *v;
  auto unavailable = ru.get("maxUnavailable");
  if (unavailable) {
    if (auto v = read_int_or_percent(*unavailable)) r.max_unavailable = *v;
    if (over_100_percent(r.max_unavailable)) unavailable->fail("must not be greater than 100%");
  }
  if (is_zero(r.max_surge) && is_zero(r.max_unavailable)) {
    if (unavailable) {
      unavailable->fail("may not be 0 when `maxSurge` is 0");
    } else {
      ru.fail_child("maxUnavailable", "may not be 0 when `maxSurge` is 0");
    }
  }
}

void read_strategy(const Field& st, Deployment& d) {
  if (auto t = one_of(st, "type", {"RollingUpdate", "Recreate"})) {
    d.strategy = *t == "Recreate" ? DeploymentStrategyType::kRecreate
                                  : DeploymentStrategyType::kRollingUpdate;
  }
  auto ru = st.get_map("rollingUpdate");
  if (!ru) return;
  if (d.strategy == DeploymentStrategyType::kRecreate) {
    ru->fail_at_key("may not be specified when strategy `type` is 'Recreate'");
    return;
  }
  read_rolling_update(*ru, d.rolling_update);
}

VolumeClaimTemplate read_claim_template(const Field& f) {
  VolumeClaimTemplate v;
  if (!f.expect_map()) return v;
  if (auto md = f.require("metadata"); md && md->expect_map()) {
    if (auto n = md->require("name"))
      if (auto s = n->str()) v.name = *s;
  }
  if (auto spec = f.get_map("spec"))
    if (auto res = spec->get_map("resources"))
      if (auto req = res->get_map("requests"))
        if (auto st = req->get("storage")) v.storage_request_milli = st->quantity_milli();
  return v;
}

// spec.updateStrategy of a DaemonSet: rollingUpdate is read for the
// RollingUpdate type only (SetDefaults_DaemonSet fills it there), and
// maxUnavailable and maxSurge may not both be 0
// (ValidateRollingUpdateDaemonSet).
void read_daemon_update_strategy(const Field& us, DaemonSet& d) {
  if (auto t = one_of(us, "type", {"RollingUpdate", "OnDelete"})) {
    d.update_strategy = *t == "OnDelete" ? DaemonSetUpdateStrategy::kOnDelete
                                         : DaemonSetUpdateStrategy::kRollingUpdate;
  }
  auto ru = us.get_map("rollingUpdate");
  if (!ru || d.update_strategy != DaemonSetUpdateStrategy::kRollingUpdate) return;
  for (auto [key, value] :
       {std::pair{"maxUnavailable", &d.max_unavailable}, std::pair{"maxSurge", &d.max_surge}}) {
    auto f = ru->get(key);
    if (!f) continue;
    if (auto v = read_int_or_percent(*f)) *value = *v;
    if (over_100_percent(*value)) f->fail("must not be greater than 100%");
  }
  if (is_zero(d.max_unavailable) && is_zero(d.max_surge)) {
    if (auto f = ru->get("maxUnavailable")) {
      f->fail("may not be 0 when `maxSurge` is 0");
    } else {
      ru->fail_child("maxUnavailable", "may not be 0 when `maxSurge` is 0");
    }
  }
}

}  // namespace

DaemonSet read_daemon_set(const Field& root) {
  DaemonSet d;
  auto spec = root.require("spec");
  if (!spec || !spec->expect_map()) return d;
  read_selector_and_template(*spec, "daemonset", d.selector, d.template_);
  if (auto us = spec->get_map("updateStrategy")) read_daemon_update_strategy(*us, d);
  set_int32(*spec, "minReadySeconds", d.min_ready_seconds);
  check_non_negative(*spec, "minReadySeconds", d.min_ready_seconds);
  set_int32(*spec, "revisionHistoryLimit", d.revision_history_limit);
  check_non_negative(*spec, "revisionHistoryLimit", d.revision_history_limit);
  return d;
}

Deployment read_deployment(const Field& root) {
  Deployment d;
  auto spec = root.require("spec");
  if (!spec || !spec->expect_map()) return d;
  read_workload(*spec, "deployment", d.replicas, d.selector, d.template_);
  if (auto st = spec->get_map("strategy")) read_strategy(*st, d);
  set_int32(*spec, "minReadySeconds", d.min_ready_seconds);
  check_non_negative(*spec, "minReadySeconds", d.min_ready_seconds);
  set_int32(*spec, "progressDeadlineSeconds", d.progress_deadline_seconds);
  if (d.progress_deadline_seconds <= d.min_ready_seconds) {
    if (auto f = spec->get("progressDeadlineSeconds")) {
      f->fail("must be greater than minReadySeconds");
    }
  }
  return d;
}

StatefulSet read_stateful_set(const Field& root) {
  StatefulSet s;
  auto spec = root.require("spec");
  if (!spec || !spec->expect_map()) return s;
  read_workload(*spec, "statefulset", s.replicas, s.selector, s.template_);
  set_str(*spec, "serviceName", s.service_name);
  if (auto p = one_of(*spec, "podManagementPolicy", {"OrderedReady", "Parallel"})) {
    s.pod_management_policy =
        *p == "Parallel" ? PodManagementPolicy::kParallel : PodManagementPolicy::kOrderedReady;
  }
  if (auto us = spec->get_map("updateStrategy")) {
    if (auto t = one_of(*us, "type", {"RollingUpdate", "OnDelete"})) {
      s.update_strategy = *t == "OnDelete" ? StatefulSetUpdateStrategy::kOnDelete
                                           : StatefulSetUpdateStrategy::kRollingUpdate;
    }
    if (auto ru = us->get_map("rollingUpdate")) {
      set_int32(*ru, "partition", s.partition);
      check_non_negative(*ru, "partition", s.partition);
    }
  }
  if (auto vct = spec->get("volumeClaimTemplates")) {
    for (const Field& f : vct->items()) s.volume_claim_templates.push_back(read_claim_template(f));
  }
  return s;
}

}  // namespace ksim::manifest::detail
