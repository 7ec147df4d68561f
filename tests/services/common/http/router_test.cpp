#include "ksim/services/http/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ksim/services/http/json.h"

namespace ksim::services::http {
namespace {

BeastRequest make(Verb verb, std::string target) { return BeastRequest{verb, target, 11}; }

Handler reply(std::string text) {
  return [text](const Request&) {
    Response res{Status::ok, 11};
    res.body() = text;
    return res;
  };
}

nlohmann::json body_of(const Response& res) { return nlohmann::json::parse(res.body()); }

TEST(HttpRouterTest, PathParamsAreExtractedByName) {
  Router router;
  router.get("/api/v1/shops/{shop}/products/{id}", [](const Request& req) {
    return json_response(Status::ok, {{"shop", *req.param("shop")},
                                      {"id", *req.param("id")},
                                      {"missing", req.param("nope").has_value()}});
  });
  const Response res = router.dispatch(make(Verb::get, "/api/v1/shops/s1/products/42?x=1"));
  EXPECT_EQ(res.result(), Status::ok);
  EXPECT_EQ(body_of(res), (nlohmann::json{{"shop", "s1"}, {"id", "42"}, {"missing", false}}));
}

TEST(HttpRouterTest, QueryParamsAreDecoded) {
  Router router;
  router.get("/search", [](const Request& req) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& [k, v] : req.query_params()) all.push_back({k, v});
    return json_response(Status::ok, {{"q", req.query("q").value_or("<none>")},
                                      {"flag", req.query("flag").value_or("<none>")},
                                      {"absent", req.query("absent").has_value()},
                                      {"all", all}});
  });
  const Response res = router.dispatch(make(Verb::get, "/search?q=red%20shoes+x&flag&page=2"));
  const auto body = body_of(res);
  EXPECT_EQ(body["q"], "red shoes x");
  EXPECT_EQ(body["flag"], "");
  EXPECT_EQ(body["absent"], false);
  EXPECT_EQ(body["all"].size(), 3u);
  EXPECT_EQ(body["all"][2], (nlohmann::json{"page", "2"}));
}

TEST(HttpRouterTest, UnknownPathIs404Json) {
  Router router;
  router.get("/a/{id}", reply("a"));
  for (const char* target : {"/b", "/a", "/a/", "/a/1/2", "relative"}) {
    const Response res = router.dispatch(make(Verb::get, target));
    EXPECT_EQ(res.result(), Status::not_found) << target;
    EXPECT_EQ(res[Field::content_type], "application/json");
    EXPECT_EQ(body_of(res)["error"], "not_found") << target;
  }
}

TEST(HttpRouterTest, WrongMethodIs405WithAllow) {
  Router router;
  router.get("/items/{id}", reply("get"));
  router.put("/items/{id}", reply("put"));
  router.post("/items", reply("post"));
  const Response res = router.dispatch(make(Verb::delete_, "/items/7"));
  EXPECT_EQ(res.result(), Status::method_not_allowed);
  EXPECT_EQ(res[Field::allow], "GET, PUT");
  EXPECT_EQ(body_of(res)["error"], "method_not_allowed");
  EXPECT_EQ(router.dispatch(make(Verb::get, "/items")).result(), Status::method_not_allowed);
  EXPECT_EQ(router.dispatch(make(Verb::get, "/items"))[Field::allow], "POST");
}

TEST(HttpRouterTest, LiteralSegmentBeatsParameter) {
  Router router;
  router.get("/items/{id}", reply("param"));
  router.get("/items/new", reply("literal"));
  router.get("/{kind}/special", reply("param-first"));
  EXPECT_EQ(router.dispatch(make(Verb::get, "/items/new")).body(), "literal");
  EXPECT_EQ(router.dispatch(make(Verb::get, "/items/newer")).body(), "param");
  // At the first differing segment "items" (literal) beats {kind}.
  EXPECT_EQ(router.dispatch(make(Verb::get, "/items/special")).body(), "param");
  EXPECT_EQ(router.dispatch(make(Verb::get, "/other/special")).body(), "param-first");
}

TEST(HttpRouterTest, ParameterRouteServesMethodTheLiteralLacks) {
  Router router;
  router.get("/items/{id}", reply("get-param"));
  router.post("/items/new", reply("post-literal"));
  EXPECT_EQ(router.dispatch(make(Verb::get, "/items/new")).body(), "get-param");
  EXPECT_EQ(router.dispatch(make(Verb::post, "/items/new")).body(), "post-literal");
}

TEST(HttpRouterTest, MatchReportsTheRouteIndex) {
  Router router;
  router.get("/a", reply("a"));
  router.get("/b/{x}", reply("b"));
  const BeastRequest raw = make(Verb::get, "/b/1");
  Request req(raw);
  const RouteMatch m = router.match(req);
  ASSERT_EQ(m.kind, MatchKind::kFound);
  EXPECT_EQ(router.route(m.route).pattern, "/b/{x}");
}

TEST(HttpRouterTest, HandlerExceptionBecomesJson500) {
  Router router;
  router.get("/boom", [](const Request&) -> Response { throw std::runtime_error("kaput"); });
  const Response res = router.dispatch(make(Verb::get, "/boom"));
  EXPECT_EQ(res.result(), Status::internal_server_error);
  EXPECT_EQ(body_of(res)["error"], "internal");
}

TEST(HttpRouterTest, BadPatternsAreRejectedAtRegistration) {
  Router router;
  router.get("/x/{id}", reply("x"));
  EXPECT_THROW(router.get("x", reply("")), std::invalid_argument);
  EXPECT_THROW(router.get("/x/{id}", reply("")), std::invalid_argument);    // duplicate
  EXPECT_THROW(router.get("/x/{name}", reply("")), std::invalid_argument);  // same shape
  EXPECT_THROW(router.get("/y/a{id}", reply("")), std::invalid_argument);   // partial param
  EXPECT_NO_THROW(router.post("/x/{id}", reply("")));
}

}  // namespace
}  // namespace ksim::services::http
