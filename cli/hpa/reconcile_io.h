// The JSON front of `ksim hpa reconcile` (/work/shared/reference/hpa-reconcile-io.md):
// Kubernetes objects as `kubectl get -o json` prints them, in; the decision, out.
// Bad input throws ksim::cli::UsageError naming the JSON path of the bad field.
#pragma once

#include <nlohmann/json.hpp>

#include "ksim/control/hpa/reconcile.h"

namespace ksim::cli::hpa {

/// Reads one reconcile document. Throws UsageError("<json path>: <what>").
control::hpa::ReconcileInput parse_reconcile_input(const nlohmann::json& doc);

/// Writes the result document.
nlohmann::ordered_json reconcile_output(const control::hpa::ReconcileResult& r);

}  // namespace ksim::cli::hpa
