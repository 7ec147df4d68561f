// expect: a list of one-key mappings, each an expectation (expect.h), with
// its fields checked here and its Deployment checked against the manifests.
#include <algorithm>
#include <array>

#include "readers.h"

namespace ksim::scenario {

std::string_view expect_kind_name(ExpectKind k) {
  switch (k) {
    case ExpectKind::kReplicas:
      return "replicas";
    case ExpectKind::kReach:
      return "reach";
    case ExpectKind::kLatency:
      return "latency";
    case ExpectKind::kErrors:
      return "errors";
    case ExpectKind::kScaleEvents:
      return "scaleEvents";
    case ExpectKind::kNodes:
      return "nodes";
    case ExpectKind::kCost:
      return "cost";
    case ExpectKind::kPending:
      return "pending";
  }
  return "?";
}

namespace detail {
namespace {

constexpr std::array<std::string_view, 8> kKinds = {"replicas",    "reach", "latency", "errors",
                                                    "scaleEvents", "nodes", "cost",    "pending"};

std::optional<ExpectKind> kind_of(std::string_view key) {
  for (const ExpectKind k :
       {ExpectKind::kReplicas, ExpectKind::kReach, ExpectKind::kLatency, ExpectKind::kErrors,
        ExpectKind::kScaleEvents, ExpectKind::kNodes, ExpectKind::kCost, ExpectKind::kPending}) {
    if (expect_kind_name(k) == key) return k;
  }
  return std::nullopt;
}

void read_range(const Field& f, Expectation& e) {
  if (auto c = f.get("from")) e.from = read_duration(*c);
  if (auto c = f.get("to")) e.to = read_duration(*c);
  if (e.from && e.to && *e.to <= *e.from) {
    fail_child_value(f, "to", "must be after `from` (" + format_duration(*e.from) + ")");
  }
}

void read_bounds(const Field& f, Expectation& e) {
  for (auto [key, out] : {std::pair{"min", &e.min}, std::pair{"max", &e.max}}) {
    if (auto c = f.get(key))
      if (auto v = read_non_negative(*c)) *out = *v;
  }
  if (!e.min && !e.max) f.fail_child("min", "give min, max or both");
  if (e.min && e.max && *e.max < *e.min) fail_child_value(f, "max", "must not be less than min");
}

void read_count(const Field& f, Expectation& e) {
  if (auto of = one_of(f, "of", {"desired", "current", "ready"})) {
    e.count = *of == "desired"   ? ReplicaCount::kDesired
              : *of == "current" ? ReplicaCount::kCurrent
                                 : ReplicaCount::kReady;
  }
}

void require_positive(const Field& f, std::string_view key, Duration& out) {
  if (auto c = f.require(key))
    if (auto d = read_positive_duration(*c)) out = *d;
}

Expectation read_one(const Field& item) {
  Expectation e;
  e.line = item.line();
  if (!item.expect_map()) return e;
  const auto entries = item.entries();
  if (entries.size() != 1) {
    item.fail("expected one expectation per item (one of " + [] {
      std::string s;
      for (std::string_view k : kKinds) s += (s.empty() ? "" : ", ") + std::string(k);
      return s;
    }() + ")");
    return e;
  }
  const auto& [key, f] = entries[0];
  const auto kind = kind_of(key);
  if (!kind) {
    check_known_keys(item, {"replicas", "reach", "latency", "errors", "scaleEvents", "nodes",
                            "cost", "pending"});
    return e;
  }
  e.kind = *kind;
  if (!f.expect_map()) return e;
  switch (e.kind) {
    case ExpectKind::kReplicas:
      check_known_keys(f, {"deployment", "min", "max", "of", "from", "to"});
      if (f.require("deployment")) set_str(f, "deployment", e.deployment);
      read_bounds(f, e);
      read_count(f, e);
      read_range(f, e);
      break;
    case ExpectKind::kReach:
      check_known_keys(f, {"deployment", "replicas", "after", "within", "of"});
      if (f.require("deployment")) set_str(f, "deployment", e.deployment);
      if (f.require("replicas")) set_count(f, "replicas", e.replicas);
      set_duration(f, "after", e.after);
      require_positive(f, "within", e.within);
      read_count(f, e);
      break;
    case ExpectKind::kLatency: {
      check_known_keys(f, {"route", "p50", "p95", "p99", "minRequests", "from", "to"});
      if (auto c = f.get("minRequests")) {
        if (auto v = c->int64(); v && *v < 1) {
          c->fail("must be at least 1");
        } else if (v) {
          e.min_requests = *v;
        }
      }
      if (f.require("route")) set_str(f, "route", e.route);
      int given = 0;
      for (const auto& [name, pct] :
           {std::pair{"p50", 50}, std::pair{"p95", 95}, std::pair{"p99", 99}}) {
        if (auto c = f.get(name)) {
          ++given;
          e.percentile = pct;
          if (auto d = read_positive_duration(*c)) e.latency = *d;
        }
      }
      if (given != 1) f.fail_child("p99", "give exactly one of p50, p95, p99");
      read_range(f, e);
      break;
    }
    case ExpectKind::kErrors:
      check_known_keys(f, {"route", "maxRate", "from", "to"});
      set_str(f, "route", e.route);
      if (auto c = f.require("maxRate")) {
        if (auto v = c->number(); v && (*v < 0 || *v > 1)) {
          c->fail("must be between 0 and 1, got " + c->node().Scalar());
        } else if (v) {
          e.max_rate = *v;
        }
      }
      read_range(f, e);
      break;
    case ExpectKind::kScaleEvents:
      check_known_keys(f, {"deployment", "max", "within", "from", "to"});
      if (f.require("deployment")) set_str(f, "deployment", e.deployment);
      if (auto c = f.require("max")) {
        if (auto v = c->int32(); v && *v < 0) {
          c->fail("must be greater than or equal to 0");
        } else if (v) {
          e.max_events = *v;
        }
      }
      require_positive(f, "within", e.within);
      read_range(f, e);
      break;
    case ExpectKind::kNodes:
      check_known_keys(f, {"min", "max", "from", "to"});
      read_bounds(f, e);
      read_range(f, e);
      break;
    case ExpectKind::kCost:
      check_known_keys(f, {"max"});
      if (auto c = f.require("max"))
        if (auto v = read_non_negative(*c)) e.max_dollars = *v;
      break;
    case ExpectKind::kPending:
      check_known_keys(f, {"max"});
      if (auto c = f.require("max"))
        if (auto d = read_duration(*c)) e.max_pending = *d;
      break;
  }
  return e;
}

}  // namespace

std::vector<Expectation> read_expectations(const Field& f) {
  std::vector<Expectation> out;
  for (const Field& item : f.items()) out.push_back(read_one(item));
  return out;
}

void check_expectations(const Field& f, const Scenario& s) {
  const std::vector<Field> items = f.items();
  for (std::size_t i = 0; i < s.expectations.size() && i < items.size(); ++i) {
    const Expectation& e = s.expectations[i];
    const auto beyond = [&](const std::optional<Duration>& t) {
      return t && s.duration > Duration{0} && *t > s.duration;
    };
    if (beyond(e.from) || beyond(e.to) ||
        (e.kind == ExpectKind::kReach && s.duration > Duration{0} && e.after >= s.duration)) {
      items[i].fail("reaches past the run's end (" + format_duration(s.duration) + ")");
    }
    if (e.deployment.empty()) continue;
    const auto slash = e.deployment.find('/');
    const std::string ns = slash == std::string::npos ? "" : e.deployment.substr(0, slash);
    const std::string name =
        slash == std::string::npos ? e.deployment : e.deployment.substr(slash + 1);
    if (!items[i].is_map() || items[i].entries().size() != 1) continue;
    const Field body = items[i].entries()[0].second;
    if (auto d = body.get("deployment")) {
      check_named(*d, s.manifests.deployments, "Deployment", ns, name);
    }
  }
}

}  // namespace detail
}  // namespace ksim::scenario
