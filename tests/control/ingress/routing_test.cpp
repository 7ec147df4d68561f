// Ingress routing tables (routing.h): hand-written path-matching tables for
// ingress-nginx and the ALB, the annotations ksim refuses, and the two seed
// platforms' Ingresses (scenarios/manifests/*/ingress.yaml) routing real paths.
#include "ksim/control/ingress/routing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ksim/control/ingress/patterns.h"

namespace ksim::control::ingress {
namespace {

Backend svc(std::string name, std::int32_t port = 80) { return {std::move(name), port, ""}; }
PathSpec exact(std::string p, Backend b) { return {std::move(p), PathType::kExact, std::move(b)}; }
PathSpec prefix(std::string p, Backend b) {
  return {std::move(p), PathType::kPrefix, std::move(b)};
}
PathSpec impl(std::string p, Backend b) {
  return {std::move(p), PathType::kImplementationSpecific, std::move(b)};
}

IngressSpec ing(std::string ns, std::string name, Controller c, std::vector<RuleSpec> rules,
                std::map<std::string, std::string, std::less<>> annotations = {}) {
  IngressSpec s;
  s.namespace_ = std::move(ns);
  s.name = std::move(name);
  s.controller = c;
  s.rules = std::move(rules);
  s.annotations = std::move(annotations);
  return s;
}

struct Row {
  const char* host;
  const char* path;
  const char* service;  // "" = 404
  const char* rule;     // the matched rule's text ("" for 404)
  MatchReason reason;
};

void check_rows(const RoutingTable& t, const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string(r.host) + " " + r.path);
    const Match m = t.match(r.host, r.path);
    EXPECT_EQ(reason_name(m.reason), reason_name(r.reason));
    EXPECT_FALSE(m.message.empty());
    if (std::string_view(r.service).empty()) {
      EXPECT_FALSE(m.matched());
      EXPECT_EQ(m.status_code(), 404);
      EXPECT_EQ(m.backend, nullptr);
      continue;
    }
    ASSERT_TRUE(m.matched()) << m.message;
    ASSERT_NE(m.backend, nullptr);
    EXPECT_EQ(m.backend->service, r.service) << m.message;
    EXPECT_EQ(m.rule, r.rule) << m.message;
  }
}

// ---------------------------------------------------------------- nginx

std::vector<IngressSpec> nginx_fixture() {
  return {
      ing("default", "a", Controller::kNginx,
          {{"foo.com",
            {prefix("/foo", svc("foo-prefix")), exact("/foo/exact", svc("foo-exact")),
             impl("/impl", svc("impl")), prefix("/api", svc("api")),
             prefix("/api/v1", svc("v1-prefix")), exact("/api/v1", svc("v1-exact")),
             prefix("/slash/", svc("slash"))}},
           {"*.wild.com", {prefix("/", svc("wild"))}},
           {"", {prefix("/open", svc("open"))}}}),
      ing("default", "b", Controller::kNginx,
          {{"foo.com", {prefix("/foo", svc("b-foo")), prefix("/b", svc("b"))}}}),
      ing("other", "alb-ignored", Controller::kAlb, {{"foo.com", {prefix("/", svc("alb"))}}}),
  };
}

TEST(NginxRouting, PathMatchingTable) {
  const auto ingresses = nginx_fixture();
  const auto t = build_nginx_routing(ingresses);
  ASSERT_TRUE(t) << t.error();
  using enum MatchReason;
  check_rows(
      *t,
      {
          // Prefix /foo: `location = /foo` plus `location /foo/` (element-wise)
          {"foo.com", "/foo", "foo-prefix", "Prefix /foo", kExactLocation},
          {"foo.com", "/foo/", "foo-prefix", "Prefix /foo", kPrefixLocation},
          {"foo.com", "/foo/bar", "foo-prefix", "Prefix /foo", kPrefixLocation},
          {"foo.com", "/foobar", "", "", kNotFound},
          {"foo.com", "/FOO", "", "", kNotFound},
          // paths are case-sensitive; Exact inside a prefix
          {"foo.com", "/foo/exact", "foo-exact", "Exact /foo/exact", kExactLocation},
          {"foo.com", "/foo/exact/more", "foo-prefix", "Prefix /foo", kPrefixLocation},
          {"foo.com", "/foo/exact/", "foo-prefix", "Prefix /foo", kPrefixLocation},
          // ImplementationSpecific: a plain nginx prefix (character prefix)
          {"foo.com", "/impl", "impl", "ImplementationSpecific /impl", kPrefixLocation},
          {"foo.com", "/implementation", "impl", "ImplementationSpecific /impl", kPrefixLocation},
          {"foo.com", "/impl/x", "impl", "ImplementationSpecific /impl", kPrefixLocation},
          // longest prefix wins; Exact beats Prefix on equal paths
          {"foo.com", "/api/v1/products", "v1-prefix", "Prefix /api/v1", kPrefixLocation},
          {"foo.com", "/api/v1", "v1-exact", "Exact /api/v1", kExactLocation},
          {"foo.com", "/api/v1/", "v1-prefix", "Prefix /api/v1", kPrefixLocation},
          {"foo.com", "/api/v2", "api", "Prefix /api", kPrefixLocation},
          {"foo.com", "/api", "api", "Prefix /api", kExactLocation},
          {"foo.com", "/apix", "", "", kNotFound},
          // Prefix "/slash/": ingress-nginx emits `= /slash/` and `/slash/`, not /slash
          {"foo.com", "/slash", "", "", kNotFound},
          {"foo.com", "/slash/", "slash", "Prefix /slash/", kExactLocation},
          {"foo.com", "/slash/x", "slash", "Prefix /slash/", kPrefixLocation},
          // host case, :port and the query string are ignored
          {"FOO.com:8080", "/foo?x=1", "foo-prefix", "Prefix /foo", kExactLocation},
          {"foo.com", "/foobar?/foo", "", "", kNotFound},
          // Ingresses of one host merge into one server; the older one keeps /foo
          {"foo.com", "/b/1", "b", "Prefix /b", kPrefixLocation},
          // a named server does not see the catch-all's paths
          {"foo.com", "/open", "", "", kNotFound},
          {"foo.com", "/", "", "", kNotFound},
          {"other.com", "/open/x", "open", "Prefix /open", kPrefixLocation},
          {"other.com", "/foo", "", "", kNotFound},
          // wildcard: exactly one label
          {"x.wild.com", "/anything", "wild", "Prefix /", kPrefixLocation},
          {"X-1.Wild.COM:443", "/", "wild", "Prefix /", kPrefixLocation},
          {"a.b.wild.com", "/open", "open", "Prefix /open", kExactLocation},  // catch-all
          {"a.b.wild.com", "/anything", "", "", kNotFound},
          {"wild.com", "/anything", "", "", kNotFound},
      });
}

TEST(NginxRouting, MatchNamesTheIngressAndExplains) {
  const auto ingresses = nginx_fixture();
  const auto t = build_nginx_routing(ingresses);
  ASSERT_TRUE(t) << t.error();
  const Match m = t->match("foo.com", "/b");
  EXPECT_EQ(m.ingress_index, 1U);
  EXPECT_EQ(m.ingress, "default/b");
  EXPECT_EQ(m.target_type, TargetType::kInstance);
  EXPECT_NE(m.message.find("`location = /b`"), std::string_view::npos) << m.message;
  const Match p = t->match("foo.com", "/api/v1/x");
  EXPECT_NE(p.message.find("longest prefix"), std::string_view::npos) << p.message;
  EXPECT_NE(p.message.find("v1-prefix:80"), std::string_view::npos) << p.message;
  const Match miss = t->match("foo.com", "/nothing");
  EXPECT_EQ(miss.ingress_index, kNoIngress);
  EXPECT_NE(miss.message.find("404"), std::string_view::npos) << miss.message;
  // servers sorted by name, "_" (catch-all) among them; the ALB Ingress is skipped
  ASSERT_EQ(t->servers().size(), 3U);
  EXPECT_EQ(t->servers()[0].name, "*.wild.com");
  EXPECT_EQ(t->servers()[1].name, "_");
  EXPECT_EQ(t->servers()[2].name, "foo.com");
}

TEST(NginxRouting, ExactHostBeatsWildcardBeatsCatchAll) {
  const std::vector<IngressSpec> ings = {
      ing("ns", "all", Controller::kNginx, {{"", {prefix("/", svc("any"))}}}),
      ing("ns", "wild", Controller::kNginx, {{"*.foo.com", {prefix("/", svc("wild"))}}}),
      ing("ns", "exact", Controller::kNginx, {{"api.foo.com", {prefix("/", svc("exact"))}}}),
  };
  const auto t = build_nginx_routing(ings);
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->match("api.foo.com", "/x").backend->service, "exact");
  EXPECT_EQ(t->match("web.foo.com", "/x").backend->service, "wild");
  EXPECT_EQ(t->match("foo.com", "/x").backend->service, "any");
  EXPECT_EQ(t->match("", "/x").backend->service, "any");
}

TEST(NginxRouting, IngressDefaultBackend) {
  IngressSpec with_rules =
      ing("ns", "site", Controller::kNginx, {{"site.com", {prefix("/app", svc("app"))}}});
  with_rules.default_backend = svc("site-default");
  IngressSpec no_rules = ing("ns", "catch", Controller::kNginx, {});
  no_rules.default_backend = svc("global-default", 8080);
  const std::vector<IngressSpec> ings = {with_rules, no_rules};
  const auto t = build_nginx_routing(ings);
  ASSERT_TRUE(t) << t.error();
  const Match site = t->match("site.com", "/other");
  EXPECT_EQ(site.reason, MatchReason::kDefaultBackend);
  EXPECT_EQ(site.backend->service, "site-default");
  EXPECT_EQ(site.rule, "defaultBackend");
  EXPECT_EQ(site.ingress, "ns/site");
  EXPECT_EQ(t->match("site.com", "/app/x").backend->service, "app");
  const Match other = t->match("elsewhere.com", "/x");
  EXPECT_EQ(other.reason, MatchReason::kDefaultBackend);
  EXPECT_EQ(other.backend->service, "global-default");
  EXPECT_EQ(other.backend->port_number, 8080);
  EXPECT_EQ(other.ingress_index, 1U);
}

TEST(NginxRouting, RefusesWhatIsNotModelled) {
  auto with = [](std::string key, std::string value) {
    return std::vector<IngressSpec>{ing("ns", "r", Controller::kNginx,
                                        {{"a.com", {prefix("/x", svc("s"))}}},
                                        {{std::move(key), std::move(value)}})};
  };
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"nginx.ingress.kubernetes.io/use-regex", "true"},
           {"nginx.ingress.kubernetes.io/rewrite-target", "/$2"},
           {"nginx.ingress.kubernetes.io/canary", "true"}}) {
    const auto ings = with(key, value);
    const auto t = build_nginx_routing(ings);
    ASSERT_FALSE(t) << key;
    EXPECT_NE(t.error().find("not modelled"), std::string::npos) << t.error();
    EXPECT_NE(t.error().find("ns/r"), std::string::npos) << t.error();
    EXPECT_NE(t.error().find(key), std::string::npos) << t.error();
  }
  const auto off = with("nginx.ingress.kubernetes.io/use-regex", "false");
  EXPECT_TRUE(build_nginx_routing(off));
  const std::vector<IngressSpec> relative = {
      ing("ns", "rel", Controller::kNginx, {{"a.com", {prefix("api", svc("s"))}}})};
  const auto bad = build_nginx_routing(relative);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("spec.rules[0].http.paths[0].path \"api\""), std::string::npos)
      << bad.error();
}

// ---------------------------------------------------------------- ALB

std::map<std::string, std::string, std::less<>> group(std::string order) {
  std::map<std::string, std::string, std::less<>> a{{std::string(kAlbGroupName), "shop"}};
  if (!order.empty()) a[std::string(kAlbGroupOrder)] = std::move(order);
  return a;
}

std::vector<IngressSpec> alb_fixture() {
  auto z_annotations = group("");
  z_annotations[std::string(kAlbTargetType)] = "ip";
  return {
      ing("ns", "x", Controller::kAlb,
          {{"",
            {prefix("/x", svc("x-prefix")), exact("/x/exact", svc("x-exact")),
             prefix("/x/long/path", svc("long")), impl("/img/*.png", svc("img")),
             impl("/v?/status", svc("status")), prefix("/dir/", svc("dir"))}}},
          group("10")),
      ing("ns", "y", Controller::kAlb,
          {{"", {prefix("/api", svc("api-y"))}}, {"*.shop.com", {prefix("/", svc("wild-y"))}}},
          group("-5")),
      ing("aa", "z", Controller::kAlb, {{"", {exact("/z", svc("z"))}}}, z_annotations),
      ing("ns", "x-api", Controller::kAlb, {{"", {exact("/api/exact", svc("late-exact"))}}},
          group("10")),
  };
}

TEST(AlbRouting, PathMatchingTable) {
  const auto ingresses = alb_fixture();
  const auto t = build_routing(ingresses, Controller::kAlb);
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->group(), "shop");
  using enum MatchReason;
  check_rows(
      *t,
      {
          // Prefix p: patterns p and p/*
          {"h.com", "/x", "x-prefix", "Prefix /x", kListenerRule},
          {"h.com", "/x/", "x-prefix", "Prefix /x", kListenerRule},
          {"h.com", "/x/y", "x-prefix", "Prefix /x", kListenerRule},
          {"h.com", "/xy", "", "", kNotFound},
          {"h.com", "/X", "", "", kNotFound},
          // within one rule: Exact first, then Prefix longest first
          {"h.com", "/x/exact", "x-exact", "Exact /x/exact", kListenerRule},
          {"h.com", "/x/exact/1", "x-prefix", "Prefix /x", kListenerRule},
          {"h.com", "/x/long/path/1", "long", "Prefix /x/long/path", kListenerRule},
          {"h.com", "/x/long", "x-prefix", "Prefix /x", kListenerRule},
          // ImplementationSpecific: the literal ALB pattern, `*` any run, `?` one char
          {"h.com", "/img/a.png", "img", "ImplementationSpecific /img/*.png", kListenerRule},
          {"h.com", "/img/sub/a.png", "img", "ImplementationSpecific /img/*.png", kListenerRule},
          {"h.com", "/img/a.PNG", "", "", kNotFound},
          {"h.com", "/v1/status", "status", "ImplementationSpecific /v?/status", kListenerRule},
          {"h.com", "/v12/status", "", "", kNotFound},
          // Prefix "/dir/": trailing slash trimmed, so /dir matches (unlike nginx)
          {"h.com", "/dir", "dir", "Prefix /dir/", kListenerRule},
          {"h.com", "/dir/a", "dir", "Prefix /dir/", kListenerRule},
          // group.order: y (-5) before z (0) before x, x-api (10, by name)
          {"h.com", "/api", "api-y", "Prefix /api", kListenerRule},
          {"h.com", "/api/exact", "api-y", "Prefix /api", kListenerRule},
          {"h.com", "/apix", "", "", kNotFound},
          {"h.com", "/z", "z", "Exact /z", kListenerRule},
          {"h.com", "/z/", "", "", kNotFound},
          // host-header: case-insensitive, `*` spans labels, port ignored
          {"a.shop.com", "/", "wild-y", "Prefix /", kListenerRule},
          {"a.b.shop.com", "/q", "wild-y", "Prefix /", kListenerRule},
          {"A.SHOP.COM:443", "/q?x=1", "wild-y", "Prefix /", kListenerRule},
          {"a.shop.com", "/api/1", "api-y", "Prefix /api", kListenerRule},  // earlier rule
          {"shop.com", "/q", "", "", kNotFound},
          // query string ignored
          {"h.com", "/x?next=/api", "x-prefix", "Prefix /x", kListenerRule},
          {"h.com", "/", "", "", kNotFound},
      });
}

TEST(AlbRouting, RulePriorityOrderAndTargetType) {
  const auto ingresses = alb_fixture();
  const auto t = build_routing(ingresses, Controller::kAlb);
  ASSERT_TRUE(t) << t.error();
  std::vector<std::string> order;
  for (const auto& r : t->routes()) order.push_back(r.ingress + " " + r.rule);
  EXPECT_EQ(order, (std::vector<std::string>{
                       "ns/y Prefix /api", "ns/y Prefix /", "aa/z Exact /z", "ns/x Exact /x/exact",
                       "ns/x Prefix /x/long/path", "ns/x Prefix /dir/", "ns/x Prefix /x",
                       "ns/x ImplementationSpecific /img/*.png",
                       "ns/x ImplementationSpecific /v?/status", "ns/x-api Exact /api/exact"}));
  EXPECT_EQ(t->rules()[0].path_patterns, (std::vector<std::string>{"/api", "/api/*"}));
  EXPECT_EQ(t->rules()[1].path_patterns, (std::vector<std::string>{"/*"}));
  EXPECT_EQ(t->rules()[1].host, "*.shop.com");
  EXPECT_EQ(t->rules()[5].path_patterns, (std::vector<std::string>{"/dir", "/dir/*"}));
  const Match z = t->match("h.com", "/z");
  EXPECT_EQ(z.target_type, TargetType::kIp);
  EXPECT_EQ(z.ingress_index, 2U);
  EXPECT_NE(z.message.find("Listener rule 3"), std::string_view::npos) << z.message;
  EXPECT_EQ(t->match("h.com", "/x").target_type, TargetType::kInstance);  // the default
  const Match miss = t->match("h.com", "/nope");
  EXPECT_NE(miss.message.find("404 fixed response"), std::string_view::npos) << miss.message;
}

TEST(AlbRouting, ImplicitGroupsAreSeparateAlbs) {
  const std::vector<IngressSpec> ings = {
      ing("b", "two", Controller::kAlb, {{"", {prefix("/", svc("two"))}}}),
      ing("a", "one", Controller::kAlb, {{"", {prefix("/", svc("one"))}}}),
  };
  const auto tables = build_alb_routing(ings);
  ASSERT_TRUE(tables) << tables.error();
  ASSERT_EQ(tables->size(), 2U);
  EXPECT_EQ((*tables)[0].group(), "a/one");
  EXPECT_EQ((*tables)[0].match("h", "/q").backend->service, "one");
  EXPECT_EQ((*tables)[1].match("h", "/q").backend->service, "two");
  const auto single = build_routing(ings, Controller::kAlb);
  ASSERT_FALSE(single);
  EXPECT_NE(single.error().find("2 IngressGroups (a/one, b/two)"), std::string::npos)
      << single.error();
}

TEST(AlbRouting, DefaultBackendIsTheListenerDefaultAction) {
  IngressSpec a = ing("ns", "a", Controller::kAlb, {{"", {prefix("/a", svc("a"))}}}, group(""));
  a.default_backend = svc("fallback");
  const std::vector<IngressSpec> one = {a};
  const auto t = build_routing(one, Controller::kAlb);
  ASSERT_TRUE(t) << t.error();
  const Match m = t->match("h", "/b");
  EXPECT_EQ(m.reason, MatchReason::kDefaultBackend);
  EXPECT_EQ(m.backend->service, "fallback");
  EXPECT_EQ(m.ingress, "ns/a");
  IngressSpec b = a;
  b.name = "b";
  const std::vector<IngressSpec> two = {a, b};
  const auto bad = build_routing(two, Controller::kAlb);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("multiple ingress defined default backend: [ns/a ns/b]"),
            std::string::npos)
      << bad.error();
}

TEST(AlbRouting, RefusesInvalidAnnotationsAndPaths) {
  const std::vector<std::pair<IngressSpec, std::string>> cases = {
      {ing("ns", "o", Controller::kAlb, {{"", {prefix("/", svc("s"))}}}, group("1001")),
       "explicit Ingress group order must be within [-1000:1000], Ingress: ns/o, order: 1001"},
      {ing("ns", "o", Controller::kAlb, {{"", {prefix("/", svc("s"))}}}, group("1x")),
       "failed to load Ingress group order for ingress: ns/o"},
      {ing("ns", "t", Controller::kAlb, {{"", {prefix("/", svc("s"))}}},
           {{std::string(kAlbTargetType), "pod"}}),
       "unknown alb.ingress.kubernetes.io/target-type \"pod\""},
      {ing("ns", "e", Controller::kAlb, {{"", {exact("/a*", svc("s"))}}}),
       "exact path shouldn't contain wildcards: /a*"},
      {ing("ns", "p", Controller::kAlb, {{"", {prefix("/a?", svc("s"))}}}),
       "prefix path shouldn't contain wildcards: /a?"},
      {ing("ns", "u", Controller::kAlb,
           {{"", {{"/", PathType::kPrefix, {"redirect", 0, "use-annotation"}}}}}),
       "does not model"},
      {ing("ns", "h", Controller::kAlb, {{"a.*.com", {prefix("/", svc("s"))}}}),
       "a wildcard host must be"},
  };
  for (const auto& [spec, want] : cases) {
    const std::vector<IngressSpec> one = {spec};
    const auto t = build_alb_routing(one);
    ASSERT_FALSE(t) << want;
    EXPECT_NE(t.error().find(want), std::string::npos) << t.error();
  }
}

// ---------------------------------------------------------------- primitives

TEST(IngressPatterns, HostAndPathPrimitives) {
  EXPECT_EQ(strip_port("a.com:8080"), "a.com");
  EXPECT_EQ(strip_port("a.com"), "a.com");
  EXPECT_EQ(strip_port("[::1]:80"), "[::1]");
  EXPECT_EQ(strip_query("/a/b?c=d#e"), "/a/b");
  EXPECT_EQ(strip_query("/a#frag"), "/a");
  EXPECT_TRUE(nginx_wildcard_matches("*.foo.com", "bar.FOO.com"));
  EXPECT_TRUE(nginx_wildcard_matches("*.foo.com", "b_a-r9.foo.com"));
  EXPECT_FALSE(nginx_wildcard_matches("*.foo.com", "foo.com"));
  EXPECT_FALSE(nginx_wildcard_matches("*.foo.com", ".foo.com"));
  EXPECT_FALSE(nginx_wildcard_matches("*.foo.com", "baz.bar.foo.com"));
  EXPECT_TRUE(alb_pattern_matches("/a*b?c", "/aXXbYc", false));
  EXPECT_TRUE(alb_pattern_matches("/a*", "/a", false));
  EXPECT_TRUE(alb_pattern_matches("*", "", false));
  EXPECT_FALSE(alb_pattern_matches("/a?", "/a", false));
  EXPECT_FALSE(alb_pattern_matches("/A", "/a", false));
  EXPECT_TRUE(alb_pattern_matches("*.Foo.com", "x.y.foo.COM", true));
  EXPECT_TRUE(alb_pattern_matches("/*/x/*/y", "/a/x/b/x/c/y", false));
  EXPECT_FALSE(alb_pattern_matches("/*/x/*/y", "/a/x/b/x/c/z", false));
}

// ---------------------------------------------------------------- seed platforms

// scenarios/manifests/api-backend/ingress.yaml (ingressClassName: nginx)
std::vector<IngressSpec> api_backend_ingresses() {
  return {ing("api-platform", "api-platform", Controller::kNginx,
              {{"api.example.com",
                {prefix("/api", svc("api-service")), exact("/health", {"api-service", 0, "http"}),
                 prefix("/backend", svc("backend-service"))}}},
              {{"external-dns.alpha.kubernetes.io/hostname", "api.example.com"},
               {"nginx.ingress.kubernetes.io/proxy-read-timeout", "60"}})};
}

// scenarios/manifests/product-order/ingress.yaml (ingressClassName: alb)
std::vector<IngressSpec> product_order_ingresses() {
  return {ing("shop", "shop", Controller::kAlb,
              {{"",
                {prefix("/api/v1/products", svc("product-service")),
                 prefix("/api/v1/orders", svc("order-service")),
                 exact("/api/v1/health", svc("product-service"))}}},
              {{"alb.ingress.kubernetes.io/scheme", "internet-facing"},
               {"alb.ingress.kubernetes.io/target-type", "ip"},
               {"alb.ingress.kubernetes.io/healthcheck-path", "/api/v1/health"}})};
}

TEST(SeedPlatforms, ApiBackendNginx) {
  const auto ingresses = api_backend_ingresses();
  const auto t = build_routing(ingresses, Controller::kNginx);
  ASSERT_TRUE(t) << t.error();
  using enum MatchReason;
  check_rows(*t,
             {
                 {"api.example.com", "/api/items", "api-service", "Prefix /api", kPrefixLocation},
                 {"api.example.com", "/api", "api-service", "Prefix /api", kExactLocation},
                 {"api.example.com", "/api/items/42?full=1", "api-service", "Prefix /api",
                  kPrefixLocation},
                 {"api.example.com", "/health", "api-service", "Exact /health", kExactLocation},
                 {"api.example.com", "/backend/work", "backend-service", "Prefix /backend",
                  kPrefixLocation},
                 {"api.example.com", "/health/", "", "", kNotFound},
                 {"api.example.com", "/apiary", "", "", kNotFound},
                 {"other.example.com", "/api/items", "", "", kNotFound},
             });
  const Match health = t->match("api.example.com", "/health");
  EXPECT_EQ(health.backend->port_name, "http");
  EXPECT_EQ(health.ingress, "api-platform/api-platform");
}

TEST(SeedPlatforms, ProductOrderAlb) {
  const auto ingresses = product_order_ingresses();
  const auto t = build_routing(ingresses, Controller::kAlb);
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->group(), "shop/shop");  // implicit IngressGroup
  using enum MatchReason;
  check_rows(
      *t,
      {
          {"k8s-shop-abc.ap-northeast-2.elb.amazonaws.com", "/api/v1/products/p-1001",
           "product-service", "Prefix /api/v1/products", kListenerRule},
          {"any", "/api/v1/products", "product-service", "Prefix /api/v1/products", kListenerRule},
          {"any", "/api/v1/orders", "order-service", "Prefix /api/v1/orders", kListenerRule},
          {"any", "/api/v1/orders/o-7?expand=items", "order-service", "Prefix /api/v1/orders",
           kListenerRule},
          {"any", "/api/v1/health", "product-service", "Exact /api/v1/health", kListenerRule},
          {"any", "/api/v1/health/live", "", "", kNotFound},
          {"any", "/api/items", "", "", kNotFound},
          {"any", "/api/v1/productsX", "", "", kNotFound},
      });
  // Exact first, then Prefix longest first
  ASSERT_EQ(t->routes().size(), 3U);
  EXPECT_EQ(t->routes()[0].rule, "Exact /api/v1/health");
  EXPECT_EQ(t->routes()[1].rule, "Prefix /api/v1/products");
  EXPECT_EQ(t->routes()[2].rule, "Prefix /api/v1/orders");
  EXPECT_EQ(t->match("any", "/api/v1/orders").target_type, TargetType::kIp);
}

}  // namespace
}  // namespace ksim::control::ingress
