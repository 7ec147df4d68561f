#include "ksim/services/store/db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "ksim/services/store/db_pool.h"
#include "temp_dir.h"

namespace ksim::services::store {
namespace {

using testing::TempDir;

Db open_or_die(const std::filesystem::path& path, const DbOptions& options = {}) {
  auto db = Db::open(path, options);
  if (!db) ADD_FAILURE() << db.error().message;
  return std::move(*db);
}

TEST(StoreDb, OpensInWalWithDurableCommitsAndForeignKeys) {
  TempDir dir;
  Db db = open_or_die(dir.file("a.db"));
  EXPECT_EQ(db.query_text("PRAGMA journal_mode").value(), "wal");
  EXPECT_EQ(db.query_int64("PRAGMA synchronous").value(), 2);  // FULL
  EXPECT_EQ(db.query_int64("PRAGMA foreign_keys").value(), 1);
  EXPECT_EQ(db.query_int64("PRAGMA busy_timeout").value(), 5000);
}

TEST(StoreDb, OpenFailureCarriesSqliteMessage) {
  TempDir dir;
  auto db = Db::open(dir.file("missing-dir/a.db"));
  ASSERT_FALSE(db.has_value());
  EXPECT_EQ(db.error().source, ErrorSource::kSqlite);
  EXPECT_EQ(db.error().code & 0xFF, SQLITE_CANTOPEN);
  EXPECT_NE(db.error().message.find("unable to open"), std::string::npos) << db.error().message;
}

TEST(StoreDb, TypedBindAndColumns) {
  TempDir dir;
  Db db = open_or_die(dir.file("a.db"));
  ASSERT_TRUE(db.exec("CREATE TABLE t(i INTEGER, r REAL, s TEXT, n TEXT)").has_value());
  {
    auto insert = db.prepare("INSERT INTO t VALUES(?, ?, ?, ?)");
    ASSERT_TRUE(insert.has_value());
    const std::optional<std::string> none;
    ASSERT_TRUE(insert->bind(std::int64_t{1} << 40, 2.5, std::string("h\0i", 3), none).has_value());
    ASSERT_TRUE(insert->run().has_value());
    EXPECT_EQ(db.changes(), 1);
    EXPECT_EQ(db.last_insert_rowid(), 1);
  }
  auto select = db.prepare("SELECT i, r, s, n FROM t");
  ASSERT_TRUE(select.has_value());
  ASSERT_EQ(select->column_count(), 4);
  ASSERT_TRUE(select->step().value());
  EXPECT_EQ(select->int64(0), std::int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(select->real(1), 2.5);
  EXPECT_EQ(select->text(2), std::string_view("h\0i", 3));  // embedded NUL kept
  EXPECT_TRUE(select->is_null(3));
  EXPECT_FALSE(select->is_null(0));
  EXPECT_FALSE(select->step().value());
}

TEST(StoreDb, PreparedStatementsAreReusedPerSqlText) {
  TempDir dir;
  Db db = open_or_die(dir.file("a.db"));
  ASSERT_TRUE(db.exec("CREATE TABLE t(v INTEGER)").has_value());
  constexpr std::string_view kInsert = "INSERT INTO t VALUES(?)";
  sqlite3_stmt* first = nullptr;
  const auto before = db.cached_statements();
  for (int v = 0; v < 10; ++v) {
    auto stmt = db.prepare(kInsert);
    ASSERT_TRUE(stmt.has_value());
    ASSERT_TRUE(stmt->bind(v).has_value());
    ASSERT_TRUE(stmt->run().has_value());
  }
  EXPECT_EQ(db.cached_statements(), before + 1);
  // The same sqlite3_stmt comes back each time (found via SQLite's own list).
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s != nullptr;
       s = sqlite3_next_stmt(db.handle(), s)) {
    if (std::string_view(sqlite3_sql(s)) == kInsert) {
      EXPECT_EQ(first, nullptr) << "two statements for one SQL text";
      first = s;
    }
  }
  EXPECT_NE(first, nullptr);
  EXPECT_EQ(db.query_int64("SELECT SUM(v) FROM t").value(), 45);
}

TEST(StoreDb, NestedUseOfOneSqlTextGetsASecondStatement) {
  TempDir dir;
  Db db = open_or_die(dir.file("a.db"));
  ASSERT_TRUE(db.exec("CREATE TABLE t(v INTEGER); INSERT INTO t VALUES(1),(2)").has_value());
  auto outer = db.prepare("SELECT v FROM t ORDER BY v");
  ASSERT_TRUE(outer.has_value());
  ASSERT_TRUE(outer->step().value());
  auto inner = db.prepare("SELECT v FROM t ORDER BY v");
  ASSERT_TRUE(inner.has_value());
  ASSERT_TRUE(inner->step().value());
  EXPECT_EQ(inner->int64(0), 1);
  ASSERT_TRUE(outer->step().value());
  EXPECT_EQ(outer->int64(0), 2);  // the outer cursor was not disturbed
}

TEST(StoreDb, ErrorsCarrySqliteMessageAndCode) {
  TempDir dir;
  Db db = open_or_die(dir.file("a.db"));
  auto bad = db.prepare("SELEKT 1");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, SQLITE_ERROR);
  EXPECT_NE(bad.error().message.find("syntax error"), std::string::npos) << bad.error().message;

  ASSERT_TRUE(db.exec("CREATE TABLE u(k TEXT PRIMARY KEY)").has_value());
  ASSERT_TRUE(db.exec("INSERT INTO u VALUES('a')").has_value());
  auto insert = db.prepare("INSERT INTO u VALUES(?)");
  ASSERT_TRUE(insert.has_value());
  ASSERT_TRUE(insert->bind("a").has_value());
  auto dup = insert->run();
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, SQLITE_CONSTRAINT_PRIMARYKEY);
  EXPECT_NE(dup.error().message.find("UNIQUE constraint failed: u.k"), std::string::npos)
      << dup.error().message;

  auto two = db.prepare("SELECT ?, ?");
  ASSERT_TRUE(two.has_value());
  auto extra = two->bind(1, 2, 3);
  ASSERT_FALSE(extra.has_value());
  EXPECT_EQ(extra.error().code, SQLITE_RANGE);
  EXPECT_NE(extra.error().message.find("out of range"), std::string::npos) << extra.error().message;

  auto exec = db.exec("INSERT INTO nowhere VALUES(1)");
  ASSERT_FALSE(exec.has_value());
  EXPECT_NE(exec.error().message.find("no such table: nowhere"), std::string::npos);
}

TEST(StoreDb, ForeignKeysAreEnforced) {
  TempDir dir;
  Db db = open_or_die(dir.file("a.db"));
  ASSERT_TRUE(db.exec("CREATE TABLE p(id INTEGER PRIMARY KEY);"
                      "CREATE TABLE c(pid INTEGER REFERENCES p(id))")
                  .has_value());
  auto orphan = db.exec("INSERT INTO c VALUES(42)");
  ASSERT_FALSE(orphan.has_value());
  EXPECT_EQ(orphan.error().code, SQLITE_CONSTRAINT_FOREIGNKEY);
}

TEST(StoreTransaction, CommitKeepsRollbackOnDestructionDrops) {
  TempDir dir;
  Db db = open_or_die(dir.file("a.db"));
  ASSERT_TRUE(db.exec("CREATE TABLE t(v INTEGER)").has_value());
  int callbacks = 0;
  {
    auto tx = db.begin();
    ASSERT_TRUE(tx.has_value());
    tx->on_commit([&] { ++callbacks; });
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES(1)").has_value());
    ASSERT_TRUE(tx->commit().has_value());
  }
  EXPECT_EQ(callbacks, 1);
  {
    auto tx = db.begin();
    ASSERT_TRUE(tx.has_value());
    tx->on_commit([&] { ++callbacks; });
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES(2)").has_value());
    EXPECT_EQ(db.query_int64("SELECT COUNT(*) FROM t").value(), 2);  // visible inside
  }                                                                  // destroyed without commit
  EXPECT_EQ(callbacks, 1);
  EXPECT_EQ(db.query_int64("SELECT COUNT(*) FROM t").value(), 1);
  EXPECT_EQ(sqlite3_get_autocommit(db.handle()), 1);  // no transaction left open
  EXPECT_TRUE(db.begin().has_value());                // and a new one can start
}

TEST(StoreTransaction, BusyTimeoutWithTwoConnections) {
  TempDir dir;
  Db writer = open_or_die(dir.file("a.db"));
  ASSERT_TRUE(writer.exec("CREATE TABLE t(v INTEGER)").has_value());
  DbOptions impatient;
  impatient.busy_timeout = std::chrono::milliseconds(50);
  Db other = open_or_die(dir.file("a.db"), impatient);
  {
    auto tx = writer.begin();
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE(writer.exec("INSERT INTO t VALUES(1)").has_value());
    // A second writer gives up after its busy timeout with SQLITE_BUSY...
    auto blocked = other.begin();
    ASSERT_FALSE(blocked.has_value());
    EXPECT_EQ(blocked.error().code & 0xFF, SQLITE_BUSY);
    EXPECT_NE(blocked.error().message.find("locked"), std::string::npos) << blocked.error().message;
    // ...while a reader still sees the last committed state (WAL).
    EXPECT_EQ(other.query_int64("SELECT COUNT(*) FROM t").value(), 0);
    ASSERT_TRUE(tx->commit().has_value());
  }
  auto tx = other.begin();
  ASSERT_TRUE(tx.has_value());
  EXPECT_EQ(other.query_int64("SELECT COUNT(*) FROM t").value(), 1);
}

TEST(StoreMigrations, ApplyInOrderOnceAndRefuseNewerFiles) {
  TempDir dir;
  const auto path = dir.file("a.db");
  constexpr std::array<std::string_view, 2> kV2 = {
      "CREATE TABLE product(id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
      "ALTER TABLE product ADD COLUMN stock INTEGER NOT NULL DEFAULT 0"};
  {
    Db db = open_or_die(path);
    EXPECT_EQ(db.migrate(std::span(kV2).first(1)).value(), 1);
    ASSERT_TRUE(db.exec("INSERT INTO product(name) VALUES('x')").has_value());
    EXPECT_EQ(db.migrate(kV2).value(), 2);
    EXPECT_EQ(db.migrate(kV2).value(), 2);  // nothing left to apply
    EXPECT_EQ(db.query_int64("PRAGMA user_version").value(), 2);
    EXPECT_EQ(db.query_int64("SELECT stock FROM product").value(), 0);
  }
  Db reopened = open_or_die(path);
  auto older = reopened.migrate(std::span(kV2).first(1));
  ASSERT_FALSE(older.has_value());
  EXPECT_NE(older.error().message.find("newer"), std::string::npos) << older.error().message;
}

TEST(StoreMigrations, FailedStepLeavesVersionAndSchemaUnchanged) {
  TempDir dir;
  Db db = open_or_die(dir.file("a.db"));
  constexpr std::array<std::string_view, 2> kSteps = {
      "CREATE TABLE a(x INTEGER)", "CREATE TABLE b(y INTEGER); CREATE TABLE a(z INTEGER)"};
  auto result = db.migrate(kSteps);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("version 2"), std::string::npos) << result.error().message;
  EXPECT_EQ(db.query_int64("PRAGMA user_version").value(), 1);
  EXPECT_EQ(db.query_int64("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'b'").value(), 0);
}

TEST(StoreDbPool, LendsDistinctConnectionsAndTakesThemBack) {
  TempDir dir;
  auto pool = DbPool::open(dir.file("a.db"), 2);
  ASSERT_TRUE(pool.has_value()) << pool.error().message;
  Db* first = nullptr;
  {
    auto a = (*pool)->acquire();
    auto b = (*pool)->acquire();
    EXPECT_NE(&*a, &*b);
    first = &*a;
    ASSERT_TRUE(a->exec("CREATE TABLE t(v INTEGER); INSERT INTO t VALUES(7)").has_value());
    EXPECT_EQ(b->query_int64("SELECT v FROM t").value(), 7);  // same file
  }
  auto again = (*pool)->acquire();
  auto other = (*pool)->acquire();
  EXPECT_TRUE(&*again == first || &*other == first);
  EXPECT_FALSE(DbPool::open(dir.file("b.db"), 0).has_value());
}

}  // namespace
}  // namespace ksim::services::store
