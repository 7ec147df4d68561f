// Reading Kubernetes manifests (what `kubectl apply -f` takes) into a
// ManifestSet, with every error located by file, line and field path.
#pragma once

#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/sim/manifest/manifest_set.h"

namespace ksim::manifest {

/// One problem of the input. to_string() gives
///   "<file>:<line>: <object>: <field>: <message>"
/// e.g. "manifests/api.yaml:14: Deployment default/api:
/// spec.template.spec.containers[0].resources.requests.cpu: invalid quantity 'fast'";
/// parts that are unknown (line 0, no object yet, no field) are left out.
struct LoadError {
  std::string file;
  int line = 0;        // 1-based; 0 = not tied to a line
  std::string object;  // "Deployment default/api", "Namespace shop", "" before kind/name are known
  std::string field;   // dotted path with [i] indexes, "" for the whole document
  std::string message;

  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const LoadError&, const LoadError&) = default;
};

using LoadResult = std::expected<ManifestSet, std::vector<LoadError>>;

/// Reads files and folders in the given order. A folder contributes its
/// *.yaml, *.yml and *.json files (the extensions `kubectl apply -f` reads),
/// sorted by name, NOT recursively (kubectl without -R). Each file may hold
/// several YAML documents (`---`); empty documents are skipped; a `kind: List`
/// contributes its items. Semantics:
///  - unknown fields are ignored; a field of the wrong type, a missing
///    required field or a value the API server would reject is an error;
///  - metadata.namespace defaults to "default" for namespaced kinds;
///  - a second object with the same (kind, namespace, name) is an error;
///  - kinds not modelled land in ManifestSet::not_modelled.
/// Every error of the load is returned (an object with errors is not kept),
/// in file and line order; a YAML syntax error stops that file only.
/// Errors are values: this function does not throw.
LoadResult load_manifests(std::span<const std::filesystem::path> paths);

/// Reads YAML text as if it were the file `file_name` (tests, stdin).
LoadResult parse_manifests(std::string_view text, std::string_view file_name);

}  // namespace ksim::manifest
