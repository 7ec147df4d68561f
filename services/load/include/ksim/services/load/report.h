// The results of a run: a table for people, JSON for programs (`ksim
// calibrate`), a CSV of every request.
#pragma once

#include <expected>
#include <filesystem>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

#include "ksim/services/load/engine.h"

namespace ksim::services::load {

/// The whole result as JSON: "overall", "routes" (each with "method",
/// "path"), "windows"; per group: requests, responses, achieved_rps,
/// status classes and codes, errors by kind, latency_ms and service_ms
/// with p50/p90/p95/p99/p999/max/mean.
[[nodiscard]] nlohmann::json to_json(const RunResult& r);

/// The readable table: a line per route and one for all, then the windows.
void print_table(std::ostream& out, const RunResult& r);

/// Writes `text` to `file` atomically (a temporary file beside it, then a
/// rename), so that a reader never sees half a result.
[[nodiscard]] std::expected<void, std::string> write_atomically(const std::filesystem::path& file,
                                                                const std::string& text);

/// One line a request (needs RunOptions::keep_records): intended_ms,
/// sent_ms (empty if never sent), latency_ms, service_ms, status, error,
/// method, path.
[[nodiscard]] std::string to_csv(const RunResult& r);

}  // namespace ksim::services::load
