// A small Prometheus metrics registry: counters, gauges and histograms with
// labels, callback metrics, and the text exposition format 0.0.4.
//
// Lock-light by design: a series is one or a few atomics; resolving a label
// set (Family::with) takes the family's mutex and is meant for set-up time
// (route registration), after which the hot path only touches atomics.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ksim::services::http {

// Monotonic count of events.
class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Default latency buckets, in seconds (upper bounds; +Inf is implicit).
inline constexpr double kLatencyBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};

// Observations counted per bucket; `bounds` are strictly increasing upper bounds.
class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds);
  // Counts `v` in the first bucket whose bound is >= v (+Inf otherwise).
  void observe(double v);
  std::span<const double> bounds() const { return bounds_; }
  // Cumulative count of observations <= bounds()[i]; i == bounds().size() is +Inf.
  std::uint64_t cumulative(std::size_t i) const;
  std::uint64_t count() const { return cumulative(bounds_.size()); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::span<const double> bounds_;                         // points into the family's copy
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0.0};
};

// All series of one metric name, keyed by label values.
template <class M>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> bounds = {});
  // The series for these label values (positional, one per label name),
  // created on first use; the reference stays valid for the registry's life.
  // Aborts on a wrong number of values (a programming error).
  M& with(std::initializer_list<std::string_view> values);
  M& with(std::span<const std::string> values);

  // Appends this family in text format 0.0.4.
  void expose(std::string& out) const;

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;  // histograms only
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::size_t> index_;
  std::deque<std::pair<std::vector<std::string>, std::unique_ptr<M>>> series_;  // creation order
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

enum class MetricType { kCounter, kGauge };

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Registers a family, or returns the existing one with the same name.
  // Names and label names must be valid Prometheus names; a name reused with
  // another type throws std::invalid_argument (start-up error).
  CounterFamily& counter(std::string_view name, std::string_view help,
                         std::vector<std::string> label_names = {});
  GaugeFamily& gauge(std::string_view name, std::string_view help,
                     std::vector<std::string> label_names = {});
  HistogramFamily& histogram(std::string_view name, std::string_view help,
                             std::vector<std::string> label_names,
                             std::span<const double> bounds = kLatencyBuckets);
  // A single unlabelled series whose value `read` returns at scrape time
  // (called on the scraping thread; must be thread-safe).
  void callback(std::string_view name, std::string_view help, MetricType type,
                std::function<double()> read);

  // Every family in registration order, text format 0.0.4.
  std::string expose() const;

 private:
  struct Entry;
  Entry& find_or_add(std::string_view name, int kind);

  mutable std::mutex mutex_;
  std::deque<std::unique_ptr<Entry>> entries_;
};

// Adds process_cpu_seconds_total (getrusage, user + system) and
// process_resident_memory_bytes (/proc/self/statm) as callbacks.
void add_process_metrics(MetricsRegistry& registry);

// Label value escaping of the text format: backslash, double quote, newline.
std::string escape_label_value(std::string_view value);
// Shortest round-trip text of `v`, with NaN, +Inf and -Inf spelled as Prometheus does.
std::string format_value(double v);

}  // namespace ksim::services::http
