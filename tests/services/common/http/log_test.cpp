#include "ksim/services/http/log.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

namespace ksim::services::http {
namespace {

std::vector<std::string> read_lines(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::vector<std::string> lines;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, file) != nullptr) lines.emplace_back(buf);
  return lines;
}

TEST(HttpLogTest, OneJsonObjectPerLineWithFieldsAfterTsLevelMsg) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  Logger logger(LogLevel::kInfo, file);
  logger.info("listening", {{"port", 8081}, {"host", "0.0.0.0"}});
  logger.warn("odd \"quote\"\nnewline");
  const auto lines = read_lines(file);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("{\"ts\":\"", 0), 0u) << lines[0];
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["msg"], "listening");
  EXPECT_EQ(first["port"], 8081);
  EXPECT_EQ(first["ts"].get<std::string>().size(), 24u);  // 2026-11-22T00:50:01.123Z
  EXPECT_LT(lines[0].find("\"level\""), lines[0].find("\"msg\""));
  EXPECT_LT(lines[0].find("\"msg\""), lines[0].find("\"port\""));
  EXPECT_EQ(nlohmann::json::parse(lines[1])["msg"], "odd \"quote\"\nnewline");
  std::fclose(file);
}

TEST(HttpLogTest, LevelFilter) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  Logger logger(LogLevel::kWarn, file);
  logger.debug("d");
  logger.info("i");
  logger.warn("w");
  logger.error("e");
  const auto lines = read_lines(file);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["level"], "warn");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["level"], "error");
  Logger off(LogLevel::kOff, file);
  EXPECT_FALSE(off.enabled(LogLevel::kError));
  std::fclose(file);
}

TEST(HttpLogTest, InvalidUtf8IsReplacedNotThrown) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  Logger logger(LogLevel::kInfo, file);
  EXPECT_NO_THROW(logger.info("bad \xff byte", {{"target", "/x\xfe"}}));
  const auto lines = read_lines(file);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(nlohmann::json::accept(lines[0])) << lines[0];
  std::fclose(file);
}

TEST(HttpLogTest, ParseLogLevel) {
  EXPECT_EQ(parse_log_level("debug").value(), LogLevel::kDebug);
  EXPECT_EQ(parse_log_level("warning").value(), LogLevel::kWarn);
  ASSERT_FALSE(parse_log_level("loud").has_value());
  EXPECT_NE(parse_log_level("loud").error().find("'loud'"), std::string::npos);
}

}  // namespace
}  // namespace ksim::services::http
