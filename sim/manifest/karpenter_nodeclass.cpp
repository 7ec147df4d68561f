// Reading a Karpenter EC2NodeClass (karpenter.k8s.aws/v1): AMI family and
// selector terms (kept as written), role, kubelet settings, block devices,
// validated as the CRD's CEL rules do (KA pkg/apis/v1/ec2nodeclass.go;
// cluster-facts A.2).
#include <array>

#include "readers.h"

namespace ksim::manifest::detail {
namespace {

// alias family -> amiFamily (KA ec2nodeclass.go: al2, al2023, bottlerocket,
// windows2019, windows2022).
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kAliasFamilies = {{
    {"al2", "AL2"},
    {"al2023", "AL2023"},
    {"bottlerocket", "Bottlerocket"},
    {"windows2019", "Windows2019"},
    {"windows2022", "Windows2022"},
}};

SelectorTerm read_term(const Field& t, bool ami) {
  SelectorTerm term;
  if (!t.expect_map()) return term;
  if (ami) set_str(t, "alias", term.alias);
  set_str(t, "id", term.id);
  set_str(t, "name", term.name);
  if (ami) set_str(t, "owner", term.owner);
  if (auto tags = t.get("tags")) term.tags = tags->string_map();
  if (term.alias.empty() && term.id.empty() && term.name.empty() && term.tags.empty()) {
    t.fail(ami ? "expected at least one of alias, id, name or tags"
               : "expected at least one of id, name or tags");
  }
  return term;
}

std::vector<SelectorTerm> read_terms(const Field& spec, std::string_view key, bool ami) {
  std::vector<SelectorTerm> out;
  auto f = spec.require(key);
  if (!f) return out;
  for (const Field& t : f->items()) out.push_back(read_term(t, ami));
  if (out.empty() && f->node().IsSequence()) f->fail("must have at least one term");
  return out;
}

// The alias rules, and amiFamily from the alias when it is not given.
void check_ami(const Field& spec, EC2NodeClass& c) {
  auto terms = spec.get("amiSelectorTerms");
  if (!terms || c.ami_selector_terms.empty()) return;
  const std::vector<Field> items = terms->items();
  std::string alias_family;
  for (std::size_t i = 0; i < c.ami_selector_terms.size() && i < items.size(); ++i) {
    const std::string& alias = c.ami_selector_terms[i].alias;
    if (alias.empty()) continue;
    if (c.ami_selector_terms.size() > 1) {
      items[i].get("alias")->fail(
          "'alias' is mutually exclusive, cannot be set with a combination of other "
          "amiSelectorTerms");
    }
    const std::size_t at = alias.find('@');
    const std::string family = alias.substr(0, at);
    auto known = std::find_if(kAliasFamilies.begin(), kAliasFamilies.end(),
                              [&](const auto& p) { return p.first == family; });
    if (at == std::string::npos || at + 1 == alias.size() || known == kAliasFamilies.end()) {
      items[i].get("alias")->fail(
          "'alias' is improperly formatted, must match the format "
          "'family@version' with family al2, al2023, bottlerocket, "
          "windows2019 or windows2022, got '" +
          alias + "'");
      continue;
    }
    alias_family = std::string(known->second);
  }
  if (c.ami_family.empty()) {
    if (alias_family.empty()) {
      spec.fail_child("amiFamily",
                      "must specify amiFamily if amiSelectorTerms does not contain "
                      "an alias");
    }
    c.ami_family = alias_family;
  }
}

void read_reserved(const Field& f, std::map<std::string, std::int64_t>& out) {
  for (const auto& [name, value] : f.entries()) {
    if (name != "cpu" && name != "memory" && name != "ephemeral-storage" && name != "pid") {
      value.fail_at_key("expected cpu, memory, ephemeral-storage or pid, got '" + name + "'");
      continue;
    }
    auto milli = value.quantity_milli();
    if (milli && *milli < 0) value.fail("must be greater than or equal to 0");
    if (milli && *milli >= 0) out[name] = *milli;
  }
}

void read_eviction(const Field& f, std::map<std::string, std::string>& out) {
  for (const auto& [name, value] : f.entries()) {
    auto s = value.str();
    if (!s) continue;
    const bool percent = s->ends_with('%');
    if (percent) {
      const std::string digits = s->substr(0, s->size() - 1);
      char* end = nullptr;
      const double p = std::strtod(digits.c_str(), &end);
      if (digits.empty() || *end != '\0' || p < 0 || p > 100) {
        value.fail("expected a quantity or a percentage 0-100%, got '" + *s + "'");
        continue;
      }
    } else if (!value.quantity()) {
      continue;  // reported by quantity()
    }
    out[name] = *s;
  }
}

void read_kubelet(const Field& f, KubeletConfiguration& k) {
  if (!f.expect_map()) return;
  if (auto m = f.get("maxPods")) {
    k.max_pods = m->int32();
    if (k.max_pods && *k.max_pods < 0) m->fail("must be greater than or equal to 0");
  }
  if (auto m = f.get("podsPerCore")) {
    k.pods_per_core = m->int32();
    if (k.pods_per_core && *k.pods_per_core < 0) m->fail("must be greater than or equal to 0");
  }
  if (auto r = f.get("systemReserved")) read_reserved(*r, k.system_reserved_milli);
  if (auto r = f.get("kubeReserved")) read_reserved(*r, k.kube_reserved_milli);
  if (auto e = f.get("evictionHard")) read_eviction(*e, k.eviction_hard);
}

std::vector<BlockDeviceMapping> read_block_devices(const Field& f) {
  std::vector<BlockDeviceMapping> out;
  for (const Field& item : f.items()) {
    if (!item.expect_map()) continue;
    BlockDeviceMapping m;
    set_str(item, "deviceName", m.device_name);
    if (auto r = item.get("rootVolume")) m.root_volume = r->boolean().value_or(false);
    if (auto ebs = item.get_map("ebs")) {
      set_str(*ebs, "volumeType", m.volume_type);
      if (auto size = ebs->get("volumeSize")) {
        if (auto milli = size->quantity_milli()) m.volume_bytes = *milli / 1000;
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

EC2NodeClass read_ec2_node_class(const Field& root) {
  EC2NodeClass c;
  auto spec = root.require("spec");
  if (!spec || !spec->expect_map()) return c;
  if (auto family =
          one_of(*spec, "amiFamily",
                 {"AL2", "AL2023", "Bottlerocket", "Windows2019", "Windows2022", "Custom"})) {
    c.ami_family = *family;
  }
  c.ami_selector_terms = read_terms(*spec, "amiSelectorTerms", true);
  c.subnet_selector_terms = read_terms(*spec, "subnetSelectorTerms", false);
  c.security_group_selector_terms = read_terms(*spec, "securityGroupSelectorTerms", false);
  check_ami(*spec, c);
  set_str(*spec, "role", c.role);
  set_str(*spec, "instanceProfile", c.instance_profile);
  if (c.role.empty() == c.instance_profile.empty()) {
    spec->fail_child(c.role.empty() ? "role" : "instanceProfile",
                     "must specify exactly one of ['role', 'instanceProfile']");
  }
  if (auto k = spec->get("kubelet")) read_kubelet(*k, c.kubelet);
  if (auto b = spec->get("blockDeviceMappings")) c.block_device_mappings = read_block_devices(*b);
  if (auto t = spec->get("tags")) c.tags = t->string_map();
  return c;
}

}  // namespace ksim::manifest::detail
