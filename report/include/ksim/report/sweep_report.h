// `ksim report` on a sweep file (sweep/SWEEP.md): cost vs worst p99 as a
// scatter with the Pareto front marked, and the points' table, on the same
// self-contained page as a trace's report.
#pragma once

#include <expected>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "ksim/report/report.h"
#include "ksim/sweep/sweep_file.h"

namespace ksim::report {

/// The page's data for a sweep: "meta" (the sweep's), one section with the
/// scatter chart (x = cost in $, "all points" and "Pareto front" series; rows
/// by cost), no decisions, and "sweep": {"columns": [...], "rows": [[...]]}
/// for the points' table (report/README.md).
nlohmann::json build_sweep_page_data(const sweep::SweepFile& file);

/// Writes the sweep's page to `out_path` atomically.
std::expected<ReportStats, std::string> write_sweep_report(const sweep::SweepFile& file,
                                                           const std::filesystem::path& out_path);

}  // namespace ksim::report
