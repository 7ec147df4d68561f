#include "ksim/services/http/metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace ksim::services::http {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string escape_help(std::string_view help) {
  std::string out;
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void append_header(std::string& out, std::string_view name, std::string_view help,
                   std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += escape_help(help);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// name{a="x",b="y"[,le="…"]} — the label block, empty when there are no labels.
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view le = {}) {
  if (names.empty() && le.empty()) return;
  out += '{';
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out += '"';
  }
  if (!le.empty()) {
    if (!names.empty()) out += ',';
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void expose_series(std::string& out, const std::string& name, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, const Counter& c) {
  out += name;
  append_labels(out, names, values);
  out += ' ';
  append_uint(out, c.value());
  out += '\n';
}

void expose_series(std::string& out, const std::string& name, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, const Gauge& g) {
  out += name;
  append_labels(out, names, values);
  out += ' ';
  out += format_value(g.value());
  out += '\n';
}

void expose_series(std::string& out, const std::string& name, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, const Histogram& h) {
  // Read the buckets once so _count equals the +Inf bucket even while
  // observations race with the scrape.
  std::vector<std::uint64_t> cumulative(h.bounds().size() + 1);
  for (std::size_t i = 0; i < cumulative.size(); ++i) cumulative[i] = h.cumulative(i);
  for (std::size_t i = 0; i < cumulative.size(); ++i) {
    out += name;
    out += "_bucket";
    append_labels(out, names, values, i < h.bounds().size() ? format_value(h.bounds()[i]) : "+Inf");
    out += ' ';
    append_uint(out, cumulative[i]);
    out += '\n';
  }
  out += name;
  out += "_sum";
  append_labels(out, names, values);
  out += ' ';
  out += format_value(h.sum());
  out += '\n';
  out += name;
  out += "_count";
  append_labels(out, names, values);
  out += ' ';
  append_uint(out, cumulative.back());
  out += '\n';
}

template <class M>
constexpr std::string_view kTypeText = "";
template <>
constexpr std::string_view kTypeText<Counter> = "counter";
template <>
constexpr std::string_view kTypeText<Gauge> = "gauge";
template <>
constexpr std::string_view kTypeText<Histogram> = "histogram";

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Shortest round trip, but 0.0005 rather than 5e-04 where both are as exact.
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
  return std::string(buf, r.ptr);
}

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds), buckets_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
  for (std::size_t i = 0; i <= bounds.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) {
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::uint64_t Histogram::cumulative(std::size_t i) const {
  std::uint64_t total = 0;
  for (std::size_t b = 0; b <= i && b <= bounds_.size(); ++b) {
    total += buckets_[b].load(std::memory_order_relaxed);
  }
  return total;
}

template <class M>
Family<M>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)) {}

template <class M>
M& Family<M>::with(std::initializer_list<std::string_view> values) {
  std::vector<std::string> key(values.begin(), values.end());
  return with(std::span<const std::string>(key));
}

template <class M>
M& Family<M>::with(std::span<const std::string> values) {
  if (values.size() != label_names_.size()) {
    std::fprintf(stderr, "metrics: %s takes %zu label values, got %zu\n", name_.c_str(),
                 label_names_.size(), values.size());
    std::abort();
  }
  std::vector<std::string> key(values.begin(), values.end());
  const std::lock_guard lock(mutex_);
  const auto it = index_.find(key);
  if (it != index_.end()) return *series_[it->second].second;
  std::unique_ptr<M> metric;
  if constexpr (std::is_same_v<M, Histogram>) {
    metric = std::make_unique<M>(std::span<const double>(bounds_));
  } else {
    metric = std::make_unique<M>();
  }
  index_.emplace(key, series_.size());
  series_.emplace_back(std::move(key), std::move(metric));
  return *series_.back().second;
}

template <class M>
void Family<M>::expose(std::string& out) const {
  append_header(out, name_, help_, kTypeText<M>);
  const std::lock_guard lock(mutex_);
  for (const auto& [values, metric] : series_) {
    expose_series(out, name_, label_names_, values, *metric);
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct MetricsRegistry::Entry {
  std::string name;
  int kind = 0;  // 0 counter, 1 gauge, 2 histogram, 3 callback
  std::unique_ptr<CounterFamily> counter;
  std::unique_ptr<GaugeFamily> gauge;
  std::unique_ptr<HistogramFamily> histogram;
  std::string help;
  MetricType callback_type = MetricType::kGauge;
  std::function<double()> read;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Entry& MetricsRegistry::find_or_add(std::string_view name, int kind) {
  if (!valid_name(name)) throw std::invalid_argument("bad metric name '" + std::string(name) + "'");
  for (const auto& e : entries_) {
    if (e->name != name) continue;
    if (e->kind != kind || kind == 3) {
      throw std::invalid_argument("metric '" + std::string(name) + "' is already registered");
    }
    return *e;
  }
  auto& e = *entries_.emplace_back(std::make_unique<Entry>());
  e.name = std::string(name);
  e.kind = kind;
  return e;
}

namespace {
void check_labels(const std::vector<std::string>& names) {
  for (const auto& n : names) {
    if (!valid_name(n) || n.find(':') != std::string::npos || n == "le") {
      throw std::invalid_argument("bad label name '" + n + "'");
    }
  }
}
}  // namespace

CounterFamily& MetricsRegistry::counter(std::string_view name, std::string_view help,
                                        std::vector<std::string> label_names) {
  check_labels(label_names);
  const std::lock_guard lock(mutex_);
  Entry& e = find_or_add(name, 0);
  if (!e.counter) {
    e.counter = std::make_unique<CounterFamily>(e.name, std::string(help), std::move(label_names));
  }
  return *e.counter;
}

GaugeFamily& MetricsRegistry::gauge(std::string_view name, std::string_view help,
                                    std::vector<std::string> label_names) {
  check_labels(label_names);
  const std::lock_guard lock(mutex_);
  Entry& e = find_or_add(name, 1);
  if (!e.gauge) {
    e.gauge = std::make_unique<GaugeFamily>(e.name, std::string(help), std::move(label_names));
  }
  return *e.gauge;
}

HistogramFamily& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                            std::vector<std::string> label_names,
                                            std::span<const double> bounds) {
  check_labels(label_names);
  for (std::size_t i = 1; i < bounds.size(); ++i) {
    if (!(bounds[i - 1] < bounds[i])) throw std::invalid_argument("histogram bounds must increase");
  }
  const std::lock_guard lock(mutex_);
  Entry& e = find_or_add(name, 2);
  if (!e.histogram) {
    e.histogram =
        std::make_unique<HistogramFamily>(e.name, std::string(help), std::move(label_names),
                                          std::vector<double>(bounds.begin(), bounds.end()));
  }
  return *e.histogram;
}

void MetricsRegistry::callback(std::string_view name, std::string_view help, MetricType type,
                               std::function<double()> read) {
  const std::lock_guard lock(mutex_);
  Entry& e = find_or_add(name, 3);
  e.help = std::string(help);
  e.callback_type = type;
  e.read = std::move(read);
}

std::string MetricsRegistry::expose() const {
  std::string out;
  const std::lock_guard lock(mutex_);
  for (const auto& e : entries_) {
    if (e->counter) e->counter->expose(out);
    if (e->gauge) e->gauge->expose(out);
    if (e->histogram) e->histogram->expose(out);
    if (e->kind == 3) {
      append_header(out, e->name, e->help,
                    e->callback_type == MetricType::kCounter ? "counter" : "gauge");
      out += e->name;
      out += ' ';
      out += format_value(e->read());
      out += '\n';
    }
  }
  return out;
}

void add_process_metrics(MetricsRegistry& registry) {
  registry.callback("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                    MetricType::kCounter, [] {
                      rusage usage{};
                      getrusage(RUSAGE_SELF, &usage);
                      const auto secs = [](const timeval& tv) {
                        return static_cast<double>(tv.tv_sec) +
                               static_cast<double>(tv.tv_usec) / 1e6;
                      };
                      return secs(usage.ru_utime) + secs(usage.ru_stime);
                    });
  registry.callback(
      "process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::kGauge, [] {
        long pages = 0;
        long resident = 0;
        if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
          if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
          std::fclose(f);
        }
        return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
      });
}

}  // namespace ksim::services::http
