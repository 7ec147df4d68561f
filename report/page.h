// Internal: writing a page's data as the HTML document, shared by `ksim
// report` and `ksim compare --html`.
#pragma once

#include <expected>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "ksim/report/report.h"

namespace ksim::report::detail {

/// render_html(data) written to `out_path` through `<out>.partial-<pid>`
/// renamed into place (nothing at `out_path` on failure); the stats count
/// the charts of data's sections and the rows of its decision log.
std::expected<ReportStats, std::string> write_page(const nlohmann::json& data,
                                                   const std::filesystem::path& out_path);

}  // namespace ksim::report::detail
