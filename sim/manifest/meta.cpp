// Shared value helpers (meta.h) and the readers of selectors and int-or-percent
// fields (reader.h).
#include <algorithm>
#include <cctype>

#include "ksim/sim/manifest/load.h"
#include "ksim/sim/manifest/manifest_set.h"
#include "reader.h"

namespace ksim::manifest {

std::int32_t scaled_value(const IntOrString& v, std::int32_t total, bool round_up) {
  if (!v.is_string) return v.int_value;
  const std::int64_t percent = std::stoll(v.str_value.substr(0, v.str_value.size() - 1));
  const std::int64_t product = percent * total;
  return static_cast<std::int32_t>(round_up ? (product + 99) / 100 : product / 100);
}

std::string LoadError::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!object.empty()) out += object + ": ";
  if (!field.empty()) out += field + ": ";
  return out + message;
}

std::size_t ManifestSet::size() const {
  return namespaces.size() + deployments.size() + stateful_sets.size() + daemon_sets.size() +
         services.size() + ingresses.size() + hpas.size() + pdbs.size() + node_pools.size() +
         ec2_node_classes.size() + not_modelled.size();
}

namespace {
template <typename T>
const T* find_in(const std::vector<T>& v, std::string_view ns, std::string_view name) {
  for (const T& o : v) {
    if (o.meta.namespace_ == ns && o.meta.name == name) return &o;
  }
  return nullptr;
}
}  // namespace

const Deployment* ManifestSet::find_deployment(std::string_view ns, std::string_view name) const {
  return find_in(deployments, ns, name);
}

const Service* ManifestSet::find_service(std::string_view ns, std::string_view name) const {
  return find_in(services, ns, name);
}

}  // namespace ksim::manifest

namespace ksim::manifest::detail {

namespace {

std::optional<LabelRequirement> read_requirement(const Field& e) {
  if (!e.expect_map()) return std::nullopt;
  LabelRequirement r;
  if (auto k = e.require("key"))
    if (auto s = k->str()) r.key = *s;
  (void)e.require("operator");
  auto op = one_of(e, "operator", {"In", "NotIn", "Exists", "DoesNotExist"});
  if (auto v = e.get("values")) r.values = v->strings();
  if (!op) return std::nullopt;
  r.op = *op;
  const bool with_values = r.op == "In" || r.op == "NotIn";
  if (with_values && r.values.empty()) {
    e.fail_child("values", "must be specified when `operator` is 'In' or 'NotIn'");
    return std::nullopt;
  }
  if (!with_values && !r.values.empty()) {
    e.get("values")->fail("may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    return std::nullopt;
  }
  return r;
}

}  // namespace

std::optional<LabelSelector> read_label_selector(const Field& f) {
  if (!f.expect_map()) return std::nullopt;
  LabelSelector sel;
  if (auto ml = f.get("matchLabels")) sel.match_labels = ml->string_map();
  bool valid = true;
  if (auto me = f.get("matchExpressions")) {
    for (const Field& e : me->items()) {
      auto r = read_requirement(e);
      if (r) sel.match_expressions.push_back(*r);
      valid = valid && r.has_value();
    }
  }
  if (!valid) return std::nullopt;  // the errors are reported; no half selector
  return sel;
}

std::optional<IntOrString> read_int_or_percent(const Field& f) {
  auto v = f.int_or_string();
  if (!v) return std::nullopt;
  if (!v->is_string) {
    if (v->int_value < 0) {
      f.fail("must be greater than or equal to 0");
      return std::nullopt;
    }
    return v;
  }
  const std::string& s = v->str_value;
  const bool digits = s.size() >= 2 && s.back() == '%' && s.size() <= 8 &&
                      std::all_of(s.begin(), s.end() - 1, [](char c) {
                        return std::isdigit(static_cast<unsigned char>(c));
                      });
  if (!digits) {
    f.fail("expected an integer or a percentage like '25%', got '" + s + "'");
    return std::nullopt;
  }
  return v;
}

}  // namespace ksim::manifest::detail
