// `ksim compare --html`: two traces on one self-contained page (the same
// page, script and inlined dygraphs as `ksim report`): each Deployment's
// replicas, each route's p99, the cost and the nodes of A and B overlaid,
// and the comparison table with its marks.
#pragma once

#include <expected>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "ksim/report/report.h"
#include "ksim/sim/trace/trace_reader.h"

namespace ksim::report {

/// The page's data (report/README.md) with `table` as "comparison": the
/// rows of analysis::comparison_json (their group, metric, a_text, b_text,
/// diff_text, ratio, marked and verdict are shown), plus "a" and "b" for the
/// header. Fails (naming the read) if a trace cannot be read.
std::expected<nlohmann::json, std::string> build_compare_data(const trace::TraceReader& a,
                                                              const trace::TraceReader& b,
                                                              const nlohmann::json& table);

/// Writes the compare page to `out_path` atomically, as write_report does.
std::expected<ReportStats, std::string> write_compare_report(const trace::TraceReader& a,
                                                             const trace::TraceReader& b,
                                                             const nlohmann::json& table,
                                                             const std::filesystem::path& out_path);

}  // namespace ksim::report
