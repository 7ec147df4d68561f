// Structured logs: one JSON object per line on stderr (or a given stream),
// {"ts":"2026-11-22T00:50:01.123Z","level":"info","msg":"listening",...fields}.
#pragma once

#include <cstdio>
#include <expected>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ksim::services::http {

enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };

// "debug", "info", "warn" (or "warning"), "error", "off"; the error names the value.
std::expected<LogLevel, std::string> parse_log_level(std::string_view text);
std::string_view to_string(LogLevel level);

// Thread-safe; a line is written with one fwrite under a mutex so lines from
// several threads never interleave.
class Logger {
 public:
  explicit Logger(LogLevel level = LogLevel::kInfo, std::FILE* out = stderr);

  bool enabled(LogLevel level) const { return level >= level_ && level != LogLevel::kOff; }
  LogLevel level() const { return level_; }
  // `fields` must be a JSON object (or null); its members follow ts/level/msg.
  void log(LogLevel level, std::string_view msg, const nlohmann::json& fields = nullptr);
  void debug(std::string_view msg, const nlohmann::json& fields = nullptr) {
    log(LogLevel::kDebug, msg, fields);
  }
  void info(std::string_view msg, const nlohmann::json& fields = nullptr) {
    log(LogLevel::kInfo, msg, fields);
  }
  void warn(std::string_view msg, const nlohmann::json& fields = nullptr) {
    log(LogLevel::kWarn, msg, fields);
  }
  void error(std::string_view msg, const nlohmann::json& fields = nullptr) {
    log(LogLevel::kError, msg, fields);
  }

 private:
  LogLevel level_;
  std::FILE* out_;
  std::mutex mutex_;
};

}  // namespace ksim::services::http
