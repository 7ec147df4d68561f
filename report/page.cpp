// The page: the data blob (sections, decision log, run metadata) and the
// HTML around it. Writing is atomic: a temporary file renamed into place.

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <system_error>

#include "assets.h"
#include "decisions.h"
#include "ksim/report/report.h"
#include "sections.h"
#include "trace_data.h"

namespace ksim::report {
namespace {

using nlohmann::json;

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// JSON for a <script> element: '<' only occurs inside strings, where \u003c
// means the same, so no "</script" or "<!--" from the trace reaches the HTML
// parser. Invalid UTF-8 from the trace becomes U+FFFD instead of throwing.
std::string script_json(const json& data) {
  const std::string text = data.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string title_of(const json& data) {
  if (data.contains("title")) return data.at("title").get<std::string>();
  const json& meta = data.at("meta");
  const std::string scenario = meta.value("scenario", std::string("trace"));
  return "ksim report: " + scenario;
}

}  // namespace

std::expected<json, std::string> build_page_data(const trace::TraceReader& trace) {
  auto loaded = detail::load_trace_data(trace);
  if (!loaded) return std::unexpected(loaded.error());
  const detail::TraceData& d = *loaded;
  json sections =
      json::array({detail::load_section(d), detail::replicas_section(d), detail::hpa_section(d),
                   detail::routes_section(d), detail::nodes_section(d), detail::cost_section(d)});
  // Sections without a chart (no HPA, no route) are left out.
  json kept = json::array();
  for (json& s : sections) {
    if (!s.at("charts").empty()) kept.push_back(std::move(s));
  }
  return json{{"meta", d.meta},
              {"sections", std::move(kept)},
              {"decisions", detail::decision_log(d.events)}};
}

std::string render_html(const json& data) {
  const std::string title = html_escape(title_of(data));
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{0}</title>\n<style>\n{1}\n</style>\n<style>\n{2}\n</style>\n</head>\n"
      "<body>\n<header><h1>{0}</h1><table id=\"meta\"></table></header>\n"
      "<nav id=\"toc\"></nav>\n<main id=\"sections\"></main>\n"
      "<section id=\"decisions\"><h2>Decision log</h2><p id=\"decisions-note\"></p>"
      "<table id=\"decision-log\"><thead><tr><th>time</th><th>kind</th><th>object</th>"
      "<th>reason</th><th>message</th></tr></thead><tbody></tbody></table></section>\n"
      "<script type=\"application/json\" id=\"ksim-data\">{3}</script>\n"
      "<script>\n{4}\n</script>\n<script>\n{5}\n</script>\n</body>\n</html>\n",
      title, detail::dygraph_css(), detail::page_css(), script_json(data), detail::dygraph_js(),
      detail::page_js());
}

std::expected<std::size_t, std::string> write_page(const json& data,
                                                   const std::filesystem::path& out_path) {
  const std::string html = render_html(data);
  std::filesystem::path tmp = out_path;
  tmp += ".partial-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(html.data(), static_cast<std::streamsize>(html.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      return std::unexpected(out_path.string() + ": cannot write");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out_path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return std::unexpected(out_path.string() + ": cannot write: " + ec.message());
  }
  return html.size();
}

std::expected<ReportStats, std::string> write_report(const trace::TraceReader& trace,
                                                     const std::filesystem::path& out_path) {
  auto data = build_page_data(trace);
  if (!data) return std::unexpected(data.error());
  ReportStats stats;
  for (const json& s : data->at("sections")) stats.charts += s.at("charts").size();
  stats.decisions = data->at("decisions").at("rows").size();
  auto bytes = write_page(*data, out_path);
  if (!bytes) return std::unexpected(bytes.error());
  stats.bytes = *bytes;
  return stats;
}

}  // namespace ksim::report
