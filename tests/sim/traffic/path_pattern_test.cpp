// Route patterns of service behaviour: a table of paths and patterns.
#include "ksim/sim/traffic/path_pattern.h"

#include <gtest/gtest.h>

#include <vector>

namespace ksim::traffic {
namespace {

struct Row {
  const char* pattern;
  const char* path;
  bool matches;
};

TEST(PathPattern, Table) {
  const std::vector<Row> rows = {
      {"/api/v1/products", "/api/v1/products", true},
      {"/api/v1/products", "/api/v1/products?page=2", true},
      {"/api/v1/products", "/api/v1/products/", false},
      {"/api/v1/products", "/api/v1/product", false},
      {"/api/v1/products", "/api/v1/productsx", false},
      {"/api/v1/products/{id}", "/api/v1/products/p-1001", true},
      {"/api/v1/products/{id}", "/api/v1/products", false},
      {"/api/v1/products/{id}", "/api/v1/products/p-1/x", false},
      {"/api/v1/products/{id}", "/api/v1/products/", false},
      {"/api/v1/products/*/reserve", "/api/v1/products/p-1001/reserve", true},
      {"/api/v1/products/*/reserve", "/api/v1/products/p-1001/release", false},
      {"/api/**", "/api", true},
      {"/api/**", "/api/items", true},
      {"/api/**", "/api/items/7/parts", true},
      {"/api/**", "/apix/items", false},
      {"/api/**", "/health", false},
      {"/**", "/", true},
      {"/**", "/anything/at/all", true},
      {"/", "/", true},
      {"/", "/x", false},
      {"/health", "/health", true},
      {"/health", "/healthz", false},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(path_matches(r.pattern, r.path), r.matches) << r.pattern << " ~ " << r.path;
  }
}

TEST(PathPattern, FirstMatchingRouteInOrderWithItsMethod) {
  std::vector<scenario::Route> routes(4);
  routes[0].method = "GET";
  routes[0].path = "/api/v1/orders";
  routes[1].method = "POST";
  routes[1].path = "/api/v1/orders";
  routes[2].method = "*";
  routes[2].path = "/api/**";
  routes[3].method = "GET";
  routes[3].path = "/api/v1/orders/{id}";
  EXPECT_EQ(find_route(routes, "GET", "/api/v1/orders"), 0u);
  EXPECT_EQ(find_route(routes, "POST", "/api/v1/orders"), 1u);
  EXPECT_EQ(find_route(routes, "DELETE", "/api/v1/orders"), 2u);
  EXPECT_EQ(find_route(routes, "GET", "/api/v1/orders/o-1"), 2u);  // the earlier ** wins
  EXPECT_EQ(find_route(routes, "GET", "/health"), std::nullopt);
}

}  // namespace
}  // namespace ksim::traffic
