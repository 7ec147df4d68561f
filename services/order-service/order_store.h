// order-service's storage: the orders and the transactional outbox in one
// SQLite file. An order is written twice: "pending" before the stock
// reservation (so its id, the reservationId, is durable), then "created"
// together with its order-created event, or discarded when the reservation fails.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/services/store/body_page.h"
#include "ksim/services/store/db.h"
#include "ksim/services/store/outbox.h"
#include "ksim/services/store/thread_db.h"
#include "order.h"

namespace ksim::services::order {

inline constexpr std::string_view kTopic = "order-events";

struct StoreError {
  bool not_found = false;  // otherwise SQLite failed
  std::string message;
};

template <class T>
using StoreResult = std::expected<T, StoreError>;

// A page of orders: `items_json` a JSON array text, `total` all orders.
using Page = store::BodyPage;  // a list route's page

// Thread-safe: each calling thread has its own connection to the file.
class OrderStore {
 public:
  static StoreResult<std::unique_ptr<OrderStore>> open(const std::filesystem::path& path,
                                                       store::Outbox outbox);
  ~OrderStore();
  OrderStore(const OrderStore&) = delete;
  OrderStore& operator=(const OrderStore&) = delete;

  // Allocates the next id "o-<n>" and stores the order as "pending" (durable
  // on return). No event.
  StoreResult<Order> insert_pending(const OrderRequest& request);
  // Marks a pending order "created" with its price and emits order-created
  // in the same transaction. not_found when it is not pending.
  StoreResult<Order> complete(std::string_view id, double unit_price, std::string_view currency);
  // Deletes a pending order (the reservation failed). No event.
  StoreResult<void> discard(std::string_view id);
  // Orders left pending (by a crash between the reservation and complete()).
  StoreResult<std::vector<Order>> pending();

  StoreResult<std::optional<std::string>> find_json(std::string_view id);
  StoreResult<Page> list(std::int64_t limit, std::int64_t offset);

 private:
  explicit OrderStore(const std::filesystem::path& path);
  StoreResult<store::Db*> db();

  store::ThreadDb dbs_;  // one connection per handler thread
  store::Outbox outbox_;
};

}  // namespace ksim::services::order
