// What a run records: per route and per time window, latency from the
// intended send time (so a stalled server shows in every request that had
// to wait, not only in the one that stalled: no coordinated omission),
// service time from the actual send, statuses and errors by kind.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/services/load/histogram.h"

namespace ksim::services::load {

/// Why a request got no HTTP response.
enum class ErrorKind : std::uint8_t {
  kNone,
  kConnect,   // the connection could not be opened (refused, unreachable)
  kReset,     // the connection was reset or closed under the request
  kTimeout,   // no complete response within --timeout of the intended time
  kProtocol,  // the reply was not valid HTTP/1.1 (or over the size limits)
};
inline constexpr std::size_t kErrorKinds = 5;
/// "connect", "reset", "timeout", "protocol" ("" for kNone).
std::string_view error_name(ErrorKind k);

/// Counters and histograms of one route (or of all, merged). Times in ns.
struct RouteStats {
  Histogram latency;                       // completion - intended time, responses only
  Histogram service;                       // completion - actual send, responses only
  std::uint64_t requests = 0;              // finished: responses + errors
  std::array<std::uint64_t, 6> classes{};  // [c] = responses with status c xx (0: outside 100..599)
  std::array<std::uint64_t, 600> codes{};  // per status code
  std::array<std::uint64_t, kErrorKinds> errors{};

  [[nodiscard]] std::uint64_t responses() const { return latency.count(); }
  [[nodiscard]] std::uint64_t error_count() const;
  void merge(const RouteStats& other);
};

/// One --window of intended send times, all routes.
struct WindowStats {
  CoarseHistogram latency_us;  // in microseconds: a day of 10 s windows stays small
  std::uint64_t requests = 0;
  std::array<std::uint64_t, 6> classes{};
  std::uint64_t errors = 0;
  void merge(const WindowStats& other);
};

/// One request, for --csv (kept only when asked for).
struct RequestRecord {
  std::int64_t intended_ns = 0;  // offsets from the run's start
  std::int64_t sent_ns = -1;     // -1: never sent
  std::int64_t done_ns = 0;
  std::uint32_t route = 0;
  std::uint16_t status = 0;  // 0: no response
  ErrorKind error = ErrorKind::kNone;
};

/// The recorder of one worker; workers' recorders merge into the run's.
class Recorder {
 public:
  Recorder(std::size_t routes, std::int64_t window_ns, bool keep_records);

  /// A response with `status` (times as offsets from the run's start, ns).
  void response(std::uint32_t route, std::int64_t intended, std::int64_t sent, std::int64_t done,
                unsigned status);
  /// A request that ended with `kind` and no response.
  void error(std::uint32_t route, std::int64_t intended, std::int64_t sent, std::int64_t done,
             ErrorKind kind);
  void merge(Recorder&& other);

  [[nodiscard]] const std::vector<RouteStats>& routes() const { return routes_; }
  [[nodiscard]] RouteStats overall() const;
  [[nodiscard]] const std::vector<WindowStats>& windows() const { return windows_; }
  [[nodiscard]] std::int64_t window_ns() const { return window_ns_; }
  /// Every request in intended-time order (after merge and sort_records).
  [[nodiscard]] const std::vector<RequestRecord>& records() const { return records_; }
  void sort_records();

 private:
  WindowStats& window_of(std::int64_t intended);

  std::vector<RouteStats> routes_;
  std::vector<WindowStats> windows_;
  std::vector<RequestRecord> records_;
  std::int64_t window_ns_;
  bool keep_records_;
};

}  // namespace ksim::services::load
