// backend-service's routes as plain functions of a request over an ItemStore:
// tests call them through Router::dispatch without sockets.
#pragma once

#include "item_store.h"
#include "ksim/services/http/router.h"

namespace ksim::services::backend {

// Page size bounds of GET /backend/items.
inline constexpr std::int64_t kDefaultLimit = 20;
inline constexpr std::int64_t kMaxLimit = 100;
inline constexpr std::int64_t kDefaultScoreRounds = 1000;

// The routes (all answers JSON; errors {"error","message"[,"field"]}):
//   GET    /backend/items?limit=L&offset=O  200 {"items":[item],"limit","offset","total"}
//                                            400 limit not in [1,100] / offset < 0
//   GET    /backend/items/{id}              200 item | 404
//   POST   /backend/items                   201 item | 400 | 409 duplicate id | 415
//   PUT    /backend/items/{id}              200 item | 400 | 404 | 415
//   DELETE /backend/items/{id}              204 | 404
//   GET    /backend/items/{id}/score?rounds=N
//                                            200 {"id","rounds","expectedRevenue","sellOutRate"}
//                                            400 rounds not in [1,1000000] | 404
// A store failure is a 503 "unavailable" (retryable), never a crash.
class BackendHandlers {
 public:
  // `store` must outlive the router the routes are added to.
  explicit BackendHandlers(ItemStore& store) : store_(&store) {}

  void add_routes(http::Router& router) const;

  http::Response list(const http::Request& request) const;
  http::Response get(const http::Request& request) const;
  http::Response create(const http::Request& request) const;
  http::Response update(const http::Request& request) const;
  http::Response remove(const http::Request& request) const;
  http::Response score(const http::Request& request) const;

 private:
  ItemStore* store_;
};

}  // namespace ksim::services::backend
