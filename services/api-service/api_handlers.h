// api-service's public routes over a Backend (api/backend_client.h): tests
// call them through Router::dispatch with a fake backend, without sockets.
#pragma once

#include "backend_client.h"
#include "ksim/services/http/router.h"

namespace ksim::services::api {

// The routes (all answers JSON; errors {"error","message"[,"field"]}):
//   GET    /api/items?limit=L&offset=O  200 {"items":[{"id","name","price","inStock"}],
//                                            "page":{"limit","offset","total"}}
//                                        400 limit not in [1,100] / offset < 0
//   GET    /api/items/{id}              200 item view | 404
//   POST   /api/items                   201 item view | 400 | 409 | 415
//   PUT    /api/items/{id}              200 item view | 400 | 404 | 415
//   DELETE /api/items/{id}              204 | 404
//   GET    /api/compute?n=N             200 {"n","result"} | 400 n not in [0,100000000]
// item view = {"id","name","price","quantity","tags","inStock"}.
// Backend failures: 502 "backend_unavailable" (refused, reset, not HTTP),
// 504 "backend_timeout" (no reply within the timeout), 502 "backend_error"
// (backend answered 5xx or a body of the wrong shape). A backend 4xx is
// passed on with its status and JSON body.
class ApiHandlers {
 public:
  // `backend` must outlive the router the routes are added to.
  explicit ApiHandlers(Backend& backend) : backend_(&backend) {}

  void add_routes(http::Router& router) const;

  http::Response list(const http::Request& request) const;
  http::Response get(const http::Request& request) const;
  http::Response create(const http::Request& request) const;
  http::Response update(const http::Request& request) const;
  http::Response remove(const http::Request& request) const;
  http::Response compute(const http::Request& request) const;

 private:
  Backend* backend_;
};

}  // namespace ksim::services::api
