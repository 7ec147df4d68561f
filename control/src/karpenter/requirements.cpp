// Requirement algebra; see requirements.h for the upstream sources.
#include "ksim/control/karpenter/requirements.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

namespace ksim::control::karpenter {
namespace {

// upstream v1.WellKnownLabels (core) and the AWS provider's registrations.
constexpr std::array<std::string_view, 28> kWellKnown{
    kLabelNodePool,
    kLabelCapacityType,
    kLabelZone,
    kLabelRegion,
    kLabelInstanceType,
    kLabelArch,
    kLabelOs,
    "node.kubernetes.io/windows-build",
    "topology.k8s.aws/zone-id",
    kLabelInstanceCategory,
    kLabelInstanceFamily,
    kLabelInstanceGeneration,
    kLabelInstanceSize,
    kLabelInstanceCpu,
    kLabelInstanceMemory,
    kLabelInstanceHypervisor,
    "karpenter.k8s.aws/instance-cpu-manufacturer",
    "karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz",
    "karpenter.k8s.aws/instance-encryption-in-transit-supported",
    "karpenter.k8s.aws/instance-ebs-bandwidth",
    "karpenter.k8s.aws/instance-network-bandwidth",
    "karpenter.k8s.aws/instance-local-nvme",
    "karpenter.k8s.aws/instance-gpu-name",
    "karpenter.k8s.aws/instance-gpu-manufacturer",
    "karpenter.k8s.aws/instance-gpu-count",
    "karpenter.k8s.aws/instance-gpu-memory",
    "karpenter.k8s.aws/instance-tenancy",
    "karpenter.k8s.aws/instance-capability-flex",
};

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  const char* end = s.data() + s.size();
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc{} || p != end || s.empty()) return std::nullopt;
  return v;
}

bool within(std::string_view value, const std::optional<std::int64_t>& gte,
            const std::optional<std::int64_t>& lte) {
  if (!gte && !lte) return true;
  const auto v = parse_int(value);
  if (!v) return false;
  return (!gte || *v >= *gte) && (!lte || *v <= *lte);
}

template <class T>
std::optional<T> max_opt(const std::optional<T>& a, const std::optional<T>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}
template <class T>
std::optional<T> min_opt(const std::optional<T>& a, const std::optional<T>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

bool negative_op(Operator op) { return op == Operator::kNotIn || op == Operator::kDoesNotExist; }

}  // namespace

bool is_well_known_label(std::string_view key) {
  return std::find(kWellKnown.begin(), kWellKnown.end(), key) != kWellKnown.end();
}

std::string_view operator_name(Operator op) {
  switch (op) {
    case Operator::kIn:
      return "In";
    case Operator::kNotIn:
      return "NotIn";
    case Operator::kExists:
      return "Exists";
    case Operator::kDoesNotExist:
      return "DoesNotExist";
    case Operator::kGt:
      return "Gt";
    case Operator::kLt:
      return "Lt";
    case Operator::kGte:
      return "Gte";
    case Operator::kLte:
      return "Lte";
  }
  return "?";
}

bool ValueSet::has(std::string_view value) const {
  const bool listed = values.contains(std::string(value));
  return (complement ? !listed : listed) && within(value, gte, lte);
}

std::int64_t ValueSet::size() const {
  if (complement) {
    return std::numeric_limits<std::int64_t>::max() - static_cast<std::int64_t>(values.size());
  }
  return static_cast<std::int64_t>(values.size());
}

Operator ValueSet::op() const {
  if (complement) {
    return size() < std::numeric_limits<std::int64_t>::max() ? Operator::kNotIn : Operator::kExists;
  }
  return values.empty() ? Operator::kDoesNotExist : Operator::kIn;
}

ValueSet ValueSet::intersect(const ValueSet& other) const {
  ValueSet out;
  out.complement = complement && other.complement;
  out.min_values = max_opt(min_values, other.min_values);
  const auto gte_b = max_opt(gte, other.gte);
  const auto lte_b = min_opt(lte, other.lte);
  if (gte_b && lte_b && *gte_b > *lte_b) {  // empty range: DoesNotExist
    out.complement = false;
    return out;
  }
  if (complement && other.complement) {
    out.values = values;
    out.values.insert(other.values.begin(), other.values.end());
  } else {
    const ValueSet& concrete = complement ? other : *this;
    const ValueSet& excl = complement ? *this : other;
    for (const auto& v : concrete.values) {
      const bool listed = excl.values.contains(v);
      if (excl.complement ? !listed : listed) out.values.insert(v);
    }
  }
  std::erase_if(out.values, [&](const std::string& v) { return !within(v, gte_b, lte_b); });
  if (out.complement) {  // bounds only stay on open sets (upstream: concrete sets drop them)
    out.gte = gte_b;
    out.lte = lte_b;
  }
  return out;
}

std::string ValueSet::describe(std::string_view key) const {
  std::string s(key);
  s += ' ';
  s += operator_name(op());
  if (op() == Operator::kIn || op() == Operator::kNotIn) {
    s += " [";
    std::size_t i = 0;
    for (const auto& v : values) {
      if (i == 5) {
        s += " and " + std::to_string(values.size() - 5) + " others";
        break;
      }
      if (i++ > 0) s += ' ';
      s += v;
    }
    s += ']';
  }
  if (gte) s += " >=" + std::to_string(*gte);
  if (lte) s += " <=" + std::to_string(*lte);
  if (min_values) s += " minValues " + std::to_string(*min_values);
  return s;
}

ValueSet value_set_of(const Requirement& r) {
  ValueSet vs;
  vs.min_values = r.min_values;
  const auto bound = [&]() { return r.values.empty() ? std::nullopt : parse_int(r.values[0]); };
  switch (r.op) {
    case Operator::kIn:
      vs.complement = false;
      [[fallthrough]];
    case Operator::kNotIn:
      vs.values.insert(r.values.begin(), r.values.end());
      break;
    case Operator::kExists:
      break;
    case Operator::kDoesNotExist:
      vs.complement = false;
      break;
    case Operator::kGt:
      if (auto b = bound()) vs.gte = *b + 1;  // canonicalise Gt n to Gte n+1
      break;
    case Operator::kLt:
      if (auto b = bound()) vs.lte = *b - 1;
      break;
    case Operator::kGte:
      vs.gte = bound();
      break;
    case Operator::kLte:
      vs.lte = bound();
      break;
  }
  return vs;
}

Requirements Requirements::of(const std::vector<Requirement>& rs) {
  Requirements out;
  for (const auto& r : rs) out.add(r);
  return out;
}

Requirements Requirements::of_labels(const Labels& labels) {
  Requirements out;
  for (const auto& [k, v] : labels) out.add(Requirement{k, Operator::kIn, {v}, std::nullopt});
  return out;
}

void Requirements::add(const Requirement& r) { add(r.key, value_set_of(r)); }

void Requirements::add(std::string_view key, const ValueSet& vs) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    entries_.emplace(std::string(key), vs);
  } else {
    it->second = it->second.intersect(vs);
  }
}

void Requirements::add(const Requirements& other) {
  for (const auto& [k, vs] : other.entries_) add(k, vs);
}

bool Requirements::has(std::string_view key) const { return entries_.contains(key); }

const ValueSet* Requirements::get(std::string_view key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

bool Requirements::allows(std::string_view key, std::string_view value) const {
  const ValueSet* vs = get(key);
  return vs == nullptr || vs->has(value);
}

bool Requirements::has_min_values() const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [](const auto& e) { return e.second.min_values.has_value(); });
}

std::optional<std::string> Requirements::intersects(const Requirements& incoming) const {
  for (const auto& [key, existing] : entries_) {
    const ValueSet* in = incoming.get(key);
    if (in == nullptr || existing.intersect(*in).size() > 0) continue;
    if (negative_op(in->op()) && negative_op(existing.op())) continue;
    return "key " + key + ", " + in->describe(key) + " not in " + existing.describe(key);
  }
  return std::nullopt;
}

std::optional<std::string> Requirements::compatible(const Requirements& incoming,
                                                    bool allow_undefined_well_known) const {
  for (const auto& [key, in] : incoming.entries_) {
    if (has(key) || negative_op(in.op())) continue;
    if (allow_undefined_well_known && is_well_known_label(key)) continue;
    return "label \"" + key + "\" does not have known values";
  }
  return intersects(incoming);
}

std::string Requirements::describe() const {
  std::string s;
  for (const auto& [key, vs] : entries_) {
    if (!s.empty()) s += ", ";
    s += vs.describe(key);
  }
  return s;
}

}  // namespace ksim::control::karpenter
