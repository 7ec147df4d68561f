// Route patterns of a scenario's service behaviour (scenario/service.h):
// literal segments; `*` or `{name}` matches one segment; `**` as the last
// segment matches any remainder, also none. The query string is ignored.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "ksim/sim/scenario/service.h"

namespace ksim::traffic {

/// Whether `path` matches `pattern` (both start with '/').
bool path_matches(std::string_view pattern, std::string_view path);

/// The first route (in the scenario's order) whose method ("*" = any) and
/// pattern match; nullopt when none does (the service answers 404).
std::optional<std::size_t> find_route(std::span<const scenario::Route> routes,
                                      std::string_view method, std::string_view path);

}  // namespace ksim::traffic
