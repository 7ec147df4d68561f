// ALB routing. Upstream (kubernetes-sigs/aws-load-balancer-controller):
// pkg/ingress/group_loader.go (IngressGroup by `group.name`, else the Ingress
// alone; members sorted by `group.order`, default 0, within [-1000, 1000],
// ties by "namespace/name"), model_build_listener_rules.go buildListenerRules
// (rules Ingress by Ingress, rule by rule; sortIngressPaths: Exact, then Prefix
// longest first, then ImplementationSpecific in manifest order; priorities
// 1, 2, ... in that order; buildPathPatterns*), model_build_listener.go
// buildListenerDefaultActions (404 fixed response, or the one Ingress
// spec.defaultBackend of the group). The ALB then evaluates rules by priority
// and the first whose conditions hold wins (AWS ELBv2 listener rules).
#include <algorithm>
#include <charconv>
#include <map>

#include "common.h"
#include "ksim/control/ingress/patterns.h"
#include "ksim/control/ingress/routing.h"

namespace ksim::control::ingress {
namespace {

inline constexpr std::int64_t kMinGroupOrder = -1000;
inline constexpr std::int64_t kMaxGroupOrder = 1000;

struct Member {
  std::size_t index;
  std::int64_t order;
  std::string ref;
  TargetType target_type;
};

struct Parsed {
  std::string group;
  Member member;
};

std::expected<Parsed, std::string> parse_annotations(std::size_t i, const IngressSpec& ing) {
  const std::string ref = detail::ingress_ref(ing);
  Parsed out{ref, {i, 0, ref, TargetType::kInstance}};
  if (const auto* v = detail::annotation(ing, kAlbGroupName)) {
    if (v->empty())
      return std::unexpected("Ingress " + ref + ": " + std::string(kAlbGroupName) + " is empty");
    out.group = *v;
  }
  if (const auto* v = detail::annotation(ing, kAlbGroupOrder)) {
    std::int64_t order = 0;
    const char* end = v->data() + v->size();
    const char* begin = v->starts_with('+') ? v->data() + 1 : v->data();
    const auto [ptr, ec] = std::from_chars(begin, end, order);
    if (v->empty() || ec != std::errc{} || ptr != end)
      return std::unexpected("failed to load Ingress group order for ingress: " + ref + ": " +
                             std::string(kAlbGroupOrder) + " \"" + *v + "\" is not an integer");
    if (order < kMinGroupOrder || order > kMaxGroupOrder)
      return std::unexpected("explicit Ingress group order must be within [-1000:1000], Ingress: " +
                             ref + ", order: " + *v);
    out.member.order = order;
  }
  if (const auto* v = detail::annotation(ing, kAlbTargetType)) {
    if (*v == "ip") {
      out.member.target_type = TargetType::kIp;
    } else if (*v != "instance") {
      return std::unexpected("Ingress " + ref + ": unknown " + std::string(kAlbTargetType) + " \"" +
                             *v + "\" (instance or ip)");
    }
  }
  for (const auto& rule : ing.rules)
    for (const auto& p : rule.paths)
      if (p.backend.port_name == "use-annotation")
        return std::unexpected("Ingress " + ref + ": backend " + p.backend.service +
                               " uses an actions annotation (port use-annotation), which ksim "
                               "does not model");
  return out;
}

// buildPathPatterns: the ALB patterns of one path; empty = no path condition.
std::expected<std::vector<std::string>, std::string> path_patterns(const std::string& ref,
                                                                   const PathSpec& p) {
  if (p.path.empty()) return std::vector<std::string>{};
  const bool wild = p.path.find_first_of("*?") != std::string::npos;
  switch (p.type) {
    case PathType::kImplementationSpecific:
      return std::vector<std::string>{p.path};
    case PathType::kExact:
      if (wild)
        return std::unexpected("Ingress " + ref +
                               ": exact path shouldn't contain wildcards: " + p.path);
      return std::vector<std::string>{p.path};
    case PathType::kPrefix: {
      if (p.path == "/") return std::vector<std::string>{"/*"};
      if (wild)
        return std::unexpected("Ingress " + ref +
                               ": prefix path shouldn't contain wildcards: " + p.path);
      const std::string base = p.path.ends_with('/') ? p.path.substr(0, p.path.size() - 1) : p.path;
      return std::vector<std::string>{base, base + "/*"};
    }
  }
  return std::vector<std::string>{};
}

// sortIngressPaths.
std::vector<const PathSpec*> sorted_paths(const RuleSpec& rule) {
  std::vector<const PathSpec*> exact;
  std::vector<const PathSpec*> prefix;
  std::vector<const PathSpec*> other;
  for (const auto& p : rule.paths)
    (p.type == PathType::kExact    ? exact
     : p.type == PathType::kPrefix ? prefix
                                   : other)
        .push_back(&p);
  std::ranges::stable_sort(prefix, std::greater<>{},
                           [](const PathSpec* p) { return p->path.size(); });
  exact.insert(exact.end(), prefix.begin(), prefix.end());
  exact.insert(exact.end(), other.begin(), other.end());
  return exact;
}

std::string rule_message(std::size_t priority, const Route& r, const AlbRule& rule,
                         const std::string& group) {
  std::string cond;
  if (!rule.host.empty()) cond = "host-header " + rule.host;
  if (!rule.path_patterns.empty()) {
    if (!cond.empty()) cond += " and ";
    cond += "path-pattern ";
    for (std::size_t i = 0; i < rule.path_patterns.size(); ++i)
      cond += (i == 0 ? "" : " or ") + rule.path_patterns[i];
  }
  return "Listener rule " + std::to_string(priority) + " of IngressGroup " + group + " (Ingress " +
         r.ingress + ", " + r.rule + ": " + cond +
         ") is the first rule whose conditions hold; forward to " +
         detail::backend_text(r.backend) + " (target-type " +
         std::string(target_type_name(r.target_type)) + ").";
}

}  // namespace

std::expected<std::vector<RoutingTable>, std::string> build_alb_routing(
    std::span<const IngressSpec> ingresses) {
  std::map<std::string, std::vector<Member>> groups;
  for (std::size_t i = 0; i < ingresses.size(); ++i) {
    if (ingresses[i].controller != Controller::kAlb) continue;
    if (auto e = detail::validate_spec(ingresses[i])) return std::unexpected(*e);
    auto parsed = parse_annotations(i, ingresses[i]);
    if (!parsed) return std::unexpected(parsed.error());
    groups[parsed->group].push_back(parsed->member);
  }
  std::vector<RoutingTable> tables;
  for (auto& [group, members] : groups) {
    std::ranges::sort(members, [](const Member& a, const Member& b) {
      return a.order != b.order ? a.order < b.order : a.ref < b.ref;
    });
    RoutingTable t;
    t.controller_ = Controller::kAlb;
    t.group_ = group;
    std::vector<std::string> with_default;
    for (const Member& m : members) {
      const IngressSpec& ing = ingresses[m.index];
      for (const RuleSpec& rule : ing.rules) {
        for (const PathSpec* p : sorted_paths(rule)) {
          auto patterns = path_patterns(m.ref, *p);
          if (!patterns) return std::unexpected(patterns.error());
          // buildRuleConditions: a rule without conditions gets "/*".
          if (rule.host.empty() && patterns->empty()) patterns->push_back("/*");
          t.routes_.push_back({m.index, m.ref, rule.host, p->type, p->path, p->backend,
                               m.target_type, detail::rule_text(p->type, p->path)});
          AlbRule r{detail::lower_host(rule.host), std::move(*patterns), t.routes_.size() - 1, ""};
          r.message = rule_message(t.rules_.size() + 1, t.routes_.back(), r, group);
          t.rules_.push_back(std::move(r));
        }
      }
      if (ing.default_backend) with_default.push_back(m.ref);
    }
    if (with_default.size() > 1) {
      std::string list;
      for (const auto& ref : with_default) list += (list.empty() ? "" : " ") + ref;
      return std::unexpected("IngressGroup " + group +
                             ": multiple ingress defined default backend: [" + list + "]");
    }
    if (with_default.empty()) {
      t.default_message_ = "No listener rule of IngressGroup " + group +
                           " matches; the listener's default action returns a 404 fixed response.";
    } else {
      const auto it = std::ranges::find(members, with_default.front(), &Member::ref);
      const IngressSpec& ing = ingresses[it->index];
      t.routes_.push_back({it->index, it->ref, "", PathType::kPrefix, "", *ing.default_backend,
                           it->target_type, "defaultBackend"});
      t.alb_default_route_ = t.routes_.size() - 1;
      t.default_message_ = "No listener rule of IngressGroup " + group +
                           " matches; the listener's default action forwards to Ingress " +
                           it->ref + "'s defaultBackend " +
                           detail::backend_text(*ing.default_backend) + ".";
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

Match RoutingTable::alb_match(std::string_view host, std::string_view path) const {
  const std::string_view h = strip_port(host);
  const std::string_view p = strip_query(path);
  for (const AlbRule& rule : rules_) {
    if (!rule.host.empty() && !alb_pattern_matches(rule.host, h, true)) continue;
    if (!rule.path_patterns.empty() &&
        std::ranges::none_of(rule.path_patterns, [&](const std::string& pattern) {
          return alb_pattern_matches(pattern, p, false);
        }))
      continue;
    return route_match(rule.route, MatchReason::kListenerRule, rule.message);
  }
  if (alb_default_route_ != kNoIngress)
    return route_match(alb_default_route_, MatchReason::kDefaultBackend, default_message_);
  Match m;
  m.message = default_message_;
  return m;
}

}  // namespace ksim::control::ingress
