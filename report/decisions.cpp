#include "decisions.h"

#include <optional>

#include "chart.h"

namespace ksim::report::detail {
namespace {

using nlohmann::json;

// The details JSON of an event, or nullopt when absent or not JSON.
std::optional<json> details_of(const trace::TraceEvent& e) {
  if (!e.details) return std::nullopt;
  json j = json::parse(*e.details, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

bool scaled_sync(const trace::TraceEvent& e, const std::optional<json>& d) {
  return e.kind == "HorizontalPodAutoscaler" && e.reason == "Sync" && d &&
         d->value("scaled", false);
}

bool is_decision(const trace::TraceEvent& e, const std::optional<json>& d) {
  if (e.kind == "HorizontalPodAutoscaler") {
    if (e.reason == "Sync") return scaled_sync(e, d);
    return e.reason != "SuccessfulRescale";
  }
  if (e.kind == "NodeClaim" || e.kind == "NodePool" || e.kind == "NodeGroup" || e.kind == "Fault") {
    return true;
  }
  return e.kind == "Node" && e.type == "Warning";
}

json explanation_of(const std::optional<json>& d) {
  json out = json::array();
  if (!d || !d->contains("explanation") || !(*d)["explanation"].is_array()) return out;
  for (const json& line : (*d)["explanation"]) {
    if (line.is_string()) out.push_back(line);
  }
  return out;
}

}  // namespace

json decision_log(const std::vector<trace::TraceEvent>& events) {
  json rows = json::array();
  std::size_t left_out = 0;
  for (const trace::TraceEvent& e : events) {
    const std::optional<json> d = details_of(e);
    if (!is_decision(e, d)) continue;
    if (rows.size() == kMaxDecisions) {
      ++left_out;
      continue;
    }
    rows.push_back({{"t_s", seconds(e.t.time_since_epoch().count())},
                    {"kind", e.kind},
                    {"object", e.object},
                    {"reason", e.reason},
                    {"type", e.type},
                    {"message", e.message},
                    {"explanation", explanation_of(d)}});
  }
  return {{"rows", std::move(rows)}, {"left_out", left_out}};
}

std::vector<Rescale> rescales(const std::vector<trace::TraceEvent>& events) {
  std::vector<Rescale> out;
  for (const trace::TraceEvent& e : events) {
    const std::optional<json> d = details_of(e);
    if (!scaled_sync(e, d)) continue;
    Rescale r;
    r.t_us = e.t.time_since_epoch().count();
    r.target = d->value("target", std::string{});
    r.from = d->value("currentReplicas", 0);
    r.to = d->value("desiredReplicas", 0);
    const json why = explanation_of(d);
    r.text = e.object + ": " + e.message;
    if (!why.empty()) r.text += "; " + why.back().get<std::string>();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ksim::report::detail
