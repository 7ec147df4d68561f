// product-service's storage: the products, the reservations (for idempotent
// stock reservation) and the transactional outbox in one SQLite file. Every
// change and its event commit in one transaction.
#pragma once

#include <atomic>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ksim/services/store/body_page.h"
#include "ksim/services/store/db.h"
#include "ksim/services/store/outbox.h"
#include "ksim/services/store/thread_db.h"
#include "product.h"

namespace ksim::services::product {

inline constexpr std::string_view kTopic = "product-events";
// Stock of each seeded product: enough for a day of the seed scenario's
// orders (about a million reservations of p-1001) many times over.
inline constexpr std::int64_t kSeedStock = 1'000'000'000;

enum class StoreErrc {
  kNotFound,             // no product with that id
  kConflict,             // a product with that id exists (create)
  kReservationMismatch,  // a reservation id reused for another product or quantity
  kInternal,             // SQLite failed (busy past its timeout, disk full, ...)
};

struct StoreError {
  StoreErrc code;
  std::string message;
};

template <class T>
using StoreResult = std::expected<T, StoreError>;

// A page of products: `items_json` is a JSON array text of the products'
// API form (built from the stored bodies, no DOM), `total` all products.
using Page = store::BodyPage;  // a list route's page

// The first answer to a reservation (replayed verbatim on retries).
struct Reservation {
  int status = 200;  // 200 reserved, 409 insufficient stock
  std::string body;  // JSON
  bool replayed = false;
};

// Thread-safe: each calling thread gets its own connection to the file,
// opened on first use and kept for the store's life (so the GET hot path
// neither waits on a pool mutex nor re-prepares statements).
//
// find_json() also keeps a per-thread cache of product bodies, each tagged
// with the version of its id's stripe; every committed change of a product
// bumps its stripe afterwards, so a cached body is served only while no
// change of that product has committed since it was read. This assumes the
// file is written by this process only (as the outbox relay does: one
// relay, so one service process, per database file).
class ProductStore {
 public:
  // Opens (creating) the database, migrates the schema and installs the
  // outbox. `outbox` is appended to in every write transaction.
  // `read_cache` false: find_json() reads the database every time.
  static StoreResult<std::unique_ptr<ProductStore>> open(const std::filesystem::path& path,
                                                         store::Outbox outbox,
                                                         bool read_cache = true);
  ~ProductStore();
  ProductStore(const ProductStore&) = delete;
  ProductStore& operator=(const ProductStore&) = delete;

  // The stored API JSON of product `id`, or nullopt when there is none.
  StoreResult<std::optional<std::string>> find_json(std::string_view id);
  StoreResult<std::optional<Product>> find(std::string_view id);
  // Products in creation order, `limit` from `offset`.
  StoreResult<Page> list(std::int64_t limit, std::int64_t offset);
  // Up to `limit` products in creation order (the recommender's catalogue).
  StoreResult<std::vector<Product>> catalogue(std::int64_t limit);

  // Inserts `p` (times set here; id "p-<n>" generated when empty) and emits
  // product-created. kConflict when the id exists.
  StoreResult<Product> create(Product p);
  // Replaces every field but id and createdAt; emits product-updated.
  StoreResult<Product> update(Product p);
  // Deletes; emits product-deleted. kNotFound when absent.
  StoreResult<void> remove(std::string_view id);
  // Takes `quantity` from the stock of `id` unless short (409 answer, stock
  // unchanged), emitting stock-reserved on success. The answer is recorded
  // under `reservation_id` in the same transaction, so a retry gets the same
  // answer and never decrements twice. kNotFound is not recorded (the
  // product may be created later).
  StoreResult<Reservation> reserve(std::string_view id, std::int64_t quantity,
                                   std::string_view reservation_id);
  // Creates products p-1001 .. p-(1000+count) (stock kSeedStock) the first
  // time it is called on a database (a marker row remembers it); returns how
  // many were created.
  StoreResult<std::int64_t> seed(std::int64_t count);

 private:
  ProductStore(std::filesystem::path path, std::uint64_t instance);
  StoreResult<store::Db*> db();
  StoreResult<std::string> next_generated_id(store::Db& db);

  store::ThreadDb dbs_;  // one connection per handler thread
  // After a committed change of product `id`: invalidates cached bodies.
  void changed(std::string_view id);
  std::atomic<std::uint64_t>& stripe(std::string_view id) const;

  static constexpr std::size_t kStripes = 4096;
  std::uint64_t instance_;  // process-unique, keys the per-thread caches
  bool read_cache_ = true;
  std::unique_ptr<std::atomic<std::uint64_t>[]> versions_;  // kStripes change counters
  store::Outbox outbox_;
};

}  // namespace ksim::services::product
