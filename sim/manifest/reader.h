// Internal: the Kubernetes-specific readers on top of the shared located
// reader (ksim/sim/manifest/yaml_reader.h), and the reader's names in this
// library's detail namespace.
#pragma once

#include <optional>

#include "ksim/sim/manifest/meta.h"
#include "ksim/sim/manifest/yaml_reader.h"

namespace ksim::manifest::detail {

using yaml::check_duplicate_keys;
using yaml::check_non_negative;
using yaml::ErrorSink;
using yaml::Field;
using yaml::one_of;
using yaml::scalar_kind;
using yaml::ScalarKind;
using yaml::set_int32;
using yaml::set_int64;
using yaml::set_str;

/// metav1.LabelSelector; nullopt after errors.
std::optional<LabelSelector> read_label_selector(const Field& f);

/// An int-or-percent field (maxSurge, minAvailable): "25%" or 3.
std::optional<IntOrString> read_int_or_percent(const Field& f);

}  // namespace ksim::manifest::detail
