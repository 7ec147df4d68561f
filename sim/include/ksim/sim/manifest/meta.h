// Value types shared by every manifest kind: where an object came from, its
// metadata, label selectors and Kubernetes' int-or-string (intstr.IntOrString).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "ksim/control/hpa/types.h"

namespace ksim::manifest {

using LabelMap = std::map<std::string, std::string>;
/// metav1.LabelSelector (matchLabels AND matchExpressions), shared with the HPA
/// library so a selector read here can be handed to it unchanged.
using LabelSelector = control::hpa::LabelSelector;
using LabelRequirement = control::hpa::LabelRequirement;

/// The file and 1-based line of an object's first line (its `apiVersion`/first key).
struct Source {
  std::string file;
  int line = 0;
};

/// The metadata fields ksim reads. `namespace_` is "default" when the manifest
/// omits it (as kubectl does without --namespace) and "" for cluster-scoped kinds.
struct ObjectMeta {
  std::string name;
  std::string namespace_;
  LabelMap labels;
  LabelMap annotations;
};

/// intstr.IntOrString: an integer or a string ("25%", a named port "http").
struct IntOrString {
  bool is_string = false;
  std::int32_t int_value = 0;
  std::string str_value;

  static IntOrString of_int(std::int32_t v) { return {false, v, {}}; }
  static IntOrString of_string(std::string s) { return {true, 0, std::move(s)}; }
  friend bool operator==(const IntOrString&, const IntOrString&) = default;
};

/// upstream intstr.GetScaledValueFromIntOrPercent: an integer as is, "p%" as
/// p x total / 100 rounded up (round_up) or down. Precondition: a string value
/// is a percentage (the loader validated it).
std::int32_t scaled_value(const IntOrString& v, std::int32_t total, bool round_up);

}  // namespace ksim::manifest
