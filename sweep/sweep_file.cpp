// The sweep file (sweep_file.h, layout in SWEEP.md), through the trace
// library's SQLite handles (sim/trace/sqlite.h).
#include "ksim/sweep/sweep_file.h"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "sqlite.h"

namespace ksim::sweep {
namespace {

namespace fs = std::filesystem;
namespace db = trace::detail;
using Error = std::unexpected<std::string>;

constexpr const char* kFormat = "ksim-sweep";
constexpr const char* kFormatVersion = "1";

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string parameters_json(const std::vector<Parameter>& params) {
  nlohmann::json j = nlohmann::json::array();
  for (const Parameter& p : params) j.push_back({{"key", p.key}, {"values", p.values}});
  return j.dump();
}

std::expected<void, std::string> step_done(sqlite3* d, const fs::path& path, sqlite3_stmt* s) {
  if (sqlite3_step(s) != SQLITE_DONE) return Error(db::db_error(path, d, "insert"));
  sqlite3_reset(s);
  return {};
}

std::expected<void, std::string> write_tables(sqlite3* d, const fs::path& path,
                                              const SweepFile& f) {
  std::string points_sql = "CREATE TABLE points (idx INTEGER PRIMARY KEY";
  for (const Parameter& p : f.info.parameters) points_sql += ", " + quote_ident(p.key) + " TEXT";
  points_sql +=
      ", cost_dollars REAL, requests INTEGER, errors INTEGER, error_rate REAL, "
      "worst_p99_ms REAL, peak_nodes INTEGER, nodeclaims INTEGER, expectations_passed INTEGER, "
      "expectations_failed INTEGER, slo_pass INTEGER, pareto INTEGER);"
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "CREATE TABLE point_routes (idx INTEGER NOT NULL, route TEXT NOT NULL, requests INTEGER, "
      "errors INTEGER, p50_ms REAL, p95_ms REAL, p99_ms REAL, PRIMARY KEY (idx, route));";
  if (auto r = db::exec(d, path, "BEGIN", "begin"); !r) return r;
  if (auto r = db::exec(d, path, points_sql.c_str(), "create tables"); !r) return r;

  auto meta = db::prepare(d, path, "INSERT INTO meta VALUES (?, ?)");
  if (!meta) return Error(meta.error());
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"format", kFormat},
      {"format_version", kFormatVersion},
      {"scenario", f.info.scenario},
      {"scenario_file", f.info.scenario_file},
      {"parameters", parameters_json(f.info.parameters)},
      {"grid_size", std::to_string(f.info.grid_size)},
      {"duration", f.info.duration},
      {"ksim_version", f.info.ksim_version},
      {"pareto_among", f.pareto_among_slo_pass ? "slo-pass" : "all"}};
  for (const auto& [k, v] : rows) {
    db::bind_text(meta->get(), 1, k);
    db::bind_text(meta->get(), 2, v);
    if (auto r = step_done(d, path, meta->get()); !r) return r;
  }

  std::string insert = "INSERT INTO points VALUES (?";
  for (std::size_t i = 0; i < f.info.parameters.size() + 11; ++i) insert += ", ?";
  auto point = db::prepare(d, path, insert + ")");
  if (!point) return Error(point.error());
  auto route = db::prepare(d, path, "INSERT INTO point_routes VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!route) return Error(route.error());
  for (const PointResult& p : f.points) {
    sqlite3_stmt* s = point->get();
    int col = 1;
    sqlite3_bind_int64(s, col++, static_cast<sqlite3_int64>(p.index));
    for (const auto& kv : p.point) db::bind_text(s, col++, kv.second);
    sqlite3_bind_double(s, col++, p.cost_dollars);
    sqlite3_bind_int64(s, col++, static_cast<sqlite3_int64>(p.requests));
    sqlite3_bind_int64(s, col++, static_cast<sqlite3_int64>(p.errors));
    sqlite3_bind_double(s, col++, p.error_rate);
    sqlite3_bind_double(s, col++, p.worst_p99_ms);
    sqlite3_bind_int64(s, col++, static_cast<sqlite3_int64>(p.peak_nodes));
    sqlite3_bind_int64(s, col++, static_cast<sqlite3_int64>(p.nodeclaims));
    sqlite3_bind_int64(s, col++, p.expectations_passed);
    sqlite3_bind_int64(s, col++, p.expectations_failed);
    sqlite3_bind_int(s, col++, p.slo_pass ? 1 : 0);
    sqlite3_bind_int(s, col++, p.pareto ? 1 : 0);
    if (auto r = step_done(d, path, s); !r) return r;
    for (const RouteResult& rr : p.routes) {
      sqlite3_stmt* rs = route->get();
      sqlite3_bind_int64(rs, 1, static_cast<sqlite3_int64>(p.index));
      db::bind_text(rs, 2, rr.route);
      sqlite3_bind_int64(rs, 3, static_cast<sqlite3_int64>(rr.requests));
      sqlite3_bind_int64(rs, 4, static_cast<sqlite3_int64>(rr.errors));
      sqlite3_bind_double(rs, 5, rr.p50_ms);
      sqlite3_bind_double(rs, 6, rr.p95_ms);
      sqlite3_bind_double(rs, 7, rr.p99_ms);
      if (auto r = step_done(d, path, rs); !r) return r;
    }
  }
  return db::exec(d, path, "COMMIT", "commit");
}

std::expected<std::map<std::string, std::string>, std::string> read_meta(sqlite3* d,
                                                                         const fs::path& path) {
  auto s = db::prepare(d, path, "SELECT key, value FROM meta");
  if (!s) return Error(path.string() + ": not a ksim sweep file (no meta table)");
  std::map<std::string, std::string> out;
  while (sqlite3_step(s->get()) == SQLITE_ROW) {
    out[db::column_text(s->get(), 0)] = db::column_text(s->get(), 1);
  }
  if (out["format"] != kFormat) {
    return Error(path.string() + ": not a ksim sweep file (meta format is '" + out["format"] +
                 "')");
  }
  return out;
}

std::expected<SweepInfo, std::string> info_of(std::map<std::string, std::string>& meta,
                                              const fs::path& path) {
  SweepInfo info;
  info.scenario = meta["scenario"];
  info.scenario_file = meta["scenario_file"];
  info.duration = meta["duration"];
  info.ksim_version = meta["ksim_version"];
  try {
    info.grid_size = std::stoull(meta["grid_size"]);
    for (const auto& p : nlohmann::json::parse(meta["parameters"])) {
      info.parameters.push_back(
          {p.at("key").get<std::string>(), p.at("values").get<std::vector<std::string>>()});
    }
  } catch (const std::exception& e) {
    return Error(path.string() + ": broken sweep meta: " + e.what());
  }
  return info;
}

std::expected<void, std::string> read_routes(sqlite3* d, const fs::path& path,
                                             std::vector<PointResult>& points) {
  auto s = db::prepare(d, path,
                       "SELECT idx, route, requests, errors, p50_ms, p95_ms, p99_ms FROM "
                       "point_routes ORDER BY idx, rowid");
  if (!s) return Error(s.error());
  while (sqlite3_step(s->get()) == SQLITE_ROW) {
    const auto idx = static_cast<std::size_t>(sqlite3_column_int64(s->get(), 0));
    auto p = std::find_if(points.begin(), points.end(),
                          [&](const PointResult& x) { return x.index == idx; });
    if (p == points.end()) return Error(path.string() + ": route of an unknown point");
    p->routes.push_back({db::column_text(s->get(), 1),
                         static_cast<std::uint64_t>(sqlite3_column_int64(s->get(), 2)),
                         static_cast<std::uint64_t>(sqlite3_column_int64(s->get(), 3)),
                         sqlite3_column_double(s->get(), 4), sqlite3_column_double(s->get(), 5),
                         sqlite3_column_double(s->get(), 6)});
  }
  return {};
}

}  // namespace

std::expected<void, std::string> write_sweep_file(const fs::path& path, const SweepFile& file) {
  const fs::path partial = path.string() + ".partial-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove(partial, ec);
  {
    auto d = db::open_db(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!d) return Error(d.error());
    if (auto r = write_tables(d->get(), partial, file); !r) {
      d->reset();
      fs::remove(partial, ec);
      return Error(r.error());
    }
  }
  fs::rename(partial, path, ec);
  if (ec) {
    fs::remove(partial, ec);
    return Error(path.string() + ": cannot write: " + ec.message());
  }
  return {};
}

bool is_sweep_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  auto d = db::open_db(path, SQLITE_OPEN_READONLY);
  return d && read_meta(d->get(), path).has_value();
}

std::expected<SweepFile, std::string> read_sweep_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return Error(path.string() + ": no such file");
  auto d = db::open_db(path, SQLITE_OPEN_READONLY);
  if (!d) return Error(d.error());
  auto meta = read_meta(d->get(), path);
  if (!meta) return Error(meta.error());
  auto info = info_of(*meta, path);
  if (!info) return Error(info.error());
  SweepFile f;
  f.info = std::move(*info);
  f.pareto_among_slo_pass = (*meta)["pareto_among"] != "all";
  std::string sql = "SELECT idx";
  for (const Parameter& p : f.info.parameters) sql += ", " + quote_ident(p.key);
  sql +=
      ", cost_dollars, requests, errors, error_rate, worst_p99_ms, peak_nodes, nodeclaims, "
      "expectations_passed, expectations_failed, slo_pass, pareto FROM points ORDER BY idx";
  auto s = db::prepare(d->get(), path, sql);
  if (!s) return Error(s.error());
  while (sqlite3_step(s->get()) == SQLITE_ROW) {
    sqlite3_stmt* r = s->get();
    PointResult p;
    int col = 0;
    p.index = static_cast<std::size_t>(sqlite3_column_int64(r, col++));
    for (const Parameter& param : f.info.parameters) {
      p.point.emplace_back(param.key, db::column_text(r, col++));
    }
    p.cost_dollars = sqlite3_column_double(r, col++);
    p.requests = static_cast<std::uint64_t>(sqlite3_column_int64(r, col++));
    p.errors = static_cast<std::uint64_t>(sqlite3_column_int64(r, col++));
    p.error_rate = sqlite3_column_double(r, col++);
    p.worst_p99_ms = sqlite3_column_double(r, col++);
    p.peak_nodes = static_cast<std::uint64_t>(sqlite3_column_int64(r, col++));
    p.nodeclaims = static_cast<std::uint64_t>(sqlite3_column_int64(r, col++));
    p.expectations_passed = static_cast<std::uint32_t>(sqlite3_column_int64(r, col++));
    p.expectations_failed = static_cast<std::uint32_t>(sqlite3_column_int64(r, col++));
    p.slo_pass = sqlite3_column_int(r, col++) != 0;
    p.pareto = sqlite3_column_int(r, col++) != 0;
    f.points.push_back(std::move(p));
  }
  if (auto r = read_routes(d->get(), path, f.points); !r) return Error(r.error());
  return f;
}

std::expected<SweepFile, std::string> merge_sweep_files(const std::vector<fs::path>& paths) {
  SweepFile out;
  std::map<std::size_t, std::string> seen;  // index -> file
  for (std::size_t i = 0; i < paths.size(); ++i) {
    auto f = read_sweep_file(paths[i]);
    if (!f) return Error(f.error());
    if (i == 0) {
      out.info = f->info;
    } else {
      const SweepInfo& a = out.info;
      const SweepInfo& b = f->info;
      const char* differs = a.scenario != b.scenario       ? "scenario"
                            : a.parameters != b.parameters ? "parameters"
                            : a.grid_size != b.grid_size   ? "grid size"
                            : a.duration != b.duration     ? "duration"
                                                           : nullptr;
      if (differs != nullptr) {
        return Error(paths[i].string() + ": not of the same sweep as " + paths[0].string() +
                     " (the " + differs + " differ)");
      }
    }
    for (PointResult& p : f->points) {
      if (p.index >= out.info.grid_size) {
        return Error(paths[i].string() + ": point " + std::to_string(p.index) +
                     " is outside the grid");
      }
      if (auto [it, fresh] = seen.emplace(p.index, paths[i].string()); !fresh) {
        return Error(paths[i].string() + ": point " + std::to_string(p.index) + " is also in " +
                     it->second);
      }
      out.points.push_back(std::move(p));
    }
  }
  std::sort(out.points.begin(), out.points.end(),
            [](const PointResult& a, const PointResult& b) { return a.index < b.index; });
  out.pareto_among_slo_pass = mark_pareto(out.points);
  return out;
}

}  // namespace ksim::sweep
