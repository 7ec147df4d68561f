#include "ksim/sim/trace/trace_writer.h"

#include <unistd.h>

#include <array>
#include <functional>
#include <string>
#include <system_error>
#include <unordered_map>

#include "ksim/sim/kernel/check.h"
#include "schema.h"
#include "sqlite.h"

namespace ksim::trace {

namespace {

// Heterogeneous lookup: series() finds a cached key without allocating.
struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct CachedSeries {
  SeriesId id;
  std::string unit;
};

struct PendingSample {
  std::int64_t series;
  std::int64_t t_us;
  double value;
};

// Samples go in by kSampleBatch rows per INSERT: one statement execution per
// batch instead of per row cuts the cost of a sample by more than half
// (bench/sim/trace/trace_bench.cpp).
constexpr int kSampleBatch = 64;

std::string batch_insert_sql() {
  std::string sql = "INSERT INTO samples (series_id, t_us, value) VALUES ";
  for (int i = 0; i < kSampleBatch; ++i) sql += i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)";
  return sql;
}

std::filesystem::path partial_path_for(const std::filesystem::path& final_path) {
  std::filesystem::path p = final_path;
  p += ".partial-" + std::to_string(::getpid());
  return p;
}

}  // namespace

struct TraceWriter::Impl {
  std::filesystem::path final_path;
  std::filesystem::path partial_path;
  detail::Db db;
  detail::Stmt insert_meta, insert_series, insert_sample, insert_event, insert_route;
  detail::Stmt insert_sample_batch;
  std::array<PendingSample, kSampleBatch> pending{};
  int pending_count = 0;
  std::unordered_map<std::string, CachedSeries, KeyHash, std::equal_to<>> series;
  std::string key;       // the lookup key of series(), reused
  std::string error;     // the first failed write
  bool done = false;     // commit() was called
  bool renamed = false;  // the file is at final_path now

  ~Impl() {
    close();
    if (!renamed) remove_partial();
  }

  // Statements first: the handle closes only once they are finalized.
  void close() {
    insert_meta.reset();
    insert_series.reset();
    insert_sample.reset();
    insert_sample_batch.reset();
    insert_event.reset();
    insert_route.reset();
    db.reset();
  }
  void remove_partial() const {
    std::error_code ec;  // best effort: a missing file is fine, and there is no one to tell
    std::filesystem::remove(partial_path, ec);
  }

  // Runs a bound statement to completion; remembers the first failure.
  bool step(sqlite3_stmt* s, std::string_view what) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_DONE) return true;
    if (error.empty()) error = detail::db_error(partial_path, db.get(), what);
    return false;
  }

  // Writes the pending samples: a full batch in one statement, a partial one
  // (at commit) row by row.
  void flush_samples() {
    const bool full = pending_count == kSampleBatch;
    sqlite3_stmt* s = full ? insert_sample_batch.get() : insert_sample.get();
    for (int i = 0; i < pending_count; ++i) {
      const PendingSample& p = pending[static_cast<std::size_t>(i)];
      const int base = full ? 3 * i : 0;
      sqlite3_bind_int64(s, base + 1, p.series);
      sqlite3_bind_int64(s, base + 2, p.t_us);
      sqlite3_bind_double(s, base + 3, p.value);  // NaN binds as NULL
      if (!full && !step(s, "write sample")) break;
    }
    if (full) step(s, "write samples");
    pending_count = 0;
  }

  std::expected<void, std::string> open();
};

std::expected<void, std::string> TraceWriter::Impl::open() {
  remove_partial();  // a stale file of a crashed run with our pid
  auto opened = detail::open_db(partial_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!opened) return std::unexpected(opened.error());
  db = std::move(*opened);
  sqlite3* h = db.get();
  if (auto r = detail::exec(h, partial_path, detail::kWriterPragmas, "set pragmas"); !r) return r;
  const std::string version = std::to_string(kSchemaVersion);
  const std::string begin = "PRAGMA user_version = " + version + "; BEGIN;";
  if (auto r = detail::exec(h, partial_path, begin.c_str(), "begin"); !r) return r;
  if (auto r = detail::exec(h, partial_path, detail::kCreateTables, "create tables"); !r) return r;
  const std::string batch_sql = batch_insert_sql();
  for (auto [stmt, sql] : {std::pair{&insert_meta, detail::kInsertMeta},
                           std::pair{&insert_series, detail::kInsertSeries},
                           std::pair{&insert_sample, detail::kInsertSample},
                           std::pair{&insert_sample_batch, batch_sql.c_str()},
                           std::pair{&insert_event, detail::kInsertEvent},
                           std::pair{&insert_route, detail::kInsertRoute}}) {
    auto prepared = detail::prepare(h, partial_path, sql);
    if (!prepared) return std::unexpected(prepared.error());
    *stmt = std::move(*prepared);
  }
  detail::bind_text(insert_meta.get(), 1, "schema_version");
  detail::bind_text(insert_meta.get(), 2, version);
  if (!step(insert_meta.get(), "write meta")) return std::unexpected(error);
  return {};
}

std::expected<TraceWriter, std::string> TraceWriter::create(
    const std::filesystem::path& final_path) {
  auto impl = std::make_unique<Impl>();
  impl->final_path = final_path;
  impl->partial_path = partial_path_for(final_path);
  if (auto r = impl->open(); !r) return std::unexpected(r.error());  // ~Impl removes the file
  return TraceWriter{std::move(impl)};
}

TraceWriter::TraceWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TraceWriter::TraceWriter(TraceWriter&&) noexcept = default;
TraceWriter& TraceWriter::operator=(TraceWriter&&) noexcept = default;
TraceWriter::~TraceWriter() = default;

TraceWriter::Impl& TraceWriter::impl() const {
  KSIM_CHECK(impl_ != nullptr, "TraceWriter used after it was moved from");
  return *impl_;
}

void TraceWriter::write_meta(std::string_view key, std::string_view value) {
  Impl& m = impl();
  KSIM_CHECK(!m.done, "TraceWriter::write_meta after commit");
  if (!m.error.empty()) return;
  detail::bind_text(m.insert_meta.get(), 1, key);
  detail::bind_text(m.insert_meta.get(), 2, value);
  m.step(m.insert_meta.get(), "write meta");
}

SeriesId TraceWriter::series(std::string_view kind, std::string_view object,
                             std::string_view metric, std::string_view unit) {
  Impl& m = impl();
  KSIM_CHECK(!m.done, "TraceWriter::series after commit");
  m.key.assign(kind).append(1, '\0').append(object).append(1, '\0').append(metric);
  if (const auto it = m.series.find(std::string_view{m.key}); it != m.series.end()) {
    KSIM_CHECK(it->second.unit == unit, "TraceWriter::series: one series, two units");
    return it->second.id;
  }
  // After a failed write the ids are placeholders: nothing more is written.
  auto id = static_cast<SeriesId>(static_cast<std::int64_t>(m.series.size()) + 1);
  if (m.error.empty()) {
    sqlite3_stmt* s = m.insert_series.get();
    detail::bind_text(s, 1, kind);
    detail::bind_text(s, 2, object);
    detail::bind_text(s, 3, metric);
    detail::bind_text(s, 4, unit);
    if (m.step(s, "add series")) id = static_cast<SeriesId>(sqlite3_last_insert_rowid(m.db.get()));
  }
  m.series.emplace(m.key, CachedSeries{id, std::string{unit}});
  return id;
}

void TraceWriter::sample(SeriesId series, Time t, double value) {
  Impl& m = impl();
  KSIM_CHECK(!m.done, "TraceWriter::sample after commit");
  if (!m.error.empty()) return;
  m.pending[static_cast<std::size_t>(m.pending_count++)] = {static_cast<std::int64_t>(series),
                                                            to_us(t), value};
  if (m.pending_count == kSampleBatch) m.flush_samples();
}

void TraceWriter::event(Time t, std::string_view kind, std::string_view object,
                        std::string_view reason, std::string_view type, std::string_view message,
                        std::string_view details_json) {
  Impl& m = impl();
  KSIM_CHECK(!m.done, "TraceWriter::event after commit");
  if (!m.error.empty()) return;
  sqlite3_stmt* s = m.insert_event.get();
  sqlite3_bind_int64(s, 1, to_us(t));
  detail::bind_text(s, 2, kind);
  detail::bind_text(s, 3, object);
  detail::bind_text(s, 4, reason);
  detail::bind_text(s, 5, type);
  detail::bind_text(s, 6, message);
  if (details_json.empty()) {
    sqlite3_bind_null(s, 7);
  } else {
    detail::bind_text(s, 7, details_json);
  }
  m.step(s, "write event");
}

void TraceWriter::route_window(Time window_start, Duration window, std::string_view route,
                               std::int64_t requests, std::int64_t errors,
                               const LatencyHistogram& latency) {
  Impl& m = impl();
  KSIM_CHECK(!m.done, "TraceWriter::route_window after commit");
  if (!m.error.empty()) return;
  sqlite3_stmt* s = m.insert_route.get();
  sqlite3_bind_int64(s, 1, to_us(window_start));
  sqlite3_bind_int64(s, 2, window.count());
  detail::bind_text(s, 3, route);
  sqlite3_bind_int64(s, 4, requests);
  sqlite3_bind_int64(s, 5, errors);
  const Duration stats[] = {latency.quantile(0.50), latency.quantile(0.95), latency.quantile(0.99),
                            latency.max()};
  for (int i = 0; i < 4; ++i) {
    if (latency.empty()) {
      sqlite3_bind_null(s, 6 + i);
    } else {
      sqlite3_bind_int64(s, 6 + i, stats[i].count());
    }
  }
  m.step(s, "write route window");
}

std::expected<void, std::string> TraceWriter::commit() {
  Impl& m = impl();
  KSIM_CHECK(!m.done, "TraceWriter::commit called twice");
  m.done = true;
  auto fail = [&m](std::string message) -> std::expected<void, std::string> {
    m.close();
    m.remove_partial();
    return std::unexpected(std::move(message));
  };
  if (m.error.empty()) m.flush_samples();
  if (!m.error.empty()) return fail(m.error);
  sqlite3* h = m.db.get();
  if (auto r = detail::exec(h, m.partial_path, detail::kCreateIndexes, "create indexes"); !r) {
    return fail(r.error());
  }
  if (auto r = detail::exec(h, m.partial_path, "COMMIT", "commit"); !r) return fail(r.error());
  m.close();  // close_v2 after finalizing every statement: nothing is left pending
  std::error_code ec;
  std::filesystem::rename(m.partial_path, m.final_path, ec);
  if (ec) {
    return fail("cannot rename " + m.partial_path.string() + " to " + m.final_path.string() + ": " +
                ec.message());
  }
  m.renamed = true;
  return {};
}

const std::string& TraceWriter::error() const { return impl().error; }
const std::filesystem::path& TraceWriter::final_path() const { return impl().final_path; }
const std::filesystem::path& TraceWriter::partial_path() const { return impl().partial_path; }

}  // namespace ksim::trace
