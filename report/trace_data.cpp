#include "trace_data.h"

#include <algorithm>

namespace ksim::report::detail {

const std::vector<trace::Sample>* TraceData::find(const std::string& kind,
                                                  const std::string& object,
                                                  const std::string& metric) const {
  for (const trace::SeriesInfo& s : series) {
    if (s.kind != kind || s.object != object || s.metric != metric) continue;
    const auto it = samples.find(static_cast<std::int64_t>(s.id));
    return it == samples.end() ? nullptr : &it->second;
  }
  return nullptr;
}

std::vector<std::string> TraceData::objects(const std::string& kind) const {
  std::vector<std::string> out;
  for (const trace::SeriesInfo& s : series) {
    if (s.kind == kind && std::ranges::find(out, s.object) == out.end()) out.push_back(s.object);
  }
  return out;
}

std::expected<TraceData, std::string> load_trace_data(const trace::TraceReader& reader) {
  TraceData d;
  auto meta = reader.meta();
  if (!meta) return std::unexpected(meta.error());
  d.meta = std::move(*meta);
  auto series = reader.series();
  if (!series) return std::unexpected(series.error());
  d.series = std::move(*series);
  for (const trace::SeriesInfo& s : d.series) {
    // Per-pod and per-node series are many and not drawn: skip reading them.
    if (s.kind == "pod" || s.kind == "node") continue;
    auto samples = reader.samples(s.id);
    if (!samples) return std::unexpected(samples.error());
    d.samples.emplace(static_cast<std::int64_t>(s.id), std::move(*samples));
  }
  auto events = reader.events();
  if (!events) return std::unexpected(events.error());
  d.events = std::move(*events);
  auto routes = reader.route_windows();
  if (!routes) return std::unexpected(routes.error());
  d.routes = std::move(*routes);
  return d;
}

}  // namespace ksim::report::detail
