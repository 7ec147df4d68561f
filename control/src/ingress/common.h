// Internal helpers shared by the ingress-nginx and ALB table builders.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ksim/control/ingress/types.h"

namespace ksim::control::ingress::detail {

std::string ingress_ref(const IngressSpec& ing);              // "namespace/name"
std::string backend_text(const Backend& b);                   // "svc:80" / "svc:http"
std::string rule_text(PathType type, std::string_view path);  // "Prefix /api"
std::string lower_host(std::string_view host);

/// The annotation's value, or nullptr when absent.
const std::string* annotation(const IngressSpec& ing, std::string_view key);

/// Go strconv.ParseBool: nullopt for anything else.
std::optional<bool> parse_go_bool(std::string_view s);

/// Checks what both controllers need of every Ingress: paths absolute
/// (API validation), Service backends with one port, hosts with at most a
/// leading "*." wildcard. Returns the error sentence.
std::optional<std::string> validate_spec(const IngressSpec& ing);

}  // namespace ksim::control::ingress::detail
