// TraceReader: reads a committed trace (sim/trace/SCHEMA.md) back, for tests
// and reports. Read-only; every failure is a value naming the file.
#pragma once

#include <expected>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ksim/sim/trace/records.h"

namespace ksim::trace {

class TraceReader {
 public:
  /// Opens `path` read-only. Fails if it cannot be opened, is not a ksim trace
  /// (no meta 'schema_version'), or has another schema version.
  static std::expected<TraceReader, std::string> open(const std::filesystem::path& path);

  TraceReader(TraceReader&&) noexcept;
  TraceReader& operator=(TraceReader&&) noexcept;
  ~TraceReader();

  /// Every meta row, by key.
  std::expected<std::map<std::string, std::string>, std::string> meta() const;
  /// Every series, by id.
  std::expected<std::vector<SeriesInfo>, std::string> series() const;
  /// The samples of one series by time, then insertion order. NULL values
  /// (NaN when written) read as NaN.
  std::expected<std::vector<Sample>, std::string> samples(SeriesId series) const;
  /// Every event, by id (= write order).
  std::expected<std::vector<TraceEvent>, std::string> events() const;
  /// Every route window, in write order.
  std::expected<std::vector<RouteWindow>, std::string> route_windows() const;

 private:
  struct Impl;
  explicit TraceReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ksim::trace
