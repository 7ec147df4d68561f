#include "product_store.h"

#include <atomic>
#include <functional>
#include <utility>

namespace ksim::services::product {
namespace {

using store::Db;
using store::Stmt;
using store::Transaction;

// Step i upgrades user_version i to i+1; never edit a released step.
constexpr std::string_view kMigrations[] = {
    "CREATE TABLE products("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL, description TEXT NOT NULL, price REAL NOT NULL,"
    " currency TEXT NOT NULL, stock INTEGER NOT NULL, category TEXT NOT NULL,"
    " created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL,"
    // The API JSON, rewritten with every change, so a GET copies one column.
    " body TEXT NOT NULL);"
    "CREATE TABLE reservations("
    " reservation_id TEXT PRIMARY KEY, product_id TEXT NOT NULL,"
    " quantity INTEGER NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,"
    " created_us INTEGER NOT NULL);"
    "CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);",
};

constexpr std::string_view kSelectProduct =
    "SELECT id, name, description, price, currency, stock, category, created_us, updated_us "
    "FROM products";

std::atomic<std::uint64_t> next_instance{1};

// Per thread: bounded so a scan of a huge catalogue cannot grow it forever.
constexpr std::size_t kMaxCachedBodies = 8192;

struct CachedBody {
  std::uint64_t version;
  std::string body;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct BodyCache {
  std::uint64_t instance = 0;
  std::unordered_map<std::string, CachedBody, StringHash, std::equal_to<>> bodies;
};

StoreError internal(const store::Error& e) { return {StoreErrc::kInternal, e.message}; }

Product read_product(const Stmt& s) {
  Product p;
  p.id = s.text(0);
  p.name = s.text(1);
  p.description = s.text(2);
  p.price = s.real(3);
  p.currency = s.text(4);
  p.stock = s.int64(5);
  p.category = s.text(6);
  p.created_us = s.int64(7);
  p.updated_us = s.int64(8);
  return p;
}

StoreResult<std::optional<Product>> select_one(Db& db, std::string_view id) {
  auto s = db.prepare(std::string(kSelectProduct) + " WHERE id = ?");
  if (!s) return std::unexpected(internal(s.error()));
  if (auto b = s->bind(id); !b) return std::unexpected(internal(b.error()));
  auto row = s->step();
  if (!row) return std::unexpected(internal(row.error()));
  if (!*row) return std::optional<Product>{};
  return read_product(*s);
}

StoreResult<void> run(Db& db, std::string_view sql, const auto&... args) {
  auto s = db.prepare(sql);
  if (!s) return std::unexpected(internal(s.error()));
  if (auto b = s->bind(args...); !b) return std::unexpected(internal(b.error()));
  if (auto r = s->run(); !r) return std::unexpected(internal(r.error()));
  return {};
}

StoreResult<void> write_row(Db& db, const Product& p, bool insert) {
  const std::string body = to_json(p).dump();
  if (insert) {
    return run(db,
               "INSERT INTO products(id, name, description, price, currency, stock, category,"
               " created_us, updated_us, body) VALUES(?,?,?,?,?,?,?,?,?,?)",
               p.id, p.name, p.description, p.price, p.currency, p.stock, p.category, p.created_us,
               p.updated_us, body);
  }
  return run(db,
             "UPDATE products SET name=?, description=?, price=?, currency=?, stock=?,"
             " category=?, updated_us=?, body=? WHERE id=?",
             p.name, p.description, p.price, p.currency, p.stock, p.category, p.updated_us, body,
             p.id);
}

StoreResult<Transaction> begin(Db& db) {
  auto tx = db.begin();
  if (!tx) return std::unexpected(internal(tx.error()));
  return std::move(*tx);
}

StoreResult<void> finish(Transaction& tx, const store::Outbox& outbox, std::string_view type,
                         std::string_view key, std::int64_t at_us, const nlohmann::json& data) {
  auto event = outbox.append(tx, kTopic, key, event_payload(type, key, at_us, data));
  if (!event) return std::unexpected(internal(event.error()));
  if (auto c = tx.commit(); !c) return std::unexpected(internal(c.error()));
  return {};
}

}  // namespace

ProductStore::ProductStore(std::filesystem::path path, std::uint64_t instance)
    : dbs_(path),
      instance_(instance),
      versions_(std::make_unique<std::atomic<std::uint64_t>[]>(kStripes)) {}

std::atomic<std::uint64_t>& ProductStore::stripe(std::string_view id) const {
  return versions_[std::hash<std::string_view>{}(id) % kStripes];
}

void ProductStore::changed(std::string_view id) {
  stripe(id).fetch_add(1, std::memory_order_acq_rel);
}

ProductStore::~ProductStore() = default;

StoreResult<std::unique_ptr<ProductStore>> ProductStore::open(const std::filesystem::path& path,
                                                              store::Outbox outbox,
                                                              bool read_cache) {
  std::unique_ptr<ProductStore> s(new ProductStore(path, next_instance.fetch_add(1)));
  s->read_cache_ = read_cache;
  s->outbox_ = std::move(outbox);
  auto db = s->db();
  if (!db) return std::unexpected(db.error());
  if (auto m = (*db)->migrate(kMigrations); !m) return std::unexpected(internal(m.error()));
  if (auto o = store::Outbox::install(**db); !o) return std::unexpected(internal(o.error()));
  return s;
}

StoreResult<Db*> ProductStore::db() {
  auto db = dbs_.get();
  if (!db) return std::unexpected(internal(db.error()));
  return *db;
}

StoreResult<std::optional<std::string>> ProductStore::find_json(std::string_view id) {
  // The version is read before the query: a change committing meanwhile
  // bumps it afterwards, so an entry read from the older snapshot is never
  // served again (see the class comment).
  const std::uint64_t version = stripe(id).load(std::memory_order_acquire);
  thread_local BodyCache cache;
  if (cache.instance != instance_) {
    cache.bodies.clear();
    cache.instance = instance_;
  }
  if (const auto it = read_cache_ ? cache.bodies.find(id) : cache.bodies.end();
      it != cache.bodies.end() && it->second.version == version) {
    return std::optional<std::string>(it->second.body);
  }
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  auto s = (*db)->prepare("SELECT body FROM products WHERE id = ?");
  if (!s) return std::unexpected(internal(s.error()));
  if (auto b = s->bind_text(1, id); !b) return std::unexpected(internal(b.error()));
  auto row = s->step();
  if (!row) return std::unexpected(internal(row.error()));
  if (!*row) return std::optional<std::string>{};
  std::string body(s->text(0));
  if (!read_cache_) return std::optional<std::string>(std::move(body));
  if (cache.bodies.size() >= kMaxCachedBodies) cache.bodies.clear();
  cache.bodies.insert_or_assign(std::string(id), CachedBody{version, body});
  return std::optional<std::string>(std::move(body));
}

StoreResult<std::optional<Product>> ProductStore::find(std::string_view id) {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  return select_one(**db, id);
}

StoreResult<Page> ProductStore::list(std::int64_t limit, std::int64_t offset) {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  auto page = store::body_page(**db, "products", limit, offset);
  if (!page) return std::unexpected(internal(page.error()));
  return *page;
}

StoreResult<std::vector<Product>> ProductStore::catalogue(std::int64_t limit) {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  auto s = (*db)->prepare(std::string(kSelectProduct) + " ORDER BY seq LIMIT ?");
  if (!s) return std::unexpected(internal(s.error()));
  if (auto b = s->bind(limit); !b) return std::unexpected(internal(b.error()));
  std::vector<Product> out;
  while (true) {
    auto row = s->step();
    if (!row) return std::unexpected(internal(row.error()));
    if (!*row) break;
    out.push_back(read_product(*s));
  }
  return out;
}

StoreResult<std::string> ProductStore::next_generated_id(Db& db) {
  // Called inside the write transaction, so the counter and the existence
  // check cannot race another writer; skips ids a client chose explicitly.
  while (true) {
    auto n = db.query_int64("SELECT value FROM counters WHERE name = 'product'");
    if (!n) return std::unexpected(internal(n.error()));
    const std::int64_t next = *n + 1;
    if (auto r = run(db, "INSERT OR REPLACE INTO counters(name, value) VALUES('product', ?)", next);
        !r) {
      return std::unexpected(r.error());
    }
    std::string id = "p-" + std::to_string(next);
    auto existing = select_one(db, id);
    if (!existing) return std::unexpected(existing.error());
    if (!*existing) return id;
  }
}

StoreResult<Product> ProductStore::create(Product p) {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  auto tx = begin(**db);
  if (!tx) return std::unexpected(tx.error());
  if (p.id.empty()) {
    auto id = next_generated_id(**db);
    if (!id) return std::unexpected(id.error());
    p.id = std::move(*id);
  } else {
    auto existing = select_one(**db, p.id);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) return std::unexpected(StoreError{StoreErrc::kConflict, "product exists"});
  }
  p.created_us = p.updated_us = now_us();
  if (auto w = write_row(**db, p, true); !w) return std::unexpected(w.error());
  if (auto f = finish(*tx, outbox_, "product-created", p.id, p.updated_us, to_json(p)); !f) {
    return std::unexpected(f.error());
  }
  changed(p.id);
  return p;
}

StoreResult<Product> ProductStore::update(Product p) {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  auto tx = begin(**db);
  if (!tx) return std::unexpected(tx.error());
  auto existing = select_one(**db, p.id);
  if (!existing) return std::unexpected(existing.error());
  if (!*existing) return std::unexpected(StoreError{StoreErrc::kNotFound, "no such product"});
  p.created_us = (*existing)->created_us;
  p.updated_us = now_us();
  if (auto w = write_row(**db, p, false); !w) return std::unexpected(w.error());
  if (auto f = finish(*tx, outbox_, "product-updated", p.id, p.updated_us, to_json(p)); !f) {
    return std::unexpected(f.error());
  }
  changed(p.id);
  return p;
}

StoreResult<void> ProductStore::remove(std::string_view id) {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  auto tx = begin(**db);
  if (!tx) return std::unexpected(tx.error());
  if (auto r = run(**db, "DELETE FROM products WHERE id = ?", id); !r) {
    return std::unexpected(r.error());
  }
  if ((*db)->changes() == 0) {
    return std::unexpected(StoreError{StoreErrc::kNotFound, "no such product"});
  }
  auto f = finish(*tx, outbox_, "product-deleted", id, now_us(), {{"id", id}});
  if (f) changed(id);
  return f;
}

StoreResult<Reservation> ProductStore::reserve(std::string_view id, std::int64_t quantity,
                                               std::string_view reservation_id) {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  auto tx = begin(**db);
  if (!tx) return std::unexpected(tx.error());
  auto prior = (*db)->prepare(
      "SELECT product_id, quantity, status, body FROM reservations WHERE reservation_id = ?");
  if (!prior) return std::unexpected(internal(prior.error()));
  if (auto b = prior->bind(reservation_id); !b) return std::unexpected(internal(b.error()));
  auto found = prior->step();
  if (!found) return std::unexpected(internal(found.error()));
  if (*found) {
    if (prior->text(0) != id || prior->int64(1) != quantity) {
      return std::unexpected(StoreError{StoreErrc::kReservationMismatch,
                                        "reservationId was used for another product or quantity"});
    }
    return Reservation{static_cast<int>(prior->int64(2)), std::string(prior->text(3)), true};
  }
  auto product = select_one(**db, id);
  if (!product) return std::unexpected(product.error());
  if (!*product) return std::unexpected(StoreError{StoreErrc::kNotFound, "no such product"});
  Product& p = **product;
  Reservation answer;
  nlohmann::json body{
      {"reservationId", reservation_id}, {"productId", p.id}, {"quantity", quantity}};
  if (p.stock < quantity) {
    answer.status = 409;
    body = {{"error", "insufficient_stock"},
            {"message", "product " + p.id + " has " + std::to_string(p.stock) + " in stock, " +
                            std::to_string(quantity) + " requested"},
            {"productId", p.id},
            {"available", p.stock},
            {"requested", quantity}};
  } else {
    p.stock -= quantity;
    p.updated_us = now_us();
    if (auto w = write_row(**db, p, false); !w) return std::unexpected(w.error());
    body.update({{"remainingStock", p.stock}, {"unitPrice", p.price}, {"currency", p.currency}});
  }
  answer.body = body.dump();
  if (auto r = run(**db,
                   "INSERT INTO reservations(reservation_id, product_id, quantity, status, body,"
                   " created_us) VALUES(?,?,?,?,?,?)",
                   reservation_id, p.id, quantity, answer.status, answer.body, now_us());
      !r) {
    return std::unexpected(r.error());
  }
  if (answer.status != 200) {
    if (auto c = tx->commit(); !c) return std::unexpected(internal(c.error()));
    return answer;
  }
  if (auto f = finish(*tx, outbox_, "stock-reserved", p.id, p.updated_us, body); !f) {
    return std::unexpected(f.error());
  }
  changed(p.id);
  return answer;
}

StoreResult<std::int64_t> ProductStore::seed(std::int64_t count) {
  auto db = this->db();
  if (!db) return std::unexpected(db.error());
  auto seeded = (*db)->query_int64("SELECT COUNT(*) FROM counters WHERE name = 'seeded'");
  if (!seeded) return std::unexpected(internal(seeded.error()));
  if (*seeded > 0 || count <= 0) return 0;
  static constexpr const char* kCategories[] = {"books", "games", "garden", "kitchen", "toys"};
  for (std::int64_t i = 0; i < count; ++i) {
    Product p;
    p.id = "p-" + std::to_string(1001 + i);
    p.name = "Seed product " + std::to_string(1001 + i);
    p.description = "Created at first start so the seed scenario's paths exist.";
    p.price = 5.0 + static_cast<double>((i * 37) % 200) / 4.0;
    p.stock = kSeedStock;
    p.category = kCategories[i % 5];
    auto created = create(std::move(p));
    if (!created && created.error().code != StoreErrc::kConflict) {
      return std::unexpected(created.error());
    }
  }
  if (auto r = run(**db, "INSERT OR REPLACE INTO counters(name, value) VALUES('seeded', ?)", count);
      !r) {
    return std::unexpected(r.error());
  }
  return count;
}

}  // namespace ksim::services::product
