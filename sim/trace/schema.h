// Internal: the trace schema's SQL (documented for humans in SCHEMA.md; keep
// the two in step, and bump kSchemaVersion in records.h on any change).
#pragma once

namespace ksim::trace::detail {

// Settings of the temporary file, before anything is written. No journal and
// no fsync: the file is renamed into place only once complete, so a crash
// leaves nothing to recover. A fixed page size keeps the bytes independent of
// the SQLite build's defaults.
inline constexpr const char* kWriterPragmas = R"sql(
PRAGMA page_size = 4096;
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA locking_mode = EXCLUSIVE;
PRAGMA temp_store = MEMORY;
PRAGMA cache_size = -32768;
)sql";

inline constexpr const char* kCreateTables = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE series (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL, object TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL,
  UNIQUE (kind, object, metric));
CREATE TABLE samples (series_id INTEGER NOT NULL, t_us INTEGER NOT NULL, value REAL);
CREATE TABLE events (
  id INTEGER PRIMARY KEY, t_us INTEGER NOT NULL,
  kind TEXT NOT NULL, object TEXT NOT NULL, reason TEXT NOT NULL, type TEXT NOT NULL,
  message TEXT NOT NULL, details TEXT);
CREATE TABLE routes (
  id INTEGER PRIMARY KEY, window_start_us INTEGER NOT NULL, window_us INTEGER NOT NULL,
  route TEXT NOT NULL, requests INTEGER NOT NULL, errors INTEGER NOT NULL,
  p50_us INTEGER, p95_us INTEGER, p99_us INTEGER, max_us INTEGER);

CREATE VIEW series_samples AS
  SELECT s.kind, s.object, s.metric, s.unit, x.t_us, x.t_us / 1e6 AS t_s, x.value
  FROM samples AS x JOIN series AS s ON s.id = x.series_id;
CREATE VIEW events_readable AS
  SELECT id, t_us / 1e6 AS t_s, kind, object, reason, type, message, details FROM events;
CREATE VIEW route_stats AS
  SELECT window_start_us / 1e6 AS t_s, window_us / 1e6 AS window_s, route, requests, errors,
         requests / (window_us / 1e6) AS rps,
         CASE WHEN requests > 0 THEN 1.0 * errors / requests END AS error_ratio,
         p50_us / 1e3 AS p50_ms, p95_us / 1e3 AS p95_ms, p99_us / 1e3 AS p99_ms,
         max_us / 1e3 AS max_ms
  FROM routes;
)sql";

// Built at commit: one sort at the end is cheaper than keeping the indexes
// up to date during millions of inserts.
inline constexpr const char* kCreateIndexes = R"sql(
CREATE INDEX samples_by_series_time ON samples (series_id, t_us);
CREATE INDEX events_by_time ON events (t_us);
CREATE INDEX routes_by_route_time ON routes (route, window_start_us);
)sql";

inline constexpr const char* kInsertMeta =
    "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)";
inline constexpr const char* kInsertSeries =
    "INSERT INTO series (kind, object, metric, unit) VALUES (?1, ?2, ?3, ?4)";
inline constexpr const char* kInsertSample =
    "INSERT INTO samples (series_id, t_us, value) VALUES (?1, ?2, ?3)";
inline constexpr const char* kInsertEvent =
    "INSERT INTO events (t_us, kind, object, reason, type, message, details) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
inline constexpr const char* kInsertRoute =
    "INSERT INTO routes (window_start_us, window_us, route, requests, errors, p50_us, p95_us, "
    "p99_us, max_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

}  // namespace ksim::trace::detail
