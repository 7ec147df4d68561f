#include "ksim/services/store/db.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <string>
#include <unordered_map>
#include <utility>

#include "write_gate.h"

namespace ksim::services::store {

namespace {

// Heterogeneous lookup so a cache hit with a std::string_view key does not
// allocate a std::string on the hot path.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

struct CachedStatement {
  sqlite3_stmt* stmt = nullptr;
  bool leased = false;
};

Error sqlite_error(sqlite3* db, int code, std::string_view what) {
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  return Error{ErrorSource::kSqlite, code, fmt::format("{}: {}", what, message)};
}

}  // namespace

struct Db::Cache {
  std::shared_ptr<detail::WriteGate> gate;  // null for ":memory:"
  std::chrono::milliseconds busy_timeout{0};
  std::unordered_map<std::string, CachedStatement, TextHash, std::equal_to<>> by_sql;
  // Reverse index so release() finds the entry of a leased statement.
  std::unordered_map<sqlite3_stmt*, CachedStatement*> by_stmt;
};

// ---------------------------------------------------------------- Stmt

Stmt::Stmt(Stmt&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), cached_(other.cached_) {}

Stmt::~Stmt() {
  if (stmt_ == nullptr) return;
  if (cached_) {
    db_->release(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
}

Result<void> Stmt::bind_int64(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) return std::unexpected(db_->error("bind"));
  return {};
}

Result<void> Stmt::bind_double(int index, double value) {
  const int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) return std::unexpected(db_->error("bind"));
  return {};
}

Result<void> Stmt::bind_text(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's buffer may die
  // before step(); the copy is cheap next to the statement itself.
  const int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) return std::unexpected(db_->error("bind"));
  return {};
}

Result<void> Stmt::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) return std::unexpected(db_->error("bind"));
  return {};
}

Result<bool> Stmt::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Reset so the statement is reusable and the connection's error message is
  // the step's (sqlite3_reset returns the same code).
  Error failure = db_->error("step");
  sqlite3_reset(stmt_);
  return std::unexpected(std::move(failure));
}

Result<void> Stmt::run() {
  for (;;) {
    auto row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

std::int64_t Stmt::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

double Stmt::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string_view Stmt::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (data == nullptr) return {};
  return {data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

bool Stmt::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

int Stmt::column_count() const { return sqlite3_column_count(stmt_); }

// ---------------------------------------------------------------- Db

Db::Db(sqlite3* db, std::unique_ptr<Cache> cache) : db_(db), cache_(std::move(cache)) {}

Db::Db(Db&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    Db dying(std::move(*this));
    db_ = std::exchange(other.db_, nullptr);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

Db::~Db() {
  if (db_ == nullptr) return;
  for (auto& [sql, entry] : cache_->by_sql) sqlite3_finalize(entry.stmt);
  sqlite3_close_v2(db_);
}

Error Db::error(std::string_view what) const {
  return sqlite_error(db_, sqlite3_extended_errcode(db_), what);
}

Result<Db> Db::open(const std::filesystem::path& path, const DbOptions& options) {
  sqlite3* handle = nullptr;
  // NOMUTEX: a Db is used by one thread at a time (see db.h), so SQLite's own
  // per-connection mutex would only cost time.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error failure = sqlite_error(handle, rc, fmt::format("open {}", path.string()));
    sqlite3_close_v2(handle);
    return std::unexpected(std::move(failure));
  }
  sqlite3_extended_result_codes(handle, 1);
  auto cache = std::make_unique<Cache>();
  cache->busy_timeout = options.busy_timeout;
  if (path != ":memory:") cache->gate = detail::WriteGate::for_file(path);
  Db db(handle, std::move(cache));
  sqlite3_busy_timeout(handle, static_cast<int>(options.busy_timeout.count()));
  auto mode = db.query_text("PRAGMA journal_mode=WAL");
  if (!mode) return std::unexpected(mode.error());
  if (*mode != "wal" && path != ":memory:") {
    return store_error(
        fmt::format("open {}: journal_mode is '{}', WAL refused", path.string(), *mode));
  }
  // synchronous=FULL: in WAL mode NORMAL only syncs the WAL at checkpoints, so
  // a commit acknowledged to a client could vanish on power loss. FULL fsyncs
  // the WAL at every COMMIT, so once commit() returns the write survives a
  // kill -9 (which WAL alone already gives) and an OS crash or power cut.
  auto pragmas = db.exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  if (!pragmas) return std::unexpected(pragmas.error());
  return db;
}

Result<void> Db::exec(std::string_view sql) {
  const std::string text(sql);  // sqlite3_exec needs a NUL-terminated string
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  Error failure{ErrorSource::kSqlite, sqlite3_extended_errcode(db_),
                fmt::format("exec: {}", message != nullptr ? message : sqlite3_errstr(rc))};
  sqlite3_free(message);
  return std::unexpected(std::move(failure));
}

Result<Stmt> Db::prepare(std::string_view sql) {
  auto found = cache_->by_sql.find(sql);
  if (found != cache_->by_sql.end() && !found->second.leased) {
    found->second.leased = true;
    return Stmt(this, found->second.stmt, true);
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(error(fmt::format("prepare '{}'", sql)));
  if (stmt == nullptr) return store_error(fmt::format("prepare '{}': no statement", sql));
  if (found != cache_->by_sql.end()) return Stmt(this, stmt, false);  // nested use
  auto [entry, inserted] = cache_->by_sql.emplace(std::string(sql), CachedStatement{stmt, true});
  cache_->by_stmt.emplace(stmt, &entry->second);
  return Stmt(this, stmt, true);
}

void Db::release(sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  auto found = cache_->by_stmt.find(stmt);
  if (found != cache_->by_stmt.end()) found->second->leased = false;
}

Result<Transaction> Db::begin() {
  // Writers of this process queue on the gate first (see write_gate.h), so
  // BEGIN IMMEDIATE below only ever waits for another process.
  if (cache_->gate && !cache_->gate->lock(cache_->busy_timeout)) {
    return std::unexpected(Error{ErrorSource::kSqlite, SQLITE_BUSY,
                                 "begin: database is locked (another writer of this process held "
                                 "it longer than busy_timeout)"});
  }
  auto stmt = prepare("BEGIN IMMEDIATE");
  auto done = stmt ? stmt->run() : Result<void>(std::unexpected(stmt.error()));
  if (!done) {
    end_write();
    return std::unexpected(done.error());
  }
  return Transaction(this);
}

void Db::end_write() {
  if (cache_->gate) cache_->gate->unlock();
}

Result<std::string> Db::query_text(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  return *row ? std::string(stmt->text(0)) : std::string();
}

Result<std::int64_t> Db::query_int64(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  return *row ? stmt->int64(0) : 0;
}

Result<int> Db::migrate(std::span<const std::string_view> steps) {
  auto version = query_int64("PRAGMA user_version");
  if (!version) return std::unexpected(version.error());
  const auto known = static_cast<std::int64_t>(steps.size());
  if (*version > known) {
    return store_error(
        fmt::format("migrate: database schema version {} is newer than the {} this "
                    "binary knows",
                    *version, known));
  }
  for (auto next = *version; next < known; ++next) {
    auto tx = begin();
    if (!tx) return std::unexpected(tx.error());
    auto applied = exec(steps[static_cast<std::size_t>(next)]);
    if (!applied) {
      return store_error(
          fmt::format("migrate to version {}: {}", next + 1, applied.error().message));
    }
    // PRAGMA user_version is transactional, so the step and its version
    // number commit (or roll back) together.
    auto bumped = exec(fmt::format("PRAGMA user_version={}", next + 1));
    if (!bumped) return std::unexpected(bumped.error());
    auto committed = tx->commit();
    if (!committed) return std::unexpected(committed.error());
  }
  return static_cast<int>(known);
}

std::int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

std::int64_t Db::changes() const { return sqlite3_changes64(db_); }

std::size_t Db::cached_statements() const { return cache_->by_sql.size(); }

// ---------------------------------------------------------------- Transaction

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      active_(std::exchange(other.active_, false)),
      on_commit_(std::move(other.on_commit_)) {}

Transaction::~Transaction() { rollback(); }

void Transaction::on_commit(std::function<void()> callback) {
  on_commit_.push_back(std::move(callback));
}

Result<void> Transaction::commit() {
  if (!active()) return store_error("commit: transaction is not active");
  auto stmt = db_->prepare("COMMIT");
  if (!stmt) return std::unexpected(stmt.error());
  auto done = stmt->run();
  if (!done) {
    rollback();
    return std::unexpected(done.error());
  }
  active_ = false;
  db_->end_write();
  for (auto& callback : on_commit_) callback();
  on_commit_.clear();
  return {};
}

void Transaction::rollback() {
  if (!active()) return;
  active_ = false;
  on_commit_.clear();
  // Only when a transaction is still open: a failed COMMIT may already have
  // rolled it back (SQLite does so for some errors).
  if (sqlite3_get_autocommit(db_->db_) == 0) {
    auto stmt = db_->prepare("ROLLBACK");
    if (stmt) (void)stmt->run();
  }
  db_->end_write();
}

}  // namespace ksim::services::store
