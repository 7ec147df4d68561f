// `podTrace:` and its CSV: a header naming the columns (at, duration, cpu,
// memory, optional name, in any order), then one pod per line; blank lines
// and '#' comments skipped. CSV errors name `file:line: column: message`.
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>

#include "ksim/control/quantity.h"
#include "readers.h"

namespace ksim::scenario::detail {
namespace {

constexpr std::size_t kNoColumn = SIZE_MAX;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  for (;;) {
    const std::size_t comma = line.find(',');
    out.push_back(trim(line.substr(0, comma)));
    if (comma == std::string_view::npos) return out;
    line.remove_prefix(comma + 1);
  }
}

// Seconds (a plain number >= 0) as microseconds; an error sentence otherwise.
std::string read_seconds(std::string_view s, Duration& out) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) {
    return "expected a number of seconds, got '" + std::string(s) + "'";
  }
  if (v < 0) return "must be greater than or equal to 0, got " + std::string(s);
  if (v > 9.2e12) return "too large: " + std::string(s);
  out = Duration{static_cast<std::int64_t>(std::llround(v * 1e6))};
  return "";
}

// A Kubernetes quantity >= 0; cpu as millicores, memory as bytes (rounded up,
// as Quantity.Value does).
std::string read_quantity(std::string_view s, bool milli, std::int64_t& out) {
  auto q = control::parse_quantity(s);
  if (!q) return "invalid quantity '" + std::string(s) + "': " + q.error();
  const std::int64_t m = q->milli_value();
  if (m < 0) return "must be greater than or equal to 0, got " + std::string(s);
  out = milli ? m : m / 1000 + (m % 1000 != 0 ? 1 : 0);
  return "";
}

struct Columns {
  std::size_t at = kNoColumn;
  std::size_t duration = kNoColumn;
  std::size_t cpu = kNoColumn;
  std::size_t memory = kNoColumn;
  std::size_t name = kNoColumn;
  std::vector<std::string> names;  // by position
};

// The header line; false (with errors) when a column is unknown, repeated or
// a required one missing.
bool read_header(std::string_view line, int number, const std::string& file, Columns& c,
                 std::vector<LoadError>& errors) {
  const std::size_t before = errors.size();
  const std::vector<std::string_view> cells = split(line);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string name(cells[i]);
    c.names.push_back(name);
    std::size_t* slot = name == "at"         ? &c.at
                        : name == "duration" ? &c.duration
                        : name == "cpu"      ? &c.cpu
                        : name == "memory"   ? &c.memory
                        : name == "name"     ? &c.name
                                             : nullptr;
    if (slot == nullptr) {
      errors.push_back(
          {file, number, "", name, "unknown column (expected at, duration, cpu, memory, name)"});
    } else if (*slot != kNoColumn) {
      errors.push_back({file, number, "", name, "column given twice"});
    } else {
      *slot = i;
    }
  }
  const std::pair<const char*, std::size_t> required[] = {
      {"at", c.at}, {"duration", c.duration}, {"cpu", c.cpu}, {"memory", c.memory}};
  for (const auto& [name, slot] : required) {
    if (slot == kNoColumn) errors.push_back({file, number, "", name, "required column missing"});
  }
  return errors.size() == before;
}

// One data line into `pod`; errors are pushed, false when there was one.
bool read_row(std::string_view line, int number, const std::string& file, const Columns& c,
              TracePod& pod, std::vector<LoadError>& errors) {
  const std::vector<std::string_view> cells = split(line);
  if (cells.size() != c.names.size()) {
    errors.push_back({file, number, "", "",
                      "expected " + std::to_string(c.names.size()) + " columns, got " +
                          std::to_string(cells.size())});
    return false;
  }
  const std::size_t before = errors.size();
  auto check = [&](std::size_t col, std::string error) {
    if (!error.empty()) errors.push_back({file, number, "", c.names[col], std::move(error)});
  };
  check(c.at, read_seconds(cells[c.at], pod.at));
  check(c.duration, read_seconds(cells[c.duration], pod.duration));
  check(c.cpu, read_quantity(cells[c.cpu], true, pod.cpu_milli));
  check(c.memory, read_quantity(cells[c.memory], false, pod.memory_bytes));
  if (c.name != kNoColumn) {
    pod.name = std::string(cells[c.name]);
    if (pod.name.empty()) check(c.name, "must not be empty");
  }
  return errors.size() == before;
}

std::vector<manifest::Toleration> read_tolerations(const Field& f) {
  std::vector<manifest::Toleration> out;
  for (const Field& t : f.items()) {
    if (!t.expect_map()) continue;
    check_known_keys(t, {"key", "operator", "value", "effect"});
    manifest::Toleration tol;
    set_str(t, "key", tol.key);
    if (auto op = one_of(t, "operator", {"Equal", "Exists"})) {
      tol.op = *op == "Exists" ? manifest::TolerationOperator::kExists
                               : manifest::TolerationOperator::kEqual;
    }
    set_str(t, "value", tol.value);
    if (tol.key.empty() && tol.op != manifest::TolerationOperator::kExists) {
      t.fail("a toleration without a key needs operator: Exists");
    }
    if (auto e = one_of(t, "effect", {"NoSchedule", "PreferNoSchedule", "NoExecute"})) {
      tol.effect = *e == "NoSchedule"         ? manifest::TaintEffect::kNoSchedule
                   : *e == "PreferNoSchedule" ? manifest::TaintEffect::kPreferNoSchedule
                                              : manifest::TaintEffect::kNoExecute;
    }
    out.push_back(std::move(tol));
  }
  return out;
}

}  // namespace

void read_pod_trace_csv(PodTrace& trace, std::vector<LoadError>& errors) {
  const std::string file = trace.csv.string();
  std::ifstream in(trace.csv);
  if (!in) {
    errors.push_back({file, 0, "", "", "cannot read the file"});
    return;
  }
  Columns columns;
  bool have_header = false;
  std::set<std::string, std::less<>> names;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string_view s = trim(line);
    if (s.empty() || s.front() == '#') continue;
    if (!have_header) {
      have_header = true;
      if (!read_header(s, number, file, columns, errors)) return;
      continue;
    }
    TracePod pod;
    if (!read_row(s, number, file, columns, pod, errors)) continue;
    const std::string name =
        pod.name.empty() ? "trace-" + std::to_string(trace.pods.size()) : pod.name;
    if (!names.insert(name).second) {
      errors.push_back({file, number, "", columns.name == kNoColumn ? "" : "name",
                        "duplicate pod name '" + name + "'"});
    }
    trace.pods.push_back(std::move(pod));
  }
  if (!have_header) errors.push_back({file, 0, "", "", "no header line (at,duration,cpu,memory)"});
}

PodTrace read_pod_trace(const Field& f, const Context& ctx) {
  PodTrace t;
  if (!f.expect_map()) return t;
  check_known_keys(f, {"csv", "namespace", "nodeSelector", "tolerations", "annotations",
                       "terminationGracePeriod"});
  bool csv_ok = false;
  if (auto c = f.require("csv")) {
    if (auto path = read_file_path(*c, ctx.base_dir)) {
      t.csv = *path;
      csv_ok = true;
    }
  }
  if (auto n = f.get("namespace")) {
    if (auto v = n->str(); v && v->empty()) {
      n->fail("must not be empty");
    } else if (v) {
      t.namespace_ = *v;
    }
  }
  if (auto n = f.get("nodeSelector")) t.node_selector = n->string_map();
  if (auto a = f.get("annotations")) t.annotations = a->string_map();
  if (auto tl = f.get("tolerations")) t.tolerations = read_tolerations(*tl);
  set_duration(f, "terminationGracePeriod", t.termination_grace);
  if (csv_ok && ctx.other_files != nullptr) read_pod_trace_csv(t, *ctx.other_files);
  return t;
}

}  // namespace ksim::scenario::detail
