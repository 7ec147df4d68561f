#include "ksim/services/http/router.h"

#include <array>
#include <exception>
#include <stdexcept>

#include "ksim/services/http/json.h"

namespace ksim::services::http {
namespace {

// Paths with more segments than this match no route (404) rather than
// costing an allocation per request.
constexpr std::size_t kMaxSegments = 32;

struct SplitPath {
  std::array<std::string_view, kMaxSegments> segments{};
  std::size_t count = 0;
  bool ok = true;
};

// "/a/b" -> {"a","b"}; "/" -> {""}. A path must start with '/'.
SplitPath split_path(std::string_view path) {
  SplitPath out;
  if (path.empty() || path.front() != '/') {
    out.ok = false;
    return out;
  }
  path.remove_prefix(1);
  while (true) {
    if (out.count == kMaxSegments) {
      out.ok = false;
      return out;
    }
    const std::size_t slash = path.find('/');
    out.segments[out.count++] = path.substr(0, slash);
    if (slash == std::string_view::npos) return out;
    path.remove_prefix(slash + 1);
  }
}

bool is_param(std::string_view segment) {
  return segment.size() >= 3 && segment.front() == '{' && segment.back() == '}';
}

std::string verb_name(Verb verb) {
  const auto name = boost::beast::http::to_string(verb);
  return {name.data(), name.size()};
}

}  // namespace

Router& Router::add(Verb method, std::string_view pattern, Handler handler) {
  const SplitPath split = split_path(pattern);
  if (!split.ok) {
    throw std::invalid_argument("route pattern '" + std::string(pattern) +
                                "' must start with '/' and have at most 32 segments");
  }
  Pattern parsed;
  std::size_t params = 0;
  for (std::size_t i = 0; i < split.count; ++i) {
    const std::string_view seg = split.segments[i];
    const bool param = is_param(seg);
    if (!param &&
        (seg.find('{') != std::string_view::npos || seg.find('}') != std::string_view::npos)) {
      throw std::invalid_argument("route pattern '" + std::string(pattern) +
                                  "': a segment is either a literal or a whole {name}");
    }
    params += param ? 1 : 0;
    parsed.segments.push_back({std::string(param ? seg.substr(1, seg.size() - 2) : seg), param});
    parsed.key += '/';
    parsed.key += param ? std::string_view("{}") : seg;
  }
  if (params > kMaxPathParams) {
    throw std::invalid_argument("route pattern '" + std::string(pattern) +
                                "' has more than 8 {params}");
  }
  Pattern* target = nullptr;
  for (Pattern& existing : patterns_) {
    if (existing.key != parsed.key) continue;
    if (routes_[existing.routes.front()].pattern != pattern) {
      throw std::invalid_argument("route pattern '" + std::string(pattern) + "' conflicts with '" +
                                  routes_[existing.routes.front()].pattern + "'");
    }
    for (const std::size_t r : existing.routes) {
      if (routes_[r].method == method) {
        throw std::invalid_argument("route " + verb_name(method) + " " + std::string(pattern) +
                                    " is registered twice");
      }
    }
    target = &existing;
  }
  if (target == nullptr) target = &patterns_.emplace_back(std::move(parsed));
  target->routes.push_back(routes_.size());
  routes_.push_back(Route{method, std::string(pattern), std::move(handler)});
  return *this;
}

Router& Router::get(std::string_view p, Handler h) { return add(Verb::get, p, std::move(h)); }
Router& Router::post(std::string_view p, Handler h) { return add(Verb::post, p, std::move(h)); }
Router& Router::put(std::string_view p, Handler h) { return add(Verb::put, p, std::move(h)); }
Router& Router::patch(std::string_view p, Handler h) { return add(Verb::patch, p, std::move(h)); }
Router& Router::del(std::string_view p, Handler h) { return add(Verb::delete_, p, std::move(h)); }

RouteMatch Router::match(Request& request) const {
  RouteMatch result;
  const SplitPath split = split_path(request.path());
  if (!split.ok) return result;

  // Among the patterns that match the path, the best one that has the method
  // wins; the 405 Allow list is the union of the methods of all of them.
  const Pattern* best = nullptr;
  std::size_t best_route = 0;
  bool any_path_match = false;
  const auto path_matches = [&split](const Pattern& p) {
    if (p.segments.size() != split.count) return false;
    for (std::size_t i = 0; i < split.count; ++i) {
      const Segment& s = p.segments[i];
      if (s.param ? split.segments[i].empty() : s.text != split.segments[i]) return false;
    }
    return true;
  };
  for (const Pattern& p : patterns_) {
    if (!path_matches(p)) continue;
    any_path_match = true;
    std::size_t found = routes_.size();
    for (const std::size_t r : p.routes) {
      if (routes_[r].method == request.method()) found = r;
    }
    if (found == routes_.size()) continue;
    if (best != nullptr) {
      // Literal beats parameter at the first segment where the kinds differ.
      std::size_t i = 0;
      while (i < split.count && best->segments[i].param == p.segments[i].param) ++i;
      if (i == split.count || !best->segments[i].param) continue;
    }
    best = &p;
    best_route = found;
  }
  if (best != nullptr) {
    request.clear_params();
    for (std::size_t i = 0; i < split.count; ++i) {
      if (best->segments[i].param) request.add_param(best->segments[i].text, split.segments[i]);
    }
    result.kind = MatchKind::kFound;
    result.route = best_route;
    return result;
  }
  if (!any_path_match) return result;
  result.kind = MatchKind::kMethodNotAllowed;
  for (const Pattern& p : patterns_) {
    if (!path_matches(p)) continue;
    for (const std::size_t r : p.routes) {
      const std::string name = verb_name(routes_[r].method);
      if (result.allow.find(name) != std::string::npos) continue;
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += name;
    }
  }
  return result;
}

Response Router::respond(const Request& request, const RouteMatch& match) const {
  switch (match.kind) {
    case MatchKind::kNotFound:
      return json_error(Status::not_found, "not_found",
                        "no route for " + std::string(request.path()));
    case MatchKind::kMethodNotAllowed: {
      Response res = json_error(Status::method_not_allowed, "method_not_allowed",
                                "method " + verb_name(request.method()) + " is not allowed on " +
                                    std::string(request.path()));
      res.set(Field::allow, match.allow);
      return res;
    }
    case MatchKind::kFound:
      break;
  }
  try {
    return routes_[match.route].handler(request);
  } catch (const std::exception& e) {
    return json_error(Status::internal_server_error, "internal", e.what());
  } catch (...) {
    return json_error(Status::internal_server_error, "internal", "unknown error");
  }
}

Response Router::dispatch(const BeastRequest& raw) const {
  Request request(raw);
  const RouteMatch m = match(request);
  return respond(request, m);
}

}  // namespace ksim::services::http
