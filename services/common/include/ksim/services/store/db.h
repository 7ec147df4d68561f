// A small SQLite wrapper for the services: one connection (Db) opened in WAL
// mode with durable commits, prepared statements cached per SQL text (Stmt),
// RAII write transactions (Transaction) and user_version migrations.
//
// Thread-safety model: a Db is ONE connection and is not thread-safe; use it
// from one thread at a time. Several threads (HTTP workers) each use their own
// Db on the same file -- DbPool hands them out -- and SQLite's WAL mode lets
// readers run concurrently with one writer; writers queue on busy_timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ksim/services/store/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ksim::services::store {

class Db;

/// Options for Db::open.
struct DbOptions {
  /// How long a statement waits for another connection's write lock before it
  /// fails with SQLITE_BUSY.
  std::chrono::milliseconds busy_timeout{5000};
};

/// A prepared statement leased from a Db's cache. Binding indexes and column
/// indexes are SQLite's: parameters from 1, columns from 0. On destruction the
/// statement is reset, its bindings cleared and it goes back to the cache.
/// Text views returned by text() stay valid until the next step() or reset.
class Stmt {
 public:
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  Result<void> bind_int64(int index, std::int64_t value);
  Result<void> bind_double(int index, double value);
  Result<void> bind_text(int index, std::string_view value);
  Result<void> bind_null(int index);

  /// Binds every argument in order to parameters 1..n. Accepts integers,
  /// floating point, strings (anything convertible to std::string_view),
  /// std::nullopt/nullptr (NULL) and std::optional of those.
  template <class... Args>
  Result<void> bind(const Args&... args) {
    int index = 0;
    Result<void> result;
    ((result = result ? bind_one(++index, args) : result), ...);
    return result;
  }

  /// Advances: true when a row is available, false when the statement is done.
  Result<bool> step();
  /// Steps to completion (for INSERT/UPDATE/DELETE); rows, if any, are skipped.
  Result<void> run();

  [[nodiscard]] std::int64_t int64(int column) const;
  [[nodiscard]] double real(int column) const;
  [[nodiscard]] std::string_view text(int column) const;
  [[nodiscard]] bool is_null(int column) const;
  [[nodiscard]] int column_count() const;

 private:
  friend class Db;
  Stmt(Db* db, sqlite3_stmt* stmt, bool cached) : db_(db), stmt_(stmt), cached_(cached) {}

  template <class T>
  Result<void> bind_one(int index, const T& value) {
    if constexpr (std::is_same_v<T, std::nullopt_t> || std::is_same_v<T, std::nullptr_t>) {
      return bind_null(index);
    } else if constexpr (std::is_same_v<T, bool>) {
      return bind_int64(index, value ? 1 : 0);
    } else if constexpr (std::is_integral_v<T>) {
      return bind_int64(index, static_cast<std::int64_t>(value));
    } else if constexpr (std::is_floating_point_v<T>) {
      return bind_double(index, static_cast<double>(value));
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      return bind_text(index, std::string_view(value));
    } else {
      return value ? bind_one(index, *value) : bind_null(index);
    }
  }

  Db* db_;
  sqlite3_stmt* stmt_;
  bool cached_;
};

class Transaction;

/// One SQLite connection. Movable; do not move it while a Stmt or Transaction
/// obtained from it is alive.
class Db {
 public:
  /// Opens (creating if needed) the database file and sets journal_mode=WAL,
  /// synchronous=FULL, busy_timeout and foreign_keys=ON. Fails if WAL cannot
  /// be enabled (e.g. on a file system without shared memory).
  static Result<Db> open(const std::filesystem::path& path, const DbOptions& options = {});

  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  /// Runs one or more SQL statements without parameters (DDL, PRAGMA).
  Result<void> exec(std::string_view sql);

  /// The cached prepared statement for `sql` (prepared on first use). If that
  /// statement is already leased (nested use), a fresh uncached one is returned.
  Result<Stmt> prepare(std::string_view sql);

  /// Starts a write transaction (BEGIN IMMEDIATE: takes the write lock now, so
  /// a busy database fails here, after busy_timeout, not halfway through).
  /// Writers of one process on one file are served first come, first served
  /// (a process-wide queue per file), so a thread that writes in a loop cannot
  /// starve the others. A thread must not begin a second write transaction on
  /// the same file while it holds one: it would wait for itself until
  /// busy_timeout and fail with SQLITE_BUSY.
  Result<Transaction> begin();

  /// Brings the schema to version steps.size(): step i (0-based) upgrades
  /// user_version i to i+1, each in its own transaction together with the
  /// version bump. Fails if the file's version is newer than this binary
  /// knows. Returns the final version.
  Result<int> migrate(std::span<const std::string_view> steps);

  /// The first column of the first row of `sql` as text ("" if no row).
  Result<std::string> query_text(std::string_view sql);
  /// The first column of the first row of `sql` as an integer (0 if no row).
  Result<std::int64_t> query_int64(std::string_view sql);

  /// The rowid of the last successful INSERT on this connection.
  [[nodiscard]] std::int64_t last_insert_rowid() const;
  /// Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  [[nodiscard]] std::int64_t changes() const;
  /// How many distinct SQL texts have a cached prepared statement.
  [[nodiscard]] std::size_t cached_statements() const;
  [[nodiscard]] sqlite3* handle() const { return db_; }

 private:
  friend class Stmt;
  friend class Transaction;
  struct Cache;

  Db(sqlite3* db, std::unique_ptr<Cache> cache);
  void release(sqlite3_stmt* stmt);
  void end_write();
  Error error(std::string_view what) const;

  sqlite3* db_ = nullptr;
  std::unique_ptr<Cache> cache_;
};

/// An open write transaction (BEGIN IMMEDIATE). Rolls back on destruction
/// unless commit() succeeded. Callbacks registered with on_commit run, in
/// order, right after a successful COMMIT (e.g. to wake the outbox relay).
class Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  /// Commits; durable on return (synchronous=FULL). On failure the
  /// transaction is rolled back and the error returned.
  Result<void> commit();
  /// Rolls back now (idempotent; the destructor does it otherwise).
  void rollback();

  [[nodiscard]] Db& db() const { return *db_; }
  [[nodiscard]] bool active() const { return db_ != nullptr && active_; }
  void on_commit(std::function<void()> callback);

 private:
  friend class Db;
  explicit Transaction(Db* db) : db_(db), active_(true) {}

  Db* db_;
  bool active_;
  std::vector<std::function<void()>> on_commit_;
};

}  // namespace ksim::services::store
