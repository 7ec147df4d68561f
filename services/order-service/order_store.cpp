#include "order_store.h"

#include <atomic>
#include <utility>

namespace ksim::services::order {
namespace {

using store::Db;
using store::Stmt;

constexpr std::string_view kMigrations[] = {
    "CREATE TABLE orders("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id TEXT NOT NULL UNIQUE, product_id TEXT NOT NULL, quantity INTEGER NOT NULL,"
    " customer_id TEXT NOT NULL, status TEXT NOT NULL, unit_price REAL NOT NULL,"
    " total_price REAL NOT NULL, currency TEXT NOT NULL, created_us INTEGER NOT NULL,"
    // The API JSON, rewritten with every change, so a GET copies one column.
    " body TEXT NOT NULL);"
    "CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);",
};

constexpr std::string_view kSelectOrder =
    "SELECT id, product_id, quantity, customer_id, status, unit_price, total_price, currency,"
    " created_us FROM orders";

StoreError internal(const store::Error& e) { return {false, e.message}; }

Order read_order(const Stmt& s) {
  Order o;
  o.id = s.text(0);
  o.product_id = s.text(1);
  o.quantity = s.int64(2);
  o.customer_id = s.text(3);
  o.status = s.text(4);
  o.unit_price = s.real(5);
  o.total_price = s.real(6);
  o.currency = s.text(7);
  o.created_us = s.int64(8);
  return o;
}

StoreResult<void> run(Db& db, std::string_view sql, const auto&... args) {
  auto s = db.prepare(sql);
  if (!s) return std::unexpected(internal(s.error()));
  if (auto b = s->bind(args...); !b) return std::unexpected(internal(b.error()));
  if (auto r = s->run(); !r) return std::unexpected(internal(r.error()));
  return {};
}

StoreResult<std::vector<Order>> select(Db& db, std::string_view where, std::string_view arg) {
  auto s = db.prepare(std::string(kSelectOrder) + " " + std::string(where));
  if (!s) return std::unexpected(internal(s.error()));
  if (!arg.empty()) {
    if (auto b = s->bind(arg); !b) return std::unexpected(internal(b.error()));
  }
  std::vector<Order> out;
  while (true) {
    auto row = s->step();
    if (!row) return std::unexpected(internal(row.error()));
    if (!*row) return out;
    out.push_back(read_order(*s));
  }
}

}  // namespace

OrderStore::OrderStore(const std::filesystem::path& path) : dbs_(path) {}

OrderStore::~OrderStore() = default;

StoreResult<std::unique_ptr<OrderStore>> OrderStore::open(const std::filesystem::path& path,
                                                          store::Outbox outbox) {
  std::unique_ptr<OrderStore> s(new OrderStore(path));
  s->outbox_ = std::move(outbox);
  auto db = s->db();
  if (!db) return std::unexpected(db.error());
  if (auto m = (*db)->migrate(kMigrations); !m) return std::unexpected(internal(m.error()));
  if (auto o = store::Outbox::install(**db); !o) return std::unexpected(internal(o.error()));
  return s;
}

StoreResult<Db*> OrderStore::db() {
  auto db = dbs_.get();
  if (!db) return std::unexpected(internal(db.error()));
  return *db;
}

StoreResult<Order> OrderStore::insert_pending(const OrderRequest& request) {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  auto tx = (*db)->begin();
  if (!tx) return std::unexpected(internal(tx.error()));
  auto n = (*db)->query_int64("SELECT value FROM counters WHERE name = 'order'");
  if (!n) return std::unexpected(internal(n.error()));
  if (auto r = run(**db, "INSERT OR REPLACE INTO counters(name, value) VALUES('order', ?)", *n + 1);
      !r) {
    return std::unexpected(r.error());
  }
  Order o;
  o.id = "o-" + std::to_string(*n + 1);
  o.product_id = request.product_id;
  o.quantity = request.quantity;
  o.customer_id = request.customer_id;
  o.created_us = now_us();
  if (auto r = run(**db,
                   "INSERT INTO orders(id, product_id, quantity, customer_id, status, unit_price,"
                   " total_price, currency, created_us, body) VALUES(?,?,?,?,?,?,?,?,?,?)",
                   o.id, o.product_id, o.quantity, o.customer_id, o.status, o.unit_price,
                   o.total_price, o.currency, o.created_us, to_json(o).dump());
      !r) {
    return std::unexpected(r.error());
  }
  if (auto c = tx->commit(); !c) return std::unexpected(internal(c.error()));
  return o;
}

StoreResult<Order> OrderStore::complete(std::string_view id, double unit_price,
                                        std::string_view currency) {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  auto tx = (*db)->begin();
  if (!tx) return std::unexpected(internal(tx.error()));
  auto found = select(**db, "WHERE id = ? AND status = 'pending'", id);
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return std::unexpected(StoreError{true, "no pending order"});
  Order o = std::move(found->front());
  o.status = "created";
  o.unit_price = unit_price;
  o.total_price = unit_price * static_cast<double>(o.quantity);
  o.currency = currency;
  const nlohmann::json json = to_json(o);
  if (auto r = run(**db,
                   "UPDATE orders SET status=?, unit_price=?, total_price=?, currency=?, body=?"
                   " WHERE id=?",
                   o.status, o.unit_price, o.total_price, o.currency, json.dump(), o.id);
      !r) {
    return std::unexpected(r.error());
  }
  auto event =
      outbox_.append(*tx, kTopic, o.id, event_payload("order-created", o.id, now_us(), json));
  if (!event) return std::unexpected(internal(event.error()));
  if (auto c = tx->commit(); !c) return std::unexpected(internal(c.error()));
  return o;
}

StoreResult<void> OrderStore::discard(std::string_view id) {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  auto tx = (*db)->begin();
  if (!tx) return std::unexpected(internal(tx.error()));
  if (auto r = run(**db, "DELETE FROM orders WHERE id = ? AND status = 'pending'", id); !r) {
    return std::unexpected(r.error());
  }
  if (auto c = tx->commit(); !c) return std::unexpected(internal(c.error()));
  return {};
}

StoreResult<std::vector<Order>> OrderStore::pending() {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  return select(**db, "WHERE status = 'pending' ORDER BY seq", "");
}

StoreResult<std::optional<std::string>> OrderStore::find_json(std::string_view id) {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  auto s = (*db)->prepare("SELECT body FROM orders WHERE id = ?");
  if (!s) return std::unexpected(internal(s.error()));
  if (auto b = s->bind_text(1, id); !b) return std::unexpected(internal(b.error()));
  auto row = s->step();
  if (!row) return std::unexpected(internal(row.error()));
  if (!*row) return std::optional<std::string>{};
  return std::optional<std::string>(std::string(s->text(0)));
}

StoreResult<Page> OrderStore::list(std::int64_t limit, std::int64_t offset) {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  auto page = store::body_page(**db, "orders", limit, offset);
  if (!page) return std::unexpected(internal(page.error()));
  return *page;
}

}  // namespace ksim::services::order
