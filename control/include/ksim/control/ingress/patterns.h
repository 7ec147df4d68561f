// The string matching primitives of Ingress routing: Host header normalization,
// ingress-nginx's wildcard server names and ALB's `*`/`?` patterns. No
// allocation: views in, views and booleans out.
#pragma once

#include <string_view>

namespace ksim::control::ingress {

/// The host part of a Host header: without a `:port` suffix (an IPv6 literal
/// keeps its brackets). Case is left as is; comparisons ignore it.
std::string_view strip_port(std::string_view host_header);

/// The path part of a request target: without `?query` (and `#fragment`).
/// Both controllers match paths without the query string (nginx matches
/// $uri; ALB: "the path pattern is applied only to the path of the URL").
std::string_view strip_query(std::string_view target);

/// ASCII case-insensitive equality (DNS names).
bool iequals(std::string_view a, std::string_view b);

/// ingress-nginx wildcard server: the template turns `*.foo.com` into the
/// server_name regex `~^(?<subdomain>[\w-]+)\.foo\.com$` (template.go
/// buildServerName), so exactly one label of [A-Za-z0-9_-] replaces the `*`.
/// nginx lower-cases the Host before server lookup. `wildcard` starts "*.".
bool nginx_wildcard_matches(std::string_view wildcard, std::string_view host);

/// An ALB condition pattern: `*` matches 0 or more characters, `?` exactly one;
/// every other character matches itself, case-sensitively (path-pattern) or
/// ASCII case-insensitively (host-header). AWS ELBv2 PathPatternConditionConfig /
/// HostHeaderConditionConfig.
bool alb_pattern_matches(std::string_view pattern, std::string_view text, bool ignore_case);

}  // namespace ksim::control::ingress
