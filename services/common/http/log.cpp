#include "ksim/services/http/log.h"

#include <chrono>
#include <ctime>

namespace ksim::services::http {
namespace {

// RFC 3339 UTC with milliseconds. Logs carry wall time by nature.
std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

std::expected<LogLevel, std::string> parse_log_level(std::string_view text) {
  if (text == "debug") return LogLevel::kDebug;
  if (text == "info") return LogLevel::kInfo;
  if (text == "warn" || text == "warning") return LogLevel::kWarn;
  if (text == "error") return LogLevel::kError;
  if (text == "off") return LogLevel::kOff;
  return std::unexpected("unknown log level '" + std::string(text) +
                         "' (expected debug, info, warn, error or off)");
}

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
    case LogLevel::kOff:
      break;
  }
  return "off";
}

Logger::Logger(LogLevel level, std::FILE* out) : level_(level), out_(out) {}

void Logger::log(LogLevel level, std::string_view msg, const nlohmann::json& fields) {
  if (!enabled(level)) return;
  // Built by hand so ts, level and msg come first (nlohmann::json sorts keys).
  // Invalid UTF-8 is replaced rather than thrown: a log line must never fail.
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  const auto quoted = [](std::string_view s) {
    return nlohmann::json(s).dump(-1, ' ', false, kReplace);
  };
  std::string text = "{\"ts\":\"" + timestamp() + "\",\"level\":\"" +
                     std::string(to_string(level)) + "\",\"msg\":" + quoted(msg);
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) {
      text += ',';
      text += quoted(key);
      text += ':';
      text += value.dump(-1, ' ', false, kReplace);
    }
  }
  text += '}';
  text += '\n';
  const std::lock_guard lock(mutex_);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace ksim::services::http
