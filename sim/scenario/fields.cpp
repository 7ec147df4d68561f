// Field readers shared by the scenario's sections: durations, non-negative
// numbers, distributions, HTTP methods and paths, file references.
#include <algorithm>
#include <array>
#include <cctype>
#include <system_error>

#include "readers.h"

namespace ksim::scenario::detail {
namespace {

namespace fs = std::filesystem;
using manifest::yaml::ScalarKind;

constexpr std::array<std::string_view, 7> kMethods = {"GET",    "POST", "PUT",    "PATCH",
                                                      "DELETE", "HEAD", "OPTIONS"};

// One parameter of a distribution, in the field's unit.
std::optional<double> read_value(const Field& f, Unit unit) {
  if (unit == Unit::kBytes) return read_non_negative(f);
  return read_duration(f).transform(
      [](Duration d) { return static_cast<double>(d.count()) / 1000.0; });
}

// The parameters that `kind` reads, after "dist".
std::vector<std::string_view> params_of(DistributionKind kind) {
  switch (kind) {
    case DistributionKind::kConstant:
      return {"value"};
    case DistributionKind::kExponential:
      return {"mean"};
    case DistributionKind::kLogNormal:
      return {"mean", "sd"};
    case DistributionKind::kBoundedPareto:
      return {"alpha", "min", "max"};
    case DistributionKind::kUniform:
      return {"min", "max"};
  }
  return {};
}

double* param_slot(DistributionSpec& spec, std::string_view name) {
  if (name == "value") return &spec.value;
  if (name == "mean") return &spec.mean;
  if (name == "sd") return &spec.sd;
  if (name == "alpha") return &spec.alpha;
  if (name == "min") return &spec.min;
  return &spec.max;
}

std::optional<DistributionKind> read_kind(const Field& f) {
  auto dist = f.require("dist");
  if (!dist) return std::nullopt;
  auto s = dist->str();
  if (!s) return std::nullopt;
  for (auto k :
       {DistributionKind::kConstant, DistributionKind::kExponential, DistributionKind::kLogNormal,
        DistributionKind::kBoundedPareto, DistributionKind::kUniform}) {
    if (*s == to_string(k)) return k;
  }
  dist->fail("expected constant, exponential, lognormal, pareto or uniform, got '" + *s + "'");
  return std::nullopt;
}

// A mapping {dist: kind, parameters...}; nullopt after errors.
std::optional<DistributionSpec> read_spec_map(const Field& f, Unit unit) {
  auto kind = read_kind(f);
  if (!kind) return std::nullopt;
  DistributionSpec spec;
  spec.kind = *kind;
  const std::vector<std::string_view> params = params_of(*kind);
  bool ok = true;
  for (auto& [key, value] : f.entries()) {
    if (key != "dist" && std::find(params.begin(), params.end(), key) == params.end()) {
      std::string list;
      for (const std::string_view p : params) list += ", " + std::string(p);
      value.fail_at_key("unknown field for " + std::string(to_string(*kind)) + " (known: dist" +
                        list + ")");
      ok = false;
    }
  }
  for (const std::string_view p : params) {
    auto c = f.require(p);
    // The shape of a Pareto is a plain number whatever the field's unit.
    auto v = !c ? std::nullopt : (p == "alpha" ? c->number() : read_value(*c, unit));
    if (v) *param_slot(spec, p) = *v;
    ok = ok && v.has_value();
  }
  if (!ok) return std::nullopt;
  return spec;
}

bool is_http_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("-._~!$&'()+,;=:@%").find(c) != std::string_view::npos;
}

// Checks one segment of a path; returns an error sentence or "".
std::string check_segment(std::string_view seg, bool pattern, bool last) {
  if (pattern && seg == "**") return last ? "" : "'**' must be the last segment";
  if (pattern && seg == "*") return "";
  if (pattern && seg.starts_with('{')) {
    const bool named = seg.size() > 2 && seg.back() == '}' &&
                       std::all_of(seg.begin() + 1, seg.end() - 1, [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                       });
    return named ? ""
                 : "a parameter must be a whole segment like {id}, got '" + std::string(seg) + "'";
  }
  if (!std::all_of(seg.begin(), seg.end(), is_http_token_char)) {
    return "unexpected character in segment '" + std::string(seg) + "'";
  }
  return "";
}

}  // namespace

std::optional<Duration> read_duration(const Field& f) {
  const ScalarKind k =
      f.node().IsScalar() ? manifest::yaml::scalar_kind(f.node()) : ScalarKind::kNull;
  if (k == ScalarKind::kInt && f.node().Scalar() == "0") return Duration{0};
  if (k != ScalarKind::kString) {
    const bool number = k == ScalarKind::kInt || k == ScalarKind::kFloat;
    f.fail("expected a duration like 30s or 250ms, got " + f.describe() +
           (number ? " (add a unit)" : ""));
    return std::nullopt;
  }
  auto d = parse_duration(f.node().Scalar());
  if (!d) {
    f.fail(d.error());
    return std::nullopt;
  }
  if (d->count() < 0) {
    f.fail("must not be negative, got '" + f.node().Scalar() + "'");
    return std::nullopt;
  }
  return *d;
}

std::optional<Duration> read_positive_duration(const Field& f) {
  auto d = read_duration(f);
  if (d && d->count() == 0) {
    f.fail("must be greater than 0");
    return std::nullopt;
  }
  return d;
}

void set_duration(const Field& f, std::string_view key, Duration& out) {
  if (auto c = f.get(key))
    if (auto d = read_duration(*c)) out = *d;
}

void fail_child_value(const Field& f, std::string_view key, std::string message) {
  if (auto c = f.get(key)) {
    c->fail(std::move(message));
  } else {
    f.fail_child(key, std::move(message));
  }
}

std::optional<double> read_non_negative(const Field& f) {
  auto v = f.number();
  if (v && *v < 0) {
    f.fail("must be greater than or equal to 0, got " + f.node().Scalar());
    return std::nullopt;
  }
  return v;
}

void set_non_negative(const Field& f, std::string_view key, double& out) {
  if (auto c = f.get(key))
    if (auto v = read_non_negative(*c)) out = *v;
}

void set_count(const Field& f, std::string_view key, std::int32_t& out) {
  auto c = f.get(key);
  if (!c) return;
  auto v = c->int32();
  if (v && *v < 1) c->fail("must be at least 1, got " + std::to_string(*v));
  if (v && *v >= 1) out = *v;
}

std::optional<Distribution> read_distribution(const Field& f, Unit unit) {
  std::optional<DistributionSpec> spec;
  if (f.is_map()) {
    spec = read_spec_map(f, unit);
  } else if (auto v = read_value(f, unit)) {
    spec = DistributionSpec{.value = *v};
  }
  if (!spec) return std::nullopt;
  auto d = Distribution::create(*spec);
  if (!d) {
    f.fail(d.error() + (unit == Unit::kMilliseconds ? " (in milliseconds)" : " (in bytes)"));
    return std::nullopt;
  }
  return *d;
}

std::optional<std::string> read_method(const Field& f, bool allow_any) {
  auto s = f.str();
  if (!s) return std::nullopt;
  if ((allow_any && *s == "*") || std::find(kMethods.begin(), kMethods.end(), *s) != kMethods.end())
    return s;
  f.fail("expected an HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS" +
         std::string(allow_any ? " or *" : "") + "), got '" + *s + "'");
  return std::nullopt;
}

std::optional<std::string> read_path(const Field& f, bool pattern) {
  auto s = f.str();
  if (!s) return std::nullopt;
  if (!s->starts_with('/')) {
    f.fail("a path must start with '/', got '" + *s + "'");
    return std::nullopt;
  }
  std::string_view rest = std::string_view(*s).substr(1);
  // A request path may end in a query ("/api/compute?n=1000000", sent as
  // is by ksim-load); routing reads the path before it, as HTTP does.
  if (const std::size_t q = rest.find('?'); !pattern && q != std::string_view::npos) {
    const std::string_view query = rest.substr(q + 1);
    if (query.find_first_of(" \t#") != std::string_view::npos) {
      f.fail("a query must not hold spaces or '#', got '" + std::string(query) + "'");
      return std::nullopt;
    }
    rest = rest.substr(0, q);
  }
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    const std::string error = check_segment(seg, pattern, slash == std::string_view::npos);
    if (!error.empty()) {
      f.fail(error);
      return std::nullopt;
    }
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  }
  return s;
}

std::optional<fs::path> read_file_path(const Field& f, const fs::path& base) {
  auto s = f.str();
  if (!s) return std::nullopt;
  if (s->empty()) {
    f.fail("expected a file path, got ''");
    return std::nullopt;
  }
  const fs::path given(*s);
  const fs::path resolved = (given.is_absolute() ? given : base / given).lexically_normal();
  std::error_code ec;
  if (!fs::exists(resolved, ec)) {
    f.fail("no such file or folder: '" + resolved.string() + "'");
    return std::nullopt;
  }
  return resolved;
}

}  // namespace ksim::scenario::detail
