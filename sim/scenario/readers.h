// Internal: the readers of the scenario's sections, over the located reader
// shared with sim/manifest (ksim/sim/manifest/yaml_reader.h). Each reports
// problems to the Field's sink; a value read after an error is never used
// (the load fails as a whole).
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ksim/sim/manifest/manifest_set.h"
#include "ksim/sim/manifest/yaml_reader.h"
#include "ksim/sim/scenario/scenario.h"

namespace ksim::scenario::detail {

using manifest::yaml::check_known_keys;
using manifest::yaml::ErrorSink;
using manifest::yaml::Field;
using manifest::yaml::one_of;
using manifest::yaml::set_int32;
using manifest::yaml::set_int64;
using manifest::yaml::set_str;

/// The unit of a distribution field: durations written "5ms", "1.5s" are
/// kept in milliseconds; sizes are plain numbers of bytes.
enum class Unit { kMilliseconds, kBytes };

/// What the section readers share: the scenario's folder (relative paths),
/// the manifests when they loaded cleanly (nullptr otherwise: no checks of
/// names against them), and errors located in other files (CSV replays).
struct Context {
  std::filesystem::path base_dir;
  const manifest::ManifestSet* manifests = nullptr;
  std::vector<LoadError>* other_files = nullptr;
};

// fields.cpp
/// A duration string ("30s", "1m30s", "250ms"; a bare 0 too) that is >= 0.
std::optional<Duration> read_duration(const Field& f);
/// As read_duration, and > 0.
std::optional<Duration> read_positive_duration(const Field& f);
/// Assigns the child `key` when present and valid.
void set_duration(const Field& f, std::string_view key, Duration& out);
/// Reports `message` at the child `key` of `f` (the child was read, so it is
/// present; at `f`'s key line otherwise).
void fail_child_value(const Field& f, std::string_view key, std::string message);
/// A finite number >= 0.
std::optional<double> read_non_negative(const Field& f);
void set_non_negative(const Field& f, std::string_view key, double& out);
/// An integer >= 1 (counts).
void set_count(const Field& f, std::string_view key, std::int32_t& out);
/// A distribution: a scalar is a constant ("5ms" or 2048); a mapping names
/// `dist:` and its parameters. Validated by Distribution::create.
std::optional<Distribution> read_distribution(const Field& f, Unit unit);
/// An HTTP method in capitals (GET, POST, ...), or "*" when `allow_any`.
std::optional<std::string> read_method(const Field& f, bool allow_any);
/// A request path ("/api/v1/orders") or, with `pattern`, a route pattern
/// (segments `*`, `{name}`, and `**` last).
std::optional<std::string> read_path(const Field& f, bool pattern);
/// A relative path resolved against `base`, checked to exist.
std::optional<std::filesystem::path> read_file_path(const Field& f,
                                                    const std::filesystem::path& base);

/// Checks that exactly one of `objects` (manifest kinds with `meta`) is named
/// `name` (in `ns` unless ""); reports "no Service 'x' in the manifests" or an
/// ambiguity at `f`. Returns the namespace found (`ns` after an error).
template <class T>
std::string check_named(const Field& f, const std::vector<T>& objects, std::string_view kind,
                        const std::string& ns, const std::string& name) {
  std::vector<std::string> found;
  for (const T& o : objects) {
    if (o.meta.name == name && (ns.empty() || o.meta.namespace_ == ns))
      found.push_back(o.meta.namespace_);
  }
  if (found.size() == 1) return found[0];
  if (found.empty()) {
    f.fail("no " + std::string(kind) + " '" + (ns.empty() ? "" : ns + "/") + name +
           "' in the manifests");
    return ns;
  }
  std::string list;
  for (const std::string& n : found) list += (list.empty() ? "" : ", ") + n;
  f.fail(std::string(kind) + " '" + name + "' exists in several namespaces (" + list +
         "): write namespace/name");
  return ns;
}

// node_group_reader.cpp: instance types are looked up in `catalog`.
std::vector<NodeGroup> read_node_groups(const Field& f, const InstanceCatalog& catalog);
/// Gives the `nodePool:` groups their NodePool's labels and taints and
/// Karpenter's instance labels; checks the pool exists and the type is in the
/// catalog. `f` is the nodeGroups list `groups` was read from.
void resolve_node_pools(const Field& f, std::vector<NodeGroup>& groups,
                        const manifest::ManifestSet& manifests, const InstanceCatalog& catalog);
/// `region:` when given (checked against the node groups' zones), else the
/// region the zones name; errors at `root`'s fields.
std::string resolve_region(const Field& root, const std::vector<NodeGroup>& groups);
// service_reader.cpp
std::vector<ServiceBehavior> read_services(const Field& f, const Context& ctx);
/// One `routes[]` entry of behaviour `b` (its tables and namespace already
/// read). With `profile` (the service's calibrated routes), `cpu` and
/// `responseBytes` default to the profile's route of the same method and path.
Route read_route(const Field& f, const ServiceBehavior& b, const Context& ctx,
                 const std::vector<Route>* profile);
/// (method, path) of the routes read so far.
using RouteKeys = std::set<std::pair<std::string, std::string>>;
/// Each entry of the list `list` by read_route, a second route of a method
/// and path in `seen` reported as a duplicate.
std::vector<Route> read_routes(const Field& list, const ServiceBehavior& b, const Context& ctx,
                               const std::vector<Route>* profile, RouteKeys& seen);

// profile_reader.cpp
/// The routes of a calibrated profile file (`services[].profile`), its
/// errors appended to ctx.other_files, located in that file.
std::vector<Route> read_profile(const std::filesystem::path& file, ServiceBehavior& b,
                                const Context& ctx);
// load_reader.cpp
Load read_load(const Field& f, const Context& ctx);
// replay_csv.cpp: fills replay.timestamps or replay.rates from replay.csv;
// errors name the CSV file and line with `field` as their field.
void read_replay_csv(Replay& replay, const std::string& field, std::vector<LoadError>& errors);
// timings_reader.cpp
Timings read_timings(const Field& f);
// node_autoscaling_reader.cpp
NodeAutoscaling read_node_autoscaling(const Field& f);
std::vector<Fault> read_faults(const Field& f);
/// The autoscaler chosen has something to scale; faults name existing
/// NodePools, node groups and catalog types and fall within the run.
void check_node_autoscaling(const Field& root, const Scenario& s);
// expect_reader.cpp
std::vector<Expectation> read_expectations(const Field& f);
/// Deployments named exist in the manifests; times fall within the run.
void check_expectations(const Field& f, const Scenario& s);
// pod_trace_reader.cpp: `podTrace:`, its CSV read when the file exists
// (errors located in the CSV go to ctx.other_files).
PodTrace read_pod_trace(const Field& f, const Context& ctx);
/// Fills trace.pods from trace.csv; errors name the CSV file, line and column.
void read_pod_trace_csv(PodTrace& trace, std::vector<LoadError>& errors);

}  // namespace ksim::scenario::detail
