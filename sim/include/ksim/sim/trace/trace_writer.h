// TraceWriter: records one run (simulated, emulated or replayed on a real
// cluster) into the SQLite trace format of sim/trace/SCHEMA.md.
//
// No half-written output: everything goes into `<final>.partial-<pid>` in the
// same directory, inside one transaction, and commit() renames that file onto
// the final path (atomic on POSIX: readers see the old file or the new one).
// A writer destroyed without commit() removes its temporary file; a process
// killed outright leaves at most the `.partial-<pid>` file, never a file at
// the final path. Durability across power loss is not promised (no fsync).
//
// Deterministic: the same sequence of calls gives a byte-identical file with
// the same SQLite library. The writer adds no wall-clock value of its own.
//
// Errors: create() and commit() return them as values naming the file and
// SQLite's message. A write that fails in between (disk full) is remembered:
// later writes are skipped, and commit() returns that first error and leaves
// no file. Calling anything but commit()/error() after commit(), or anything
// at all on a moved-from writer, is a programming error (aborts).
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "ksim/sim/kernel/time.h"
#include "ksim/sim/trace/histogram.h"
#include "ksim/sim/trace/records.h"

namespace ksim::trace {

class TraceWriter {
 public:
  /// Creates the temporary file next to `final_path` (replacing a stale one of
  /// the same name) with the schema and meta('schema_version'). `final_path`
  /// itself is not touched until commit().
  static std::expected<TraceWriter, std::string> create(const std::filesystem::path& final_path);

  TraceWriter(TraceWriter&&) noexcept;
  TraceWriter& operator=(TraceWriter&&) noexcept;
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;
  /// Without a successful commit(): removes the temporary file.
  ~TraceWriter();

  /// Sets meta(key) = value (the last write of a key wins). Run metadata:
  /// scenario, seed, backend, ksim version... The writer never adds a clock.
  void write_meta(std::string_view key, std::string_view value);

  /// The id of the series (kind, object, metric), created on first use.
  /// Precondition: the same triple always comes with the same unit.
  /// O(1) after the first call (an in-memory cache).
  SeriesId series(std::string_view kind, std::string_view object, std::string_view metric,
                  std::string_view unit);

  /// Appends one sample. `value` NaN is stored as NULL.
  void sample(SeriesId series, Time t, double value);

  /// Appends one event; `details_json` (JSON text, not validated) is stored as
  /// NULL when empty. Events get ids 1, 2, ... in call order.
  void event(Time t, std::string_view kind, std::string_view object, std::string_view reason,
             std::string_view type, std::string_view message, std::string_view details_json = {});

  /// Appends the statistics of `route` over [window_start, window_start +
  /// window): request and error counts as given, and p50/p95/p99/max from
  /// `latency` (LatencyHistogram::quantile; NULL when `latency` is empty).
  void route_window(Time window_start, Duration window, std::string_view route,
                    std::int64_t requests, std::int64_t errors, const LatencyHistogram& latency);

  /// Builds the indexes, ends the transaction, closes the database and renames
  /// it onto the final path (replacing any file there). On error the
  /// temporary file is removed and the final path is left as it was. Call once.
  std::expected<void, std::string> commit();

  /// The first failed write so far ("" if none): the error commit() will return.
  const std::string& error() const;

  /// The final path and the temporary file written until commit().
  const std::filesystem::path& final_path() const;
  const std::filesystem::path& partial_path() const;

 private:
  struct Impl;
  explicit TraceWriter(std::unique_ptr<Impl> impl);
  Impl& impl() const;

  std::unique_ptr<Impl> impl_;
};

}  // namespace ksim::trace
