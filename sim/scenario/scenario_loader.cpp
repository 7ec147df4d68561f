// load_scenario / parse_scenario: the scenario file's top level, the
// manifests it names, yaml-cpp's exceptions turned into located errors.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "ksim/sim/scenario/scenario.h"
#include "readers.h"

namespace ksim::scenario {
namespace {

namespace fs = std::filesystem;
using detail::Field;

// `manifests:` entries, checked to exist here (so that a wrong one is located
// in the scenario), then read by load_manifests. True when all read cleanly.
bool read_manifests(const Field& root, const fs::path& base, Scenario& s,
                    std::vector<LoadError>& other) {
  auto list = root.require("manifests");
  if (!list) return false;
  bool ok = true;
  for (const Field& item : list->items()) {
    auto path = detail::read_file_path(item, base);
    if (path) s.manifest_paths.push_back(*path);
    ok = ok && path.has_value();
  }
  if (s.manifest_paths.empty()) {
    if (ok) list->fail("at least one file or folder");
    return false;
  }
  manifest::LoadResult set = manifest::load_manifests(s.manifest_paths);
  if (!set) {
    other.insert(other.end(), set.error().begin(), set.error().end());
    return false;
  }
  s.manifests = std::move(*set);
  return ok;
}

// `instanceCatalog:` replaces the built-in catalog; its own errors are located
// in the catalog file.
void read_catalog(const Field& root, const fs::path& base, Scenario& s,
                  std::vector<LoadError>& other) {
  auto f = root.get("instanceCatalog");
  if (!f) return;
  auto path = detail::read_file_path(*f, base);
  if (!path) return;
  InstanceCatalog::Result catalog = InstanceCatalog::load(*path);
  if (!catalog) {
    other.insert(other.end(), catalog.error().begin(), catalog.error().end());
    return;
  }
  s.catalog = std::move(*catalog);
}

void read_run(const Field& root, Scenario& s) {
  if (auto d = root.get("duration")) {
    if (auto v = detail::read_positive_duration(*d)) s.duration = *v;
  } else if (s.load.phases.empty() && s.pod_trace) {
    // No load to take the length from (a pod trace's pods end when they end).
    root.fail_child("duration", "required field missing (there is no load)");
  } else {
    s.duration = s.load.total();
  }
  if (auto seed = root.get("seed")) {
    if (auto v = seed->int64(); v && *v < 0) {
      seed->fail("must be greater than or equal to 0");
    } else if (v) {
      s.seed = static_cast<std::uint64_t>(*v);
    }
  }
  if (auto e = root.get("expect")) s.expectations = detail::read_expectations(*e);
}

void read_root(const Field& root, const fs::path& base, Scenario& s,
               std::vector<LoadError>& other) {
  if (!root.expect_map()) return;
  manifest::yaml::check_duplicate_keys(root);
  detail::check_known_keys(root, {"name", "description", "manifests", "region", "instanceCatalog",
                                  "nodeGroups", "services", "load", "podTrace", "timings",
                                  "nodeAutoscaling", "faults", "duration", "seed", "expect"});
  detail::set_str(root, "name", s.name);
  detail::set_str(root, "description", s.description);
  const bool manifests_ok = read_manifests(root, base, s, other);
  const detail::Context ctx{base, manifests_ok ? &s.manifests : nullptr, &other};
  read_catalog(root, base, s, other);
  if (auto g = root.require("nodeGroups")) {
    s.node_groups = detail::read_node_groups(*g, s.catalog);
    if (manifests_ok) detail::resolve_node_pools(*g, s.node_groups, s.manifests, s.catalog);
  }
  s.region = detail::resolve_region(root, s.node_groups);
  if (auto sv = root.get("services")) s.services = detail::read_services(*sv, ctx);
  // `load` may be left out when a pod trace gives the run something to do.
  if (auto p = root.get("podTrace")) s.pod_trace = detail::read_pod_trace(*p, ctx);
  if (auto l = s.pod_trace ? root.get("load") : root.require("load")) {
    s.load = detail::read_load(*l, ctx);
  }
  if (auto t = root.get("timings")) s.timings = detail::read_timings(*t);
  if (auto n = root.get("nodeAutoscaling")) s.node_autoscaling = detail::read_node_autoscaling(*n);
  if (auto f = root.get("faults")) s.faults = detail::read_faults(*f);
  read_run(root, s);
  if (manifests_ok) detail::check_node_autoscaling(root, s);
  if (auto e = root.get("expect"); e && manifests_ok) detail::check_expectations(*e, s);
}

ScenarioResult parse(std::string_view text, const std::string& file, const fs::path& base) {
  Scenario s;
  s.file = file;
  s.name = fs::path(file).stem().string();
  detail::ErrorSink sink(file);
  std::vector<LoadError> other;
  std::vector<LoadError> errors;
  try {
    const YAML::Node doc = YAML::Load(std::string(text));
    read_root(Field(doc, "", 1, &sink), base, s, other);
  } catch (const YAML::Exception& e) {
    errors.push_back(
        {file, e.mark.is_null() ? 0 : e.mark.line + 1, "", "", "invalid YAML: " + e.msg});
  } catch (const std::exception& e) {  // e.g. std::bad_alloc, filesystem_error: still a value
    errors.push_back({file, 0, "", "", std::string("cannot read the scenario: ") + e.what()});
  }
  sink.flush("", errors);
  std::stable_sort(errors.begin(), errors.end(),
                   [](const LoadError& a, const LoadError& b) { return a.line < b.line; });
  errors.insert(errors.end(), other.begin(), other.end());
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return s;
}

}  // namespace

ScenarioResult load_scenario(const fs::path& file) {
  const std::ifstream in(file, std::ios::binary);
  if (!in) {
    return std::unexpected(
        std::vector<LoadError>{{file.string(), 0, "", "", "cannot read the file"}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), file.string(), file.parent_path());
}

ScenarioResult parse_scenario(std::string_view text, std::string_view file_name,
                              const fs::path& base_dir) {
  return parse(text, std::string(file_name), base_dir);
}

}  // namespace ksim::scenario
