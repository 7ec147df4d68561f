// Recorder (recorder.h).
#include "ksim/services/load/recorder.h"

#include <algorithm>

namespace ksim::services::load {
namespace {

std::size_t class_of(unsigned status) { return status >= 100 && status < 600 ? status / 100 : 0; }

template <std::size_t N>
void add(std::array<std::uint64_t, N>& into, const std::array<std::uint64_t, N>& from) {
  for (std::size_t i = 0; i < N; ++i) into[i] += from[i];
}

std::uint64_t positive(std::int64_t ns) { return ns > 0 ? static_cast<std::uint64_t>(ns) : 0; }

}  // namespace

std::string_view error_name(ErrorKind k) {
  switch (k) {
    case ErrorKind::kNone:
      return "";
    case ErrorKind::kConnect:
      return "connect";
    case ErrorKind::kReset:
      return "reset";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kProtocol:
      return "protocol";
  }
  return "";
}

std::uint64_t RouteStats::error_count() const {
  std::uint64_t n = 0;
  for (auto e : errors) n += e;
  return n;
}

void RouteStats::merge(const RouteStats& other) {
  latency.merge(other.latency);
  service.merge(other.service);
  requests += other.requests;
  add(classes, other.classes);
  add(codes, other.codes);
  add(errors, other.errors);
}

void WindowStats::merge(const WindowStats& other) {
  latency_us.merge(other.latency_us);
  requests += other.requests;
  add(classes, other.classes);
  errors += other.errors;
}

Recorder::Recorder(std::size_t routes, std::int64_t window_ns, bool keep_records)
    : routes_(routes),
      window_ns_(window_ns > 0 ? window_ns : 10'000'000'000),
      keep_records_(keep_records) {}

WindowStats& Recorder::window_of(std::int64_t intended) {
  const auto i = static_cast<std::size_t>(std::max<std::int64_t>(0, intended) / window_ns_);
  if (i >= windows_.size()) windows_.resize(i + 1);
  return windows_[i];
}

void Recorder::response(std::uint32_t route, std::int64_t intended, std::int64_t sent,
                        std::int64_t done, unsigned status) {
  RouteStats& r = routes_[route];
  const std::uint64_t latency = positive(done - intended);
  r.latency.record(latency);
  r.service.record(positive(done - sent));
  ++r.requests;
  const std::size_t c = class_of(status);
  ++r.classes[c];
  if (c != 0) ++r.codes[status];
  WindowStats& w = window_of(intended);
  w.latency_us.record(latency / 1000);
  ++w.requests;
  ++w.classes[c];
  if (keep_records_)
    records_.push_back(
        {intended, sent, done, route, static_cast<std::uint16_t>(status), ErrorKind::kNone});
}

void Recorder::error(std::uint32_t route, std::int64_t intended, std::int64_t sent,
                     std::int64_t done, ErrorKind kind) {
  RouteStats& r = routes_[route];
  ++r.requests;
  ++r.errors[static_cast<std::size_t>(kind)];
  WindowStats& w = window_of(intended);
  ++w.requests;
  ++w.errors;
  if (keep_records_) records_.push_back({intended, sent, done, route, 0, kind});
}

void Recorder::merge(Recorder&& other) {
  for (std::size_t i = 0; i < routes_.size() && i < other.routes_.size(); ++i)
    routes_[i].merge(other.routes_[i]);
  if (other.windows_.size() > windows_.size()) windows_.resize(other.windows_.size());
  for (std::size_t i = 0; i < other.windows_.size(); ++i) windows_[i].merge(other.windows_[i]);
  records_.insert(records_.end(), other.records_.begin(), other.records_.end());
}

RouteStats Recorder::overall() const {
  RouteStats all;
  for (const RouteStats& r : routes_) all.merge(r);
  return all;
}

void Recorder::sort_records() {
  std::stable_sort(
      records_.begin(), records_.end(),
      [](const RequestRecord& a, const RequestRecord& b) { return a.intended_ns < b.intended_ns; });
}

}  // namespace ksim::services::load
