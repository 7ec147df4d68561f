#include "ksim/sim/trace/trace_reader.h"

#include <limits>
#include <optional>

#include "sqlite.h"

namespace ksim::trace {

struct TraceReader::Impl {
  std::filesystem::path path;
  detail::Db db;

  // Runs `sql` (with `series` bound to ?1 if given) and calls on_row(stmt)
  // for every row.
  template <class OnRow>
  std::expected<void, std::string> query(std::string_view sql, OnRow on_row,
                                         std::optional<std::int64_t> param = {}) const {
    auto stmt = detail::prepare(db.get(), path, sql);
    if (!stmt) return std::unexpected(stmt.error());
    if (param) sqlite3_bind_int64(stmt->get(), 1, *param);
    for (;;) {
      const int rc = sqlite3_step(stmt->get());
      if (rc == SQLITE_DONE) return {};
      if (rc != SQLITE_ROW) return std::unexpected(detail::db_error(path, db.get(), sql));
      on_row(stmt->get());
    }
  }
};

namespace {

std::optional<Duration> column_duration(sqlite3_stmt* s, int index) {
  if (sqlite3_column_type(s, index) == SQLITE_NULL) return std::nullopt;
  return Duration{sqlite3_column_int64(s, index)};
}

}  // namespace

std::expected<TraceReader, std::string> TraceReader::open(const std::filesystem::path& path) {
  auto db = detail::open_db(path, SQLITE_OPEN_READONLY);
  if (!db) return std::unexpected(db.error());
  TraceReader reader{std::make_unique<Impl>(Impl{path, std::move(*db)})};
  std::optional<std::string> version;
  auto r = reader.impl_->query("SELECT value FROM meta WHERE key = 'schema_version'",
                               [&](sqlite3_stmt* s) { version = detail::column_text(s, 0); });
  if (!r) return std::unexpected(path.string() + ": not a ksim trace (" + r.error() + ")");
  if (!version) return std::unexpected(path.string() + ": not a ksim trace (no schema_version)");
  if (*version != std::to_string(kSchemaVersion)) {
    return std::unexpected(path.string() + ": trace schema version " + *version +
                           ", this ksim reads version " + std::to_string(kSchemaVersion));
  }
  return reader;
}

TraceReader::TraceReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TraceReader::TraceReader(TraceReader&&) noexcept = default;
TraceReader& TraceReader::operator=(TraceReader&&) noexcept = default;
TraceReader::~TraceReader() = default;

std::expected<std::map<std::string, std::string>, std::string> TraceReader::meta() const {
  std::map<std::string, std::string> out;
  auto r = impl_->query("SELECT key, value FROM meta", [&](sqlite3_stmt* s) {
    out.emplace(detail::column_text(s, 0), detail::column_text(s, 1));
  });
  if (!r) return std::unexpected(r.error());
  return out;
}

std::expected<std::vector<SeriesInfo>, std::string> TraceReader::series() const {
  std::vector<SeriesInfo> out;
  auto r = impl_->query("SELECT id, kind, object, metric, unit FROM series ORDER BY id",
                        [&](sqlite3_stmt* s) {
                          out.push_back({static_cast<SeriesId>(sqlite3_column_int64(s, 0)),
                                         detail::column_text(s, 1), detail::column_text(s, 2),
                                         detail::column_text(s, 3), detail::column_text(s, 4)});
                        });
  if (!r) return std::unexpected(r.error());
  return out;
}

std::expected<std::vector<Sample>, std::string> TraceReader::samples(SeriesId series) const {
  std::vector<Sample> out;
  auto r = impl_->query(
      "SELECT t_us, value FROM samples WHERE series_id = ?1 ORDER BY t_us, rowid",
      [&](sqlite3_stmt* s) {
        const double v = sqlite3_column_type(s, 1) == SQLITE_NULL
                             ? std::numeric_limits<double>::quiet_NaN()
                             : sqlite3_column_double(s, 1);
        out.push_back({time_from_us(sqlite3_column_int64(s, 0)), v});
      },
      static_cast<std::int64_t>(series));
  if (!r) return std::unexpected(r.error());
  return out;
}

std::expected<std::vector<TraceEvent>, std::string> TraceReader::events() const {
  std::vector<TraceEvent> out;
  auto r = impl_->query(
      "SELECT id, t_us, kind, object, reason, type, message, details FROM events ORDER BY id",
      [&](sqlite3_stmt* s) {
        TraceEvent& e = out.emplace_back();
        e.id = sqlite3_column_int64(s, 0);
        e.t = time_from_us(sqlite3_column_int64(s, 1));
        e.kind = detail::column_text(s, 2);
        e.object = detail::column_text(s, 3);
        e.reason = detail::column_text(s, 4);
        e.type = detail::column_text(s, 5);
        e.message = detail::column_text(s, 6);
        if (sqlite3_column_type(s, 7) != SQLITE_NULL) e.details = detail::column_text(s, 7);
      });
  if (!r) return std::unexpected(r.error());
  return out;
}

std::expected<std::vector<RouteWindow>, std::string> TraceReader::route_windows() const {
  std::vector<RouteWindow> out;
  auto r = impl_->query(
      "SELECT window_start_us, window_us, route, requests, errors, p50_us, p95_us, p99_us, "
      "max_us FROM routes ORDER BY id",
      [&](sqlite3_stmt* s) {
        RouteWindow& w = out.emplace_back();
        w.window_start = time_from_us(sqlite3_column_int64(s, 0));
        w.window = Duration{sqlite3_column_int64(s, 1)};
        w.route = detail::column_text(s, 2);
        w.requests = sqlite3_column_int64(s, 3);
        w.errors = sqlite3_column_int64(s, 4);
        w.p50 = column_duration(s, 5);
        w.p95 = column_duration(s, 6);
        w.p99 = column_duration(s, 7);
        w.max = column_duration(s, 8);
      });
  if (!r) return std::unexpected(r.error());
  return out;
}

}  // namespace ksim::trace
