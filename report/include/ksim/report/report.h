// `ksim report`: one self-contained HTML page (no network) of a trace's time
// series and decisions, drawn by dygraphs (inlined) from a JSON blob.
#pragma once

#include <cstddef>
#include <expected>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "ksim/sim/trace/trace_reader.h"

namespace ksim::report {

/// The page's data: what report.js draws. Its layout is documented in
/// report/README.md. Fails (a message naming what) if the trace cannot be read.
std::expected<nlohmann::json, std::string> build_page_data(const trace::TraceReader& trace);

/// The complete HTML document for `data`: the dygraphs library, its CSS and
/// the page's script inlined, `data` in a <script type="application/json">
/// with every '<' escaped, so nothing in the trace can close the element.
std::string render_html(const nlohmann::json& data);

/// Writes the page of `data` (render_html) to `out_path` atomically (a
/// temporary file renamed into place; nothing at `out_path` on failure).
/// Returns its size in bytes; errors name the file.
std::expected<std::size_t, std::string> write_page(const nlohmann::json& data,
                                                   const std::filesystem::path& out_path);

struct ReportStats {
  std::size_t charts = 0;
  std::size_t decisions = 0;
  std::size_t bytes = 0;
};

/// Writes the page of `trace` to `out_path` atomically (a temporary file
/// renamed into place; nothing at `out_path` on failure). Errors name the file.
std::expected<ReportStats, std::string> write_report(const trace::TraceReader& trace,
                                                     const std::filesystem::path& out_path);

}  // namespace ksim::report
