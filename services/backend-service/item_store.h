// backend-service's item store: items (id, name, price, quantity, tags) in one
// SQLite file, standing in for the DynamoDB table of the seed platform.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/services/store/db_pool.h"

namespace ksim::services::backend {

struct Item {
  std::string id;  // 1..64 of [A-Za-z0-9._-] (checked by the handlers)
  std::string name;
  double price = 0;           // >= 0, finite
  std::int64_t quantity = 0;  // >= 0
  std::vector<std::string> tags;

  friend bool operator==(const Item&, const Item&) = default;
};

// One page of the list, in insertion order.
struct ItemPage {
  std::vector<Item> items;
  std::int64_t total = 0;  // every item in the store
};

enum class StoreErrc {
  kNotFound,   // no item with that id
  kDuplicate,  // create() of an id that exists
  kInternal,   // SQLite failed (busy past busy_timeout, I/O error, ...)
};

struct StoreError {
  StoreErrc code;
  std::string message;
};

// True for 1..64 characters of [A-Za-z0-9_-]: a name safe as a file name.
bool valid_table_name(std::string_view name);

template <class T>
using StoreResult = std::expected<T, StoreError>;

// Thread-safe: each call borrows one connection of a pool sized at open().
// Writes are durable when they return (synchronous=FULL).
class ItemStore {
 public:
  // Opens (creating) `file`, migrates the schema. `connections` >= 1: the
  // number of calls that can run at once (the server's I/O threads).
  static std::expected<std::unique_ptr<ItemStore>, std::string> open(
      const std::filesystem::path& file, std::size_t connections);

  StoreResult<Item> get(std::string_view id);
  // `limit` items from `offset`, by insertion order.
  StoreResult<ItemPage> list(std::int64_t limit, std::int64_t offset);
  StoreResult<void> create(const Item& item);
  // Replaces every field but the id; kNotFound when absent.
  StoreResult<void> update(const Item& item);
  StoreResult<void> remove(std::string_view id);

 private:
  explicit ItemStore(std::unique_ptr<store::DbPool> pool) : pool_(std::move(pool)) {}
  std::unique_ptr<store::DbPool> pool_;
};

}  // namespace ksim::services::backend
