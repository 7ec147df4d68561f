// ingress-nginx routing. Upstream (kubernetes/ingress-nginx, controller-v1.15):
// internal/ingress/controller/controller.go createServers / getBackendServers
// (one server per host, "_" the catch-all, each with a root location "/" on
// the default backend; the first Ingress, oldest first, wins a duplicate path
// of the same pathType), location.go updateServerLocations (Prefix p -> prefix
// location "p/" plus `location = p` unless an Exact p exists), template.go
// buildServerName (wildcard hosts as one-label regexes). nginx then picks the
// server by exact name, else by regex (the wildcards), else "_"; and within it
// an exact location equal to the URI, else the longest prefix location.
#include <algorithm>
#include <map>

#include "common.h"
#include "ksim/control/ingress/patterns.h"
#include "ksim/control/ingress/routing.h"

namespace ksim::control::ingress {
namespace {

using detail::backend_text;

// A path as getBackendServers collects it, before updateServerLocations.
struct Declared {
  std::string path;
  PathType type;
  std::size_t route;
};

struct ServerDraft {
  NginxServer server;  // holds the root location at index 0
  std::vector<Declared> declared;
};

std::optional<std::string> check_annotations(const IngressSpec& ing) {
  const std::string ref = "Ingress " + detail::ingress_ref(ing);
  if (const auto* v = detail::annotation(ing, kNginxUseRegex);
      v && detail::parse_go_bool(*v) == true)
    return ref + " sets " + std::string(kNginxUseRegex) + ": \"" + *v +
           "\"; ingress-nginx regex locations are not modelled by ksim";
  if (const auto* v = detail::annotation(ing, kNginxRewriteTarget); v && !v->empty())
    return ref + " sets " + std::string(kNginxRewriteTarget) + ": \"" + *v +
           "\"; it turns the host's paths into regex locations, which are not modelled by ksim";
  if (const auto* v = detail::annotation(ing, kNginxCanary); v && detail::parse_go_bool(*v) == true)
    return ref + " sets " + std::string(kNginxCanary) +
           ": \"true\"; canary traffic splitting is not modelled by ksim";
  return std::nullopt;
}

std::string server_label(const std::string& name) {
  return name == "_" ? "the catch-all server _ (no Ingress rule names the request's host)"
                     : "server " + name;
}

NginxLocation root_location(const std::string& name, std::size_t default_route,
                            const std::vector<Route>& routes) {
  if (default_route == kNoIngress)
    return {MatchReason::kNotFound, "/", kNoIngress,
            "No location of " + server_label(name) +
                " matches the path; ingress-nginx's default backend answers 404."};
  const Route& r = routes[default_route];
  return {MatchReason::kDefaultBackend, "/", default_route,
          "No path of " + server_label(name) + " matches; its root location serves Ingress " +
              r.ingress + "'s defaultBackend " + backend_text(r.backend) + "."};
}

std::string location_message(const Route& r, const std::string& server, bool exact,
                             const std::string& loc_path) {
  std::string s = "Ingress " + r.ingress + ", " + server_label(server) + ": " + r.rule;
  if (exact && r.path_type == PathType::kPrefix)
    s += " adds `location = " + loc_path + "`, equal to the path";
  else if (exact)
    s += " is `location = " + loc_path + "`, equal to the path";
  else if (r.path_type == PathType::kImplementationSpecific)
    s += " is `location " + loc_path +
         "`, the longest prefix location matching the path (a character prefix)";
  else
    s += " is `location " + loc_path + "`, the longest prefix location matching the path";
  return s + "; backend " + backend_text(r.backend) + ".";
}

std::string normalize_prefix(const std::string& p) { return p.ends_with('/') ? p : p + "/"; }

// updateServerLocations: turns the declared paths of one server into nginx
// locations, after the root location.
void emit_locations(ServerDraft& d, const std::vector<Route>& routes) {
  auto& locs = d.server.locations;
  auto add = [&](MatchReason reason, const std::string& path, std::size_t route) {
    locs.push_back({reason, path, route,
                    location_message(routes[route], d.server.name,
                                     reason == MatchReason::kExactLocation, path)});
  };
  for (const Declared& decl : d.declared) {
    switch (decl.type) {
      case PathType::kExact:
        add(MatchReason::kExactLocation, decl.path, decl.route);
        break;
      case PathType::kImplementationSpecific:
        add(MatchReason::kPrefixLocation, decl.path, decl.route);
        break;
      case PathType::kPrefix: {
        add(MatchReason::kPrefixLocation, normalize_prefix(decl.path), decl.route);
        const bool exact_exists = std::ranges::any_of(d.declared, [&](const Declared& o) {
          return o.type == PathType::kExact && o.path == decl.path;
        });
        if (!exact_exists) add(MatchReason::kExactLocation, decl.path, decl.route);
        break;
      }
    }
  }
}

// getBackendServers: one declared path into its server, unless an older
// Ingress already holds the same path with the same pathType.
void declare(ServerDraft& d, const PathSpec& p, std::size_t route,
             const std::vector<Route>& routes) {
  const std::string path = p.path.empty() ? "/" : p.path;
  NginxLocation& root = d.server.locations.front();
  // Prefix "/" claims the root location while it still serves a default
  // backend. ImplementationSpecific "/" is treated alike (upstream would emit a
  // second `location /`, which nginx refuses).
  if (path == "/" && p.type != PathType::kExact) {
    if (root.reason == MatchReason::kNotFound || root.reason == MatchReason::kDefaultBackend)
      root = {MatchReason::kPrefixLocation, "/", route,
              location_message(routes[route], d.server.name, false, "/")};
    return;  // else: an older Ingress holds "/" (first wins)
  }
  const bool taken = std::ranges::any_of(
      d.declared, [&](const Declared& o) { return o.path == path && o.type == p.type; });
  if (!taken) d.declared.push_back({path, p.type, route});
}

}  // namespace

std::expected<RoutingTable, std::string> build_nginx_routing(
    std::span<const IngressSpec> ingresses) {
  RoutingTable t;
  t.controller_ = Controller::kNginx;
  std::map<std::string, ServerDraft> drafts;
  drafts["_"].server = {"_", {root_location("_", kNoIngress, t.routes_)}};

  auto add_route = [&](std::size_t i, const IngressSpec& ing, const RuleSpec* rule,
                       const PathSpec* path, const Backend& b) {
    Route r{i,
            detail::ingress_ref(ing),
            rule ? rule->host : "",
            path ? path->type : PathType::kPrefix,
            path ? path->path : "",
            b,
            TargetType::kInstance,
            path ? detail::rule_text(path->type, path->path.empty() ? "/" : path->path)
                 : "defaultBackend"};
    t.routes_.push_back(std::move(r));
    return t.routes_.size() - 1;
  };

  // createServers: servers and their root locations, Ingress by Ingress.
  for (std::size_t i = 0; i < ingresses.size(); ++i) {
    const IngressSpec& ing = ingresses[i];
    if (ing.controller != Controller::kNginx) continue;
    if (auto e = detail::validate_spec(ing)) return std::unexpected(*e);
    if (auto e = check_annotations(ing)) return std::unexpected(*e);
    std::size_t def = kNoIngress;
    if (ing.default_backend) {
      def = add_route(i, ing, nullptr, nullptr, *ing.default_backend);
      // An Ingress with a backend and no rule configures the catch-all.
      NginxLocation& catch_all = drafts["_"].server.locations.front();
      if (ing.rules.empty() && catch_all.reason == MatchReason::kNotFound)
        catch_all = root_location("_", def, t.routes_);
    }
    for (const RuleSpec& rule : ing.rules) {
      const std::string host = rule.host.empty() ? "_" : detail::lower_host(rule.host);
      if (drafts.contains(host)) continue;  // server already configured
      drafts[host].server = {host, {root_location(host, def, t.routes_)}};
    }
  }
  // getBackendServers: every path into its host's server.
  for (std::size_t i = 0; i < ingresses.size(); ++i) {
    const IngressSpec& ing = ingresses[i];
    if (ing.controller != Controller::kNginx) continue;
    for (const RuleSpec& rule : ing.rules) {
      ServerDraft& d = drafts[rule.host.empty() ? "_" : detail::lower_host(rule.host)];
      for (const PathSpec& p : rule.paths)
        declare(d, p, add_route(i, ing, &rule, &p, p.backend), t.routes_);
    }
  }
  for (auto& [name, d] : drafts) {  // std::map: sorted by name, as upstream
    emit_locations(d, t.routes_);
    t.servers_.push_back(std::move(d.server));
  }
  return t;
}

Match RoutingTable::nginx_match(std::string_view host, std::string_view path) const {
  const std::string_view h = strip_port(host);
  const std::string_view p = strip_query(path);
  const NginxServer* server = nullptr;
  const NginxServer* catch_all = nullptr;
  const NginxServer* wildcard = nullptr;
  for (const auto& s : servers_) {
    if (s.name == "_") {
      catch_all = &s;
    } else if (s.name.starts_with("*.")) {
      // The wildcard regexes in config order; one label means at most one matches.
      if (wildcard == nullptr && nginx_wildcard_matches(s.name, h)) wildcard = &s;
    } else if (server == nullptr && iequals(s.name, h)) {
      server = &s;  // an exact server_name beats every regex
    }
  }
  if (server == nullptr) server = wildcard != nullptr ? wildcard : catch_all;
  if (server == nullptr) {  // a default-constructed table
    Match m;
    m.message = "No Ingress routes this request (404).";
    return m;
  }

  const NginxLocation* best = nullptr;
  for (const auto& loc : server->locations) {
    if (loc.reason == MatchReason::kExactLocation) {
      if (loc.path == p) {
        best = &loc;
        break;
      }
    } else if (p.starts_with(loc.path) &&
               (best == nullptr || loc.path.size() > best->path.size())) {
      best = &loc;
    }
  }
  if (best == nullptr) {
    Match m;
    m.message = "The path does not start with '/'; no location matches (404).";
    return m;
  }
  if (best->route == kNoIngress) {
    Match m;
    m.message = best->message;
    return m;
  }
  return route_match(best->route, best->reason, best->message);
}

}  // namespace ksim::control::ingress
