// Maps method + path pattern to handlers. Pure: no sockets, no threads, so
// handler tests call dispatch() directly.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/services/http/request.h"

namespace ksim::services::http {

// A handler builds the whole response from the request. It runs on a server
// I/O thread: it may block (SQLite, an outbound HttpClient call) but then holds
// that thread (see ServerOptions::threads). It should return errors as
// responses; an exception escaping it becomes a 500 JSON response.
using Handler = std::function<Response(const Request&)>;

enum class MatchKind { kFound, kNotFound, kMethodNotAllowed };

struct RouteMatch {
  MatchKind kind = MatchKind::kNotFound;
  // Index of the matched route (valid when kind == kFound), stable for the
  // router's life: the server keys its per-route metrics on it.
  std::size_t route = 0;
  // For kMethodNotAllowed: the methods the path accepts, e.g. "GET, PUT".
  std::string allow;
};

// One registered (method, pattern) pair.
struct Route {
  Verb method;
  std::string pattern;  // as registered, e.g. "/api/v1/products/{id}"
  Handler handler;
};

class Router {
 public:
  // Registers `handler` for `method` on `pattern`: an absolute path whose
  // '/'-separated segments are literals or {name}. A {name} segment matches
  // one non-empty segment. When several patterns match a path, the one with a
  // literal at the first segment where they differ wins (/items/new beats
  // /items/{id}). Throws std::invalid_argument (a start-up error) on a
  // malformed pattern, a duplicate (method, pattern) or two patterns that
  // differ only in parameter names.
  Router& add(Verb method, std::string_view pattern, Handler handler);
  Router& get(std::string_view pattern, Handler handler);
  Router& post(std::string_view pattern, Handler handler);
  Router& put(std::string_view pattern, Handler handler);
  Router& patch(std::string_view pattern, Handler handler);
  Router& del(std::string_view pattern, Handler handler);

  // Resolves `request.path()` for `request.method()` and, when found, stores
  // the path parameters in `request`. Allocates only for a 405.
  RouteMatch match(Request& request) const;

  // match() then the handler, or a JSON 404 / 405 (with Allow). Exceptions
  // from the handler become a JSON 500. Version/keep-alive are left to the
  // caller (the server); tests read status, headers and body.
  Response dispatch(const BeastRequest& raw) const;
  // Same, with a match the caller already computed for `request`.
  Response respond(const Request& request, const RouteMatch& match) const;

  const Route& route(std::size_t index) const { return routes_[index]; }
  std::size_t size() const { return routes_.size(); }

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool param = false;
  };
  struct Pattern {
    std::string key;  // the pattern with parameter names erased
    std::vector<Segment> segments;
    std::vector<std::size_t> routes;  // indexes into routes_
  };

  std::vector<Route> routes_;
  std::vector<Pattern> patterns_;
};

}  // namespace ksim::services::http
