// Internal: reading one Kubernetes object (a YAML document or a List item)
// into the ManifestSet, with its errors.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "ksim/sim/manifest/load.h"
#include "reader.h"

namespace ksim::manifest::detail {

/// The state of one load: what was read, the errors, and where each
/// (kind, namespace, name) was first seen.
struct LoadState {
  ManifestSet set;
  std::vector<LoadError> errors;
  std::map<std::tuple<std::string, std::string, std::string>, Source> seen;
};

/// Reads the object `root` (a document of `file`, or a List item) into `state`.
void read_object(const Field& root, const std::string& file, LoadState& state);

}  // namespace ksim::manifest::detail
