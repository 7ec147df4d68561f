// The rows of a ksim trace as value types, shared by TraceWriter and
// TraceReader. The tables they map are documented in sim/trace/SCHEMA.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ksim/sim/kernel/time.h"

namespace ksim::trace {

/// The schema version stored in meta('schema_version') and PRAGMA user_version.
inline constexpr int kSchemaVersion = 1;

/// A time series' row id in the `series` table.
enum class SeriesId : std::int64_t {};

/// One row of `series`: what a time series measures.
struct SeriesInfo {
  SeriesId id{};
  std::string kind;    // "deployment", "hpa", "route", "pod", "node", "cluster"
  std::string object;  // e.g. "default/order-service"
  std::string metric;  // e.g. "ready_replicas"
  std::string unit;    // e.g. "replicas", "cores", "ms"
  friend bool operator==(const SeriesInfo&, const SeriesInfo&) = default;
};

/// One row of `samples` without its series id.
struct Sample {
  Time t;
  double value = 0;
  friend bool operator==(const Sample&, const Sample&) = default;
};

/// One row of `events`: a lifecycle event or a controller decision.
struct TraceEvent {
  std::int64_t id = 0;  // insertion order, from 1
  Time t;
  std::string kind;                    // the object's kind, e.g. "Pod", "HorizontalPodAutoscaler"
  std::string object;                  // e.g. "default/order-service-7d9c-x2x4k"
  std::string reason;                  // e.g. "Scheduled", "SuccessfulRescale"
  std::string type;                    // "Normal" or "Warning"
  std::string message;                 // one human sentence
  std::optional<std::string> details;  // JSON text, if any
  friend bool operator==(const TraceEvent&, const TraceEvent&) = default;
};

/// One row of `routes`: request statistics of one route over one window.
/// The latencies are absent when the window's histogram was empty.
struct RouteWindow {
  Time window_start;
  Duration window{};
  std::string route;  // e.g. "GET /api/v1/orders"
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  std::optional<Duration> p50;
  std::optional<Duration> p95;
  std::optional<Duration> p99;
  std::optional<Duration> max;
  friend bool operator==(const RouteWindow&, const RouteWindow&) = default;
};

}  // namespace ksim::trace
