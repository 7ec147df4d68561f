#include "sqlite.h"

namespace ksim::trace::detail {

std::string db_error(const std::filesystem::path& path, sqlite3* db, std::string_view what) {
  std::string out = path.string();
  out += ": ";
  out += what;
  out += ": ";
  out += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  return out;
}

std::expected<Db, std::string> open_db(const std::filesystem::path& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db{raw};  // a handle is returned even on failure, and must be closed
  if (rc != SQLITE_OK) return std::unexpected(db_error(path, raw, "cannot open database"));
  return db;
}

std::expected<void, std::string> exec(sqlite3* db, const std::filesystem::path& path,
                                      const char* sql, std::string_view what) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return std::unexpected(db_error(path, db, what));
  }
  return {};
}

std::expected<Stmt, std::string> prepare(sqlite3* db, const std::filesystem::path& path,
                                         std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &raw, nullptr) != SQLITE_OK) {
    return std::unexpected(db_error(path, db, sql));
  }
  return Stmt{raw};
}

std::string column_text(sqlite3_stmt* s, int index) {
  const auto* text = sqlite3_column_text(s, index);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<std::size_t>(sqlite3_column_bytes(s, index))};
}

}  // namespace ksim::trace::detail
