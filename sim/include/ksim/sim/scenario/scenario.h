// A scenario file: the real Kubernetes manifests it points at, plus what
// manifests cannot say (node groups, service behaviour, load, timings, run
// length, seed, expectations). The format is described in scenarios/README.md.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/sim/kernel/time.h"
#include "ksim/sim/manifest/load.h"
#include "ksim/sim/scenario/expect.h"
#include "ksim/sim/scenario/instance_catalog.h"
#include "ksim/sim/scenario/load_profile.h"
#include "ksim/sim/scenario/node_autoscaling.h"
#include "ksim/sim/scenario/node_group.h"
#include "ksim/sim/scenario/pod_trace.h"
#include "ksim/sim/scenario/service.h"
#include "ksim/sim/scenario/timings.h"

namespace ksim::scenario {

/// The same located error as the manifest loader's: "file:line: field: message"
/// (the object part is empty for scenario fields; a manifest's own errors
/// keep theirs).
using LoadError = manifest::LoadError;

struct Scenario {
  std::filesystem::path file;  // as given to load_scenario
  std::string name;            // default: the file's stem ("scenario")
  std::string description;
  /// `manifests:` entries resolved against the scenario's folder, and what
  /// load_manifests read from them.
  std::vector<std::filesystem::path> manifest_paths;
  manifest::ManifestSet manifests;
  /// The AWS region ("ap-northeast-2"): `region:`, or inferred from the node
  /// groups' zones ("ap-northeast-2a" -> "ap-northeast-2"); "" when neither
  /// says (zones not named like AWS zones, or none).
  std::string region;
  /// `instanceCatalog:` (a catalog file, relative to the scenario's folder)
  /// or the built-in catalog (scenarios/catalog/ec2-instance-types.yaml).
  InstanceCatalog catalog = InstanceCatalog::builtin();
  std::vector<NodeGroup> node_groups;
  std::vector<ServiceBehavior> services;
  /// `load:`; no phases (and no requests) when absent, which a `podTrace:`
  /// allows.
  Load load;
  /// `podTrace:`: bare pods with lifetimes (nullopt when absent).
  std::optional<PodTrace> pod_trace;
  Timings timings;
  /// `nodeAutoscaling:` and `faults:` (node_autoscaling.h).
  NodeAutoscaling node_autoscaling;
  std::vector<Fault> faults;
  Duration duration{};     // default: the load phases' total (required without `load:`)
  std::uint64_t seed = 1;  // default 1
  /// `expect:`: what `ksim test` checks against the run's trace.
  std::vector<Expectation> expectations;
};

using ScenarioResult = std::expected<Scenario, std::vector<LoadError>>;

/// Reads the scenario file and the manifests it names. Every error of the
/// load is returned: the scenario file's in line order, then the manifests'
/// (load_manifests' own), then the checks of scenario names against the
/// manifests (made only when both read cleanly). Unknown fields are errors
/// (a typo must not fall back to a default). Errors are values: nothing is
/// thrown.
ScenarioResult load_scenario(const std::filesystem::path& file);

/// As load_scenario, for `text` read as the file `file_name`; relative paths
/// (manifests, profiles, CSV files) are resolved against `base_dir`.
ScenarioResult parse_scenario(std::string_view text, std::string_view file_name,
                              const std::filesystem::path& base_dir);

}  // namespace ksim::scenario
