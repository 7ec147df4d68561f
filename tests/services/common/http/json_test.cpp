#include "ksim/services/http/json.h"

#include <gtest/gtest.h>

namespace ksim::services::http {
namespace {

BeastRequest post(std::string body, std::string content_type = "application/json") {
  BeastRequest raw{Verb::post, "/x", 11};
  if (!content_type.empty()) raw.set(Field::content_type, content_type);
  raw.body() = std::move(body);
  return raw;
}

nlohmann::json error_body(const ApiError& e) {
  const Response res = to_response(e);
  EXPECT_EQ(res[Field::content_type], "application/json");
  return nlohmann::json::parse(res.body());
}

// The list and CPU routes' integer query parameters.
TEST(HttpJsonTest, QueryIntegers) {
  const auto q = [](const char* target) {
    const BeastRequest raw{Verb::get, target, 11};
    return query_int(Request(raw), "limit", 20, 1, 100);
  };
  EXPECT_EQ(q("/x").value(), 20);  // absent: the fallback
  EXPECT_EQ(q("/x?limit=100").value(), 100);
  EXPECT_EQ(q("/x?other=5&limit=1").value(), 1);
  for (const char* bad :
       {"/x?limit=0", "/x?limit=101", "/x?limit=5x", "/x?limit=", "/x?limit=-3"}) {
    const auto e = q(bad);
    ASSERT_FALSE(e.has_value()) << bad;
    EXPECT_EQ(e.error().status, Status::bad_request);
    EXPECT_EQ(e.error().message, "query parameter 'limit' must be an integer in [1, 100]");
    EXPECT_EQ(e.error().field, "limit");
  }
}

TEST(HttpJsonTest, ParsesAJsonBody) {
  const BeastRequest raw = post(R"({"name":"shoe","stock":3})", "application/json; charset=utf-8");
  const auto doc = parse_json_object(Request(raw));
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ((*doc)["stock"], 3);
}

TEST(HttpJsonTest, AcceptsPlusJsonMediaTypes) {
  const BeastRequest raw = post("[1]", "Application/Problem+JSON");
  EXPECT_TRUE(parse_json_body(Request(raw)).has_value());
}

TEST(HttpJsonTest, NonJsonContentTypeIs415) {
  for (const char* type : {"text/plain", "", "application/jsonx", "application/x-json-ish"}) {
    const BeastRequest raw = post("{}", type);
    const auto doc = parse_json_body(Request(raw));
    ASSERT_FALSE(doc.has_value()) << type;
    EXPECT_EQ(doc.error().status, Status::unsupported_media_type) << type;
    EXPECT_EQ(error_body(doc.error())["error"], "unsupported_media_type");
  }
}

TEST(HttpJsonTest, MalformedJsonIs400WithPosition) {
  const BeastRequest raw = post(R"({"name": "shoe",})");
  const auto doc = parse_json_body(Request(raw));
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().status, Status::bad_request);
  const auto body = error_body(doc.error());
  EXPECT_EQ(body["error"], "malformed_json");
  EXPECT_NE(body["message"].get<std::string>().find("at byte 17"), std::string::npos)
      << body["message"];
}

TEST(HttpJsonTest, EmptyBodyIsMalformed) {
  const BeastRequest raw = post("");
  const auto doc = parse_json_body(Request(raw));
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().code, "malformed_json");
}

TEST(HttpJsonTest, NonObjectBodyIs400) {
  const BeastRequest raw = post("[1,2]");
  const auto doc = parse_json_object(Request(raw));
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().status, Status::bad_request);
  EXPECT_EQ(doc.error().message, "request body must be a JSON object");
}

TEST(HttpJsonTest, WrongFieldTypeNamesTheField) {
  const auto obj = nlohmann::json::parse(R"({"stock":"3","price":true,"name":1,"ok":0})");
  const auto stock = required_field<std::int64_t>(obj, "stock");
  ASSERT_FALSE(stock.has_value());
  EXPECT_EQ(error_body(stock.error()),
            (nlohmann::json{{"error", "bad_request"},
                            {"message", "field 'stock' must be an integer"},
                            {"field", "stock"}}));
  EXPECT_EQ(required_field<double>(obj, "price").error().message, "field 'price' must be a number");
  EXPECT_EQ(required_field<std::string>(obj, "name").error().message,
            "field 'name' must be a string");
  EXPECT_EQ(required_field<bool>(obj, "ok").error().message, "field 'ok' must be a boolean");
}

TEST(HttpJsonTest, IntegersMustBeWholeAndFitInt64) {
  const auto obj = nlohmann::json::parse(
      R"({"a":3.0,"b":3.5,"c":18446744073709551615,"d":-9223372036854775808,"e":7})");
  EXPECT_FALSE(required_field<std::int64_t>(obj, "a").has_value());
  EXPECT_FALSE(required_field<std::int64_t>(obj, "b").has_value());
  EXPECT_FALSE(required_field<std::int64_t>(obj, "c").has_value());
  EXPECT_EQ(required_field<std::int64_t>(obj, "d").value(), INT64_MIN);
  EXPECT_EQ(required_field<std::int64_t>(obj, "e").value(), 7);
  EXPECT_EQ(required_field<double>(obj, "e").value(), 7.0);
}

TEST(HttpJsonTest, MissingRequiredFieldIs400OptionalIsEmpty) {
  const auto obj = nlohmann::json::parse(R"({"note":null})");
  const auto name = required_field<std::string>(obj, "name");
  ASSERT_FALSE(name.has_value());
  EXPECT_EQ(name.error().message, "field 'name' is required");
  EXPECT_EQ(name.error().field, "name");
  EXPECT_EQ(optional_field<std::string>(obj, "name").value(), std::nullopt);
  EXPECT_EQ(optional_field<std::string>(obj, "note").value(), std::nullopt);
}

TEST(HttpJsonTest, JsonErrorBuilder) {
  const Response res = json_error(Status::not_found, "not_found", "no product 7");
  EXPECT_EQ(res.result(), Status::not_found);
  EXPECT_EQ(nlohmann::json::parse(res.body()),
            (nlohmann::json{{"error", "not_found"}, {"message", "no product 7"}}));
}

}  // namespace
}  // namespace ksim::services::http
