// path_matches and find_route (path_pattern.h): segment by segment.
#include "ksim/sim/traffic/path_pattern.h"

namespace ksim::traffic {
namespace {

// Splits off the next segment of `s` (after its leading '/'); false at the end.
bool next_segment(std::string_view& s, std::string_view& segment) {
  if (s.empty()) return false;
  if (s.front() == '/') s.remove_prefix(1);
  const auto slash = s.find('/');
  segment = s.substr(0, slash);
  s = slash == std::string_view::npos ? std::string_view{} : s.substr(slash);
  return true;
}

bool is_wildcard(std::string_view seg) {
  return seg == "*" || (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}');
}

}  // namespace

bool path_matches(std::string_view pattern, std::string_view path) {
  path = path.substr(0, path.find('?'));
  std::string_view p, q;
  for (;;) {
    const bool has_p = next_segment(pattern, p);
    if (has_p && p == "**" && pattern.empty()) return true;
    const bool has_q = next_segment(path, q);
    if (!has_p || !has_q) return has_p == has_q;
    if (!is_wildcard(p) && p != q) return false;
    if (is_wildcard(p) && q.empty()) return false;
  }
}

std::optional<std::size_t> find_route(std::span<const scenario::Route> routes,
                                      std::string_view method, std::string_view path) {
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const scenario::Route& r = routes[i];
    if ((r.method == "*" || r.method == method) && path_matches(r.path, path)) return i;
  }
  return std::nullopt;
}

}  // namespace ksim::traffic
