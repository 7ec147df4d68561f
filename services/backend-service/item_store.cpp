#include "item_store.h"

#include <nlohmann/json.hpp>
#include <string_view>

namespace ksim::services::backend {
namespace {

namespace store = ksim::services::store;

// Version 1. `seq` gives the list its insertion order independent of ids;
// tags are a JSON array in text (never queried by element).
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE items (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  id       TEXT NOT NULL UNIQUE,
  name     TEXT NOT NULL,
  price    REAL NOT NULL,
  quantity INTEGER NOT NULL,
  tags     TEXT NOT NULL DEFAULT '[]'
);
)sql";

constexpr int kSqliteConstraintUnique = 2067;

StoreError internal(const store::Error& e) { return {StoreErrc::kInternal, e.message}; }

std::string tags_text(const std::vector<std::string>& tags) { return nlohmann::json(tags).dump(); }

// Columns id, name, price, quantity, tags of the current row. Tags were
// written by tags_text(), so a parse failure means a foreign writer: empty.
Item read_item(const store::Stmt& s) {
  Item item{std::string(s.text(0)), std::string(s.text(1)), s.real(2), s.int64(3), {}};
  const auto tags = nlohmann::json::parse(s.text(4), nullptr, false);
  if (tags.is_array()) {
    for (const auto& t : tags) {
      if (t.is_string()) item.tags.push_back(t.get<std::string>());
    }
  }
  return item;
}

// Runs `write` in a transaction; kNotFound when it changed no row.
template <class Write>
StoreResult<void> write_one(store::DbPool& pool, Write&& write) {
  auto db = pool.acquire();
  auto tx = db->begin();
  if (!tx) return std::unexpected(internal(tx.error()));
  auto done = write(*db);
  if (!done) {
    if (done.error().code == kSqliteConstraintUnique) {
      return std::unexpected(StoreError{StoreErrc::kDuplicate, "an item with this id exists"});
    }
    return std::unexpected(internal(done.error()));
  }
  if (db->changes() == 0) return std::unexpected(StoreError{StoreErrc::kNotFound, "no such item"});
  if (auto c = tx->commit(); !c) return std::unexpected(internal(c.error()));
  return {};
}

}  // namespace

bool valid_table_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::expected<std::unique_ptr<ItemStore>, std::string> ItemStore::open(
    const std::filesystem::path& file, std::size_t connections) {
  auto pool = store::DbPool::open(file, connections < 1 ? 1 : connections);
  if (!pool) return std::unexpected("cannot open " + file.string() + ": " + pool.error().message);
  const std::string_view steps[] = {kSchemaV1};
  auto migrated = (*pool)->acquire()->migrate(steps);
  if (!migrated) {
    return std::unexpected("cannot migrate " + file.string() + ": " + migrated.error().message);
  }
  return std::unique_ptr<ItemStore>(new ItemStore(std::move(*pool)));
}

StoreResult<Item> ItemStore::get(std::string_view id) {
  auto db = pool_->acquire();
  auto s = db->prepare("SELECT id, name, price, quantity, tags FROM items WHERE id = ?");
  if (!s) return std::unexpected(internal(s.error()));
  if (auto b = s->bind(id); !b) return std::unexpected(internal(b.error()));
  auto row = s->step();
  if (!row) return std::unexpected(internal(row.error()));
  if (!*row) return std::unexpected(StoreError{StoreErrc::kNotFound, "no such item"});
  return read_item(*s);
}

StoreResult<ItemPage> ItemStore::list(std::int64_t limit, std::int64_t offset) {
  auto db = pool_->acquire();
  ItemPage page;
  {
    auto s = db->prepare(
        "SELECT id, name, price, quantity, tags FROM items ORDER BY seq LIMIT ? OFFSET ?");
    if (!s) return std::unexpected(internal(s.error()));
    if (auto b = s->bind(limit, offset); !b) return std::unexpected(internal(b.error()));
    while (true) {
      auto row = s->step();
      if (!row) return std::unexpected(internal(row.error()));
      if (!*row) break;
      page.items.push_back(read_item(*s));
    }
  }
  // Not in one read transaction with the page: a concurrent write may make
  // total and the page disagree by that write, which a paging client tolerates.
  auto total = db->query_int64("SELECT COUNT(*) FROM items");
  if (!total) return std::unexpected(internal(total.error()));
  page.total = *total;
  return page;
}

StoreResult<void> ItemStore::create(const Item& item) {
  return write_one(*pool_, [&](store::Db& db) -> store::Result<void> {
    auto s =
        db.prepare("INSERT INTO items (id, name, price, quantity, tags) VALUES (?, ?, ?, ?, ?)");
    if (!s) return std::unexpected(s.error());
    if (auto b = s->bind(item.id, item.name, item.price, item.quantity, tags_text(item.tags)); !b) {
      return b;
    }
    return s->run();
  });
}

StoreResult<void> ItemStore::update(const Item& item) {
  return write_one(*pool_, [&](store::Db& db) -> store::Result<void> {
    auto s =
        db.prepare("UPDATE items SET name = ?, price = ?, quantity = ?, tags = ? WHERE id = ?");
    if (!s) return std::unexpected(s.error());
    if (auto b = s->bind(item.name, item.price, item.quantity, tags_text(item.tags), item.id); !b) {
      return b;
    }
    return s->run();
  });
}

StoreResult<void> ItemStore::remove(std::string_view id) {
  return write_one(*pool_, [&](store::Db& db) -> store::Result<void> {
    auto s = db.prepare("DELETE FROM items WHERE id = ?");
    if (!s) return std::unexpected(s.error());
    if (auto b = s->bind(id); !b) return b;
    return s->run();
  });
}

}  // namespace ksim::services::backend
