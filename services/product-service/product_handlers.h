// product-service's HTTP handlers over a ProductStore: pure request ->
// response functions (no sockets), registered on a Router by add_routes().
#pragma once

#include <memory>

#include "ksim/services/http/log.h"
#include "ksim/services/http/router.h"
#include "product_store.h"

namespace ksim::services::product {

inline constexpr std::int64_t kDefaultPageSize = 20;
inline constexpr std::int64_t kMaxPageSize = 100;

// Routes (bodies JSON; every error {"error","message"[,"field"]}):
//   GET    /api/v1/health                          200 {"status":"ok"}
//   GET    /api/v1/products?limit=&offset=         200 page (limit 1..100, default 20)
//   POST   /api/v1/products                        201 + Location; 409 duplicate id
//   GET    /api/v1/products/{id}                   200; 404
//   PUT    /api/v1/products/{id}                   200; 404
//   DELETE /api/v1/products/{id}                   204; 404
//   POST   /api/v1/products/{id}/reserve           200; 409 short or mismatch; 404
//   GET    /api/v1/products/{id}/recommendations?limit=&depth=   200; 404
class ProductHandlers {
 public:
  // `store` and `logger` must outlive the handlers (and the router).
  ProductHandlers(ProductStore& store, std::shared_ptr<http::Logger> logger);

  void add_routes(http::Router& router);

  http::Response health(const http::Request& req) const;
  http::Response list(const http::Request& req) const;
  http::Response create(const http::Request& req) const;
  http::Response get(const http::Request& req) const;
  http::Response replace(const http::Request& req) const;
  http::Response remove(const http::Request& req) const;
  http::Response reserve(const http::Request& req) const;
  http::Response recommendations(const http::Request& req) const;

 private:
  http::Response store_failure(const StoreError& error) const;

  ProductStore& store_;
  std::shared_ptr<http::Logger> logger_;
};

}  // namespace ksim::services::product
