// order-service's HTTP handlers over an OrderStore and a ProductClient:
// pure request -> response functions (no sockets of their own).
#pragma once

#include <memory>
#include <vector>

#include "ksim/services/http/log.h"
#include "ksim/services/http/router.h"
#include "order_store.h"
#include "product_client.h"

namespace ksim::services::order {

inline constexpr std::int64_t kDefaultPageSize = 20;
inline constexpr std::int64_t kMaxPageSize = 100;

// Routes (bodies JSON; every error {"error","message"[,"field"]}):
//   GET  /api/v1/health                      200 {"status":"ok"}
//   POST /api/v1/orders                      201 + Location; 422 unknown product;
//                                            409 out of stock; 503 product-service down
//   GET  /api/v1/orders?limit=&offset=       200 page (limit 1..100, default 20)
//   GET  /api/v1/orders/{id}                 200; 404
//   GET  /api/v1/orders/quote?quantity=&unitPrice=&samples=   200 (CPU-heavy)
class OrderHandlers {
 public:
  // All three must outlive the handlers (and the router).
  OrderHandlers(OrderStore& store, ProductClient& products, std::shared_ptr<http::Logger> logger);

  void add_routes(http::Router& router);

  http::Response health(const http::Request& req) const;
  http::Response create(const http::Request& req) const;
  http::Response list(const http::Request& req) const;
  http::Response get(const http::Request& req) const;
  http::Response quote(const http::Request& req) const;

  // Finishes orders a crash left "pending": repeats their reservation (same
  // reservationId, so product-service replays its first answer rather than
  // reserving twice) and completes or discards each. Orders whose product
  // call is still unavailable stay pending. Returns how many were resolved.
  // `pending` must be read (OrderStore::pending) before the server takes
  // requests: a pending row of a request in progress is that request's.
  std::int64_t recover_pending(const std::vector<Order>& pending) const;

 private:
  http::Response store_failure(const StoreError& error) const;

  OrderStore& store_;
  ProductClient& products_;
  std::shared_ptr<http::Logger> logger_;
};

}  // namespace ksim::services::order
