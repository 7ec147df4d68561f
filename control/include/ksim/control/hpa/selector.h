// Label selectors in their string form, as a scale subresource reports them in
// status.selector ("app=web,tier in (a,b),!canary"): upstream labels.Parse,
// reduced to the grammar the API server produces.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "ksim/control/hpa/types.h"

namespace ksim::control::hpa {

/// Parses a selector string into requirements (ops In, NotIn, Exists,
/// DoesNotExist, Gt, Lt). "" is an error here: the caller decides what an
/// empty selector means.
std::expected<LabelSelector, std::string> parse_label_selector(std::string_view text);

}  // namespace ksim::control::hpa
