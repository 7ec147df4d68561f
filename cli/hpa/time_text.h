// Text forms of time used by Kubernetes objects: RFC 3339 instants (from year
// 1, Go's zero time) and Go durations ("5m", "1h30m", "15.5s").
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "ksim/control/hpa/types.h"

namespace ksim::cli::hpa {

using control::hpa::Duration;
using control::hpa::Instant;

/// RFC 3339 with optional fractional seconds (kept to the microsecond,
/// truncated) and a Z or +hh:mm offset.
std::expected<Instant, std::string> parse_rfc3339(std::string_view text);

/// As metav1.Time marshals: whole seconds, UTC ("2026-11-21T12:00:00Z").
std::string format_rfc3339_seconds(Instant t);

/// With the microseconds when not zero (trailing zeros trimmed, as Go's
/// RFC3339Nano does).
std::string format_rfc3339_micros(Instant t);

/// A Go duration string (time.ParseDuration): "300ms", "1.5h", "2h45m", "0".
std::expected<Duration, std::string> parse_go_duration(std::string_view text);

}  // namespace ksim::cli::hpa
