// Internal: the parts of a trace the report draws, read once into memory
// (every series but the per-pod and per-node ones, which a page cannot show).
#pragma once

#include <expected>
#include <map>
#include <string>
#include <vector>

#include "ksim/sim/trace/trace_reader.h"

namespace ksim::report::detail {

struct TraceData {
  std::map<std::string, std::string> meta;
  std::vector<trace::SeriesInfo> series;
  /// Samples by series id, for the series loaded (not kind "pod" / "node").
  std::map<std::int64_t, std::vector<trace::Sample>> samples;
  std::vector<trace::TraceEvent> events;
  std::vector<trace::RouteWindow> routes;

  /// The samples of (kind, object, metric), or nullptr if absent.
  [[nodiscard]] const std::vector<trace::Sample>* find(const std::string& kind,
                                                       const std::string& object,
                                                       const std::string& metric) const;
  /// The distinct objects of series of `kind`, in order of first series.
  [[nodiscard]] std::vector<std::string> objects(const std::string& kind) const;
};

std::expected<TraceData, std::string> load_trace_data(const trace::TraceReader& reader);

}  // namespace ksim::report::detail
