// Internal: RAII handles and error text for the SQLite C API, shared by the
// trace writer and reader. Every error names the database file.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace ksim::trace::detail {

struct DbCloser {
  // close_v2: a handle with statements still open closes when they finalize.
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

/// "<path>: <what>: <SQLite's message for db>".
std::string db_error(const std::filesystem::path& path, sqlite3* db, std::string_view what);

/// Opens `path` with SQLITE_OPEN_* `flags`.
std::expected<Db, std::string> open_db(const std::filesystem::path& path, int flags);

/// Runs SQL statements that return no rows; `what` names them in an error.
std::expected<void, std::string> exec(sqlite3* db, const std::filesystem::path& path,
                                      const char* sql, std::string_view what);

/// Compiles one statement.
std::expected<Stmt, std::string> prepare(sqlite3* db, const std::filesystem::path& path,
                                         std::string_view sql);

/// Binds text without copying: `text` must outlive the next sqlite3_step.
inline void bind_text(sqlite3_stmt* s, int index, std::string_view text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

/// Column `index` of the current row as a string ("" for NULL).
std::string column_text(sqlite3_stmt* s, int index);

}  // namespace ksim::trace::detail
