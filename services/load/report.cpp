// to_json, print_table, write_atomically, to_csv (report.h).
#include "ksim/services/load/report.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace ksim::services::load {
namespace {

double ms(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }
double us_to_ms(std::uint64_t us) { return static_cast<double>(us) / 1e3; }

// More windows than this go to --json only (a day in 10 s windows is 8640 rows).
constexpr std::size_t kMaxTableWindows = 120;

struct Quantile {
  const char* name;
  double q;
};
constexpr Quantile kQuantiles[] = {
    {"p50", 0.5}, {"p90", 0.9}, {"p95", 0.95}, {"p99", 0.99}, {"p999", 0.999}};

// Percentiles, max and mean in ms of a histogram in units of `per_ms` per ms.
template <class H>
nlohmann::json latency_json(const H& h, double per_ms = 1e6) {
  nlohmann::json j;
  for (const auto& [name, q] : kQuantiles) j[name] = static_cast<double>(h.quantile(q)) / per_ms;
  j["max"] = static_cast<double>(h.max()) / per_ms;
  j["mean"] = h.mean() / per_ms;
  return j;
}

nlohmann::json stats_json(const RouteStats& s, double seconds) {
  nlohmann::json j;
  j["requests"] = s.requests;
  j["responses"] = s.responses();
  j["achieved_rps"] = seconds > 0 ? static_cast<double>(s.responses()) / seconds : 0.0;
  nlohmann::json classes = nlohmann::json::object();
  for (std::size_t c = 1; c < s.classes.size(); ++c)
    if (s.classes[c] > 0) classes[std::to_string(c) + "xx"] = s.classes[c];
  if (s.classes[0] > 0) classes["other"] = s.classes[0];
  j["status_classes"] = classes;
  nlohmann::json codes = nlohmann::json::object();
  for (std::size_t c = 0; c < s.codes.size(); ++c)
    if (s.codes[c] > 0) codes[std::to_string(c)] = s.codes[c];
  j["status_codes"] = codes;
  nlohmann::json errors = nlohmann::json::object();
  for (std::size_t k = 1; k < kErrorKinds; ++k)
    errors[std::string(error_name(static_cast<ErrorKind>(k)))] = s.errors[k];
  j["errors"] = errors;
  j["latency_ms"] = latency_json(s.latency);
  j["service_ms"] = latency_json(s.service);
  return j;
}

std::string fixed(double v, int digits) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}

void print_row(std::ostream& out, const std::string& name, const RouteStats& s, double seconds) {
  const std::uint64_t ok = s.classes[2] + s.classes[3];
  out << std::left << std::setw(34) << name << std::right << std::setw(9) << s.requests
      << std::setw(9) << fixed(seconds > 0 ? static_cast<double>(s.responses()) / seconds : 0, 1)
      << std::setw(8) << ok << std::setw(7) << s.classes[4] << std::setw(7) << s.classes[5]
      << std::setw(7) << s.error_count();
  for (const auto& q : kQuantiles) out << std::setw(9) << fixed(ms(s.latency.quantile(q.q)), 2);
  out << std::setw(9) << fixed(ms(s.latency.max()), 2) << std::setw(9)
      << fixed(ms(s.service.quantile(0.99)), 2) << "\n";
}

}  // namespace

nlohmann::json to_json(const RunResult& r) {
  const double seconds = static_cast<double>(r.elapsed_ns) / 1e9;
  nlohmann::json j;
  j["scheduled"] = r.scheduled;
  j["elapsed_s"] = seconds;
  j["schedule_length_s"] = static_cast<double>(r.length_ns) / 1e9;
  j["connections_opened"] = r.connections_opened;
  j["stopped_early"] = r.stopped_early;
  j["max_dispatch_lag_ms"] =
      ms(static_cast<std::uint64_t>(std::max<std::int64_t>(0, r.max_dispatch_lag_ns)));
  j["overall"] = stats_json(r.recorder.overall(), seconds);
  j["routes"] = nlohmann::json::array();
  for (std::size_t i = 0; i < r.routes.size(); ++i) {
    nlohmann::json route = stats_json(r.recorder.routes()[i], seconds);
    route["method"] = r.routes[i].method;
    route["path"] = r.routes[i].path;
    j["routes"].push_back(std::move(route));
  }
  const double window_s = static_cast<double>(r.recorder.window_ns()) / 1e9;
  j["window_s"] = window_s;
  j["windows"] = nlohmann::json::array();
  for (std::size_t i = 0; i < r.recorder.windows().size(); ++i) {
    const WindowStats& w = r.recorder.windows()[i];
    j["windows"].push_back({{"start_s", static_cast<double>(i) * window_s},
                            {"requests", w.requests},
                            {"errors", w.errors},
                            {"2xx", w.classes[2]},
                            {"4xx", w.classes[4]},
                            {"5xx", w.classes[5]},
                            {"latency_ms", latency_json(w.latency_us, 1e3)}});
  }
  return j;
}

void print_table(std::ostream& out, const RunResult& r) {
  const double seconds = static_cast<double>(r.elapsed_ns) / 1e9;
  out << "ksim-load: " << r.scheduled << " requests in " << fixed(seconds, 2) << " s, "
      << r.connections_opened << " connections opened; latency from the intended send time (ms)\n";
  out << std::left << std::setw(34) << "route" << std::right << std::setw(9) << "requests"
      << std::setw(9) << "rps" << std::setw(8) << "2xx/3xx" << std::setw(7) << "4xx" << std::setw(7)
      << "5xx" << std::setw(7) << "errors";
  for (const auto& q : kQuantiles) out << std::setw(9) << q.name;
  out << std::setw(9) << "max" << std::setw(9) << "svc p99"
      << "\n";
  for (std::size_t i = 0; i < r.routes.size(); ++i)
    print_row(out, r.routes[i].method + " " + r.routes[i].path, r.recorder.routes()[i], seconds);
  const RouteStats all = r.recorder.overall();
  print_row(out, "all", all, seconds);
  if (all.error_count() > 0) {
    out << "errors:";
    for (std::size_t k = 1; k < kErrorKinds; ++k)
      out << " " << error_name(static_cast<ErrorKind>(k)) << " " << all.errors[k];
    out << "\n";
  }
  if (r.recorder.windows().size() <= 1) return;
  if (r.recorder.windows().size() > kMaxTableWindows) {
    out << r.recorder.windows().size() << " windows: see --json\n";
    return;
  }
  const double window_s = static_cast<double>(r.recorder.window_ns()) / 1e9;
  out << "\n"
      << std::setw(10) << "window s" << std::setw(10) << "requests" << std::setw(8) << "errors"
      << std::setw(7) << "5xx" << std::setw(9) << "p50" << std::setw(9) << "p99" << std::setw(9)
      << "max"
      << "\n";
  for (std::size_t i = 0; i < r.recorder.windows().size(); ++i) {
    const WindowStats& w = r.recorder.windows()[i];
    out << std::setw(10) << fixed(static_cast<double>(i) * window_s, 1) << std::setw(10)
        << w.requests << std::setw(8) << w.errors << std::setw(7) << w.classes[5] << std::setw(9)
        << fixed(us_to_ms(w.latency_us.quantile(0.5)), 2) << std::setw(9)
        << fixed(us_to_ms(w.latency_us.quantile(0.99)), 2) << std::setw(9)
        << fixed(us_to_ms(w.latency_us.max()), 2) << "\n";
  }
}

std::expected<void, std::string> write_atomically(const std::filesystem::path& file,
                                                  const std::string& text) {
  std::filesystem::path tmp = file;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      return std::unexpected(file.string() + ": cannot write");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return std::unexpected(file.string() + ": cannot write: " + ec.message());
  }
  return {};
}

std::string to_csv(const RunResult& r) {
  std::string out = "intended_ms,sent_ms,latency_ms,service_ms,status,error,method,path\n";
  char line[160];
  for (const RequestRecord& rec : r.recorder.records()) {
    const Route& route = r.routes[rec.route];
    const double intended = static_cast<double>(rec.intended_ns) / 1e6;
    const double latency = static_cast<double>(rec.done_ns - rec.intended_ns) / 1e6;
    if (rec.sent_ns >= 0) {
      const double sent = static_cast<double>(rec.sent_ns) / 1e6;
      std::snprintf(line, sizeof line, "%.3f,%.3f,%.3f,%.3f,", intended, sent, latency,
                    static_cast<double>(rec.done_ns - rec.sent_ns) / 1e6);
    } else {
      std::snprintf(line, sizeof line, "%.3f,,%.3f,,", intended, latency);
    }
    out += line;
    out += std::to_string(rec.status) + "," + std::string(error_name(rec.error)) + "," +
           route.method + "," + route.path + "\n";
  }
  return out;
}

}  // namespace ksim::services::load
