// The envelope of the services' outbox events, and its clock.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ksim::services::store {

/// Microseconds since the Unix epoch as "2026-11-22T01:02:03.456Z".
std::string format_time(std::int64_t unix_us);
/// The wall clock in microseconds since the Unix epoch.
std::int64_t now_us();

/// An event payload: {"type": type, "key": key, "occurredAt": ..., "data": data}.
/// The event id travels in the Kafka header `event-id` (set by the relay).
std::string event_payload(std::string_view type, std::string_view key, std::int64_t at_us,
                          const nlohmann::json& data);

}  // namespace ksim::services::store
