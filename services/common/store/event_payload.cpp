// event_payload.h: RFC 3339 times and the event envelope.
#include "ksim/services/store/event_payload.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace ksim::services::store {

std::string format_time(std::int64_t unix_us) {
  const std::time_t seconds = static_cast<std::time_t>(unix_us / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[96];  // room for any int the format could print
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>((unix_us / 1000) % 1000));
  return text;
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string event_payload(std::string_view type, std::string_view key, std::int64_t at_us,
                          const nlohmann::json& data) {
  return nlohmann::json{
      {"type", type}, {"key", key}, {"occurredAt", format_time(at_us)}, {"data", data}}
      .dump();
}

}  // namespace ksim::services::store
