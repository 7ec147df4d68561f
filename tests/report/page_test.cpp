// render_html and write_report: the page inlines everything (no URL in any
// src or href), nothing from the trace can close the data's <script>, and the
// file appears whole or not at all.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <regex>

#include "ksim/report/report.h"
#include "report_test_trace.h"

namespace ksim::report {
namespace {

using nlohmann::json;
using testing::ReportTest;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

json minimal_data(const std::string& scenario) {
  return {{"meta", {{"scenario", scenario}}},
          {"sections", json::array()},
          {"decisions", {{"rows", json::array()}, {"left_out", 0}}}};
}

TEST(RenderHtml, InlinesTheLibraryAndLoadsNothing) {
  const std::string html = render_html(minimal_data("s"));
  EXPECT_NE(html.find("Dygraph"), std::string::npos);               // the library itself
  EXPECT_NE(html.find(".dygraph-legend"), std::string::npos);       // its CSS
  EXPECT_NE(html.find("data-charts-rendered"), std::string::npos);  // the page's script
  // No external resource: no src= or href= attribute, and no <link>.
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<[^>]*\s(src|href)\s*=)", std::regex::icase)));
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
}

TEST(RenderHtml, TraceTextCannotEscapeTheDataOrTheTitle) {
  const std::string evil = "</script><script>alert(1)</script><!--&\"'";
  json data = minimal_data(evil);
  data["decisions"]["rows"].push_back({{"message", evil}});
  const std::string html = render_html(data);
  EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find(R"(\u003c/script>\u003cscript>alert(1)\u003c/script>\u003c!--)"),
            std::string::npos);
  EXPECT_NE(html.find("<title>ksim report: &lt;/script&gt;&lt;script&gt;alert(1)"),
            std::string::npos);
  // The blob is still the same JSON.
  const auto start = html.find(R"(id="ksim-data">)") + std::string(R"(id="ksim-data">)").size();
  const auto end = html.find("</script>", start);
  EXPECT_EQ(json::parse(html.substr(start, end - start)), data);
}

TEST(RenderHtml, InvalidUtf8IsReplacedNotThrown) {
  const std::string html = render_html(minimal_data(std::string("bad \xff byte")));
  EXPECT_NE(html.find("bad \xef\xbf\xbd byte"), std::string::npos);
}

class WriteReport : public ReportTest {};

TEST_F(WriteReport, WritesTheWholePageAndNoTemporaryFile) {
  const auto trace_path = dir_ / "t.db";
  auto w = trace::TraceWriter::create(trace_path);
  ASSERT_TRUE(w.has_value());
  w->write_meta("scenario", "tiny");
  w->sample(w->series("cluster", "", "nodes", "nodes"), at_s(10), 2);
  w->sample(w->series("cluster", "", "cost", "$"), at_s(10), 0.01);
  ASSERT_TRUE(w->commit().has_value());
  auto r = trace::TraceReader::open(trace_path);
  ASSERT_TRUE(r.has_value());
  const auto out = dir_ / "t.html";
  auto stats = write_report(*r, out);
  ASSERT_TRUE(stats.has_value()) << stats.error();
  EXPECT_EQ(stats->charts, 2u);  // the totals of nodes and cost, for want of the per-pool ones
  const std::string html = slurp(out);
  EXPECT_EQ(html.size(), stats->bytes);
  EXPECT_TRUE(html.ends_with("</html>\n"));
  EXPECT_NE(html.find("ksim report: tiny"), std::string::npos);
  for (const auto& e : std::filesystem::directory_iterator(dir_))
    EXPECT_EQ(e.path().string().find(".partial-"), std::string::npos) << e.path();
}

TEST_F(WriteReport, AnUnwritableDestinationFailsNamingIt) {
  const auto trace_path = dir_ / "t.db";
  auto w = trace::TraceWriter::create(trace_path);
  ASSERT_TRUE(w.has_value());
  ASSERT_TRUE(w->commit().has_value());
  auto r = trace::TraceReader::open(trace_path);
  ASSERT_TRUE(r.has_value());
  const auto out = dir_ / "no-such-dir" / "t.html";
  auto stats = write_report(*r, out);
  ASSERT_FALSE(stats.has_value());
  EXPECT_NE(stats.error().find(out.string()), std::string::npos) << stats.error();
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace ksim::report
