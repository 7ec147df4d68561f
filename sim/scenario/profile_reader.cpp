// services[].profile: a calibrated profile (`ksim calibrate` writes them),
// its routes in the scenario's own `routes[]` form, merged with the
// scenario's routes of the service. Errors are located in the profile file.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "readers.h"

namespace ksim::scenario::detail {
namespace {

namespace fs = std::filesystem;

void read_profile_root(const Field& root, ServiceBehavior& b, const Context& ctx,
                       std::vector<Route>& out) {
  if (!root.expect_map()) return;
  manifest::yaml::check_duplicate_keys(root);
  check_known_keys(root, {"service", "calibration", "routes"});
  // `calibration` records how the figures were measured (machine, binary,
  // rates, fit); it is for people and is only checked to be a mapping.
  if (auto c = root.get("calibration")) c->expect_map();
  // `service` names what was measured (for people, like `calibration`).
  if (auto s = root.get("service")) static_cast<void>(s->str());
  auto routes = root.require("routes");
  if (!routes) return;
  RouteKeys seen;
  out = read_routes(*routes, b, ctx, nullptr, seen);
  if (out.empty() && routes->node().IsSequence()) routes->fail("at least one route");
}

}  // namespace

std::vector<Route> read_profile(const fs::path& file, ServiceBehavior& b, const Context& ctx) {
  std::vector<Route> out;
  if (ctx.other_files == nullptr) return out;
  const std::ifstream in(file, std::ios::binary);
  if (!in) {
    ctx.other_files->push_back({file.string(), 0, "", "", "cannot read the profile"});
    return out;
  }
  std::ostringstream text;
  text << in.rdbuf();
  ErrorSink sink(file.string());
  std::vector<LoadError> errors;
  // Calls in the profile name Services as the scenario's routes do, so the
  // manifests check them; relative paths are the profile's folder's.
  const Context profile_ctx{file.parent_path(), ctx.manifests, ctx.other_files};
  try {
    const YAML::Node doc = YAML::Load(text.str());
    read_profile_root(Field(doc, "", 1, &sink), b, profile_ctx, out);
  } catch (const YAML::Exception& e) {
    errors.push_back(
        {file.string(), e.mark.is_null() ? 0 : e.mark.line + 1, "", "", "invalid YAML: " + e.msg});
  }
  sink.flush("", errors);
  std::stable_sort(errors.begin(), errors.end(),
                   [](const LoadError& x, const LoadError& y) { return x.line < y.line; });
  ctx.other_files->insert(ctx.other_files->end(), errors.begin(), errors.end());
  return out;
}

}  // namespace ksim::scenario::detail
