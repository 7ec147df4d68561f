// Reading one object: apiVersion/kind/metadata, dispatch by kind, duplicate
// detection; kinds ksim does not model are listed, not dropped.
#include "object_reader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <variant>

#include "readers.h"

namespace ksim::manifest::detail {
namespace {

using Object = std::variant<Namespace, Deployment, StatefulSet, DaemonSet, Service, Ingress,
                            HorizontalPodAutoscaler, PodDisruptionBudget, NodePool, EC2NodeClass>;

/// The modelled kinds and the apiVersions the API server (1.33) serves for them.
struct ModelledKind {
  std::string_view kind;
  std::array<std::string_view, 2> versions;  // "" = unused slot
};
constexpr std::array<ModelledKind, 10> kModelled = {{
    {"Namespace", {"v1", ""}},
    {"Deployment", {"apps/v1", ""}},
    {"StatefulSet", {"apps/v1", ""}},
    {"DaemonSet", {"apps/v1", ""}},
    {"Service", {"v1", ""}},
    {"Ingress", {"networking.k8s.io/v1", ""}},
    {"HorizontalPodAutoscaler", {"autoscaling/v2", "autoscaling/v1"}},
    {"PodDisruptionBudget", {"policy/v1", ""}},
    {"NodePool", {"karpenter.sh/v1", ""}},
    {"EC2NodeClass", {"karpenter.k8s.aws/v1", ""}},
}};

/// Cluster-scoped kinds (no namespace) among those commonly applied.
constexpr std::array<std::string_view, 18> kClusterScoped = {"Namespace",
                                                             "Node",
                                                             "PersistentVolume",
                                                             "StorageClass",
                                                             "ClusterRole",
                                                             "ClusterRoleBinding",
                                                             "CustomResourceDefinition",
                                                             "IngressClass",
                                                             "PriorityClass",
                                                             "RuntimeClass",
                                                             "CSIDriver",
                                                             "APIService",
                                                             "NodePool",
                                                             "EC2NodeClass",
                                                             "NodeClaim",
                                                             "ValidatingWebhookConfiguration",
                                                             "MutatingWebhookConfiguration",
                                                             "VolumeSnapshotClass"};

bool is_cluster_scoped(std::string_view kind) {
  return std::find(kClusterScoped.begin(), kClusterScoped.end(), kind) != kClusterScoped.end();
}

// RFC 1123 subdomain (most names) or, for Services, an RFC 1035 label
// (validation.IsDNS1123Subdomain / IsDNS1035Label).
std::string name_problem(std::string_view name, bool dns_label) {
  const std::size_t max = dns_label ? 63 : 253;
  if (name.size() > max) return "must be no more than " + std::to_string(max) + " characters";
  auto alnum = [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c));
  };
  bool ok = !name.empty() && alnum(name.front()) && alnum(name.back());
  for (char c : name) ok = ok && (alnum(c) || c == '-' || (c == '.' && !dns_label));
  if (dns_label && ok) ok = std::islower(static_cast<unsigned char>(name.front()));
  if (ok) return "";
  return dns_label ? "must be a DNS-1035 label: lowercase letters, digits and '-', starting "
                     "with a letter and ending with a letter or digit"
                   : "must be a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' "
                     "and '.', starting and ending with a letter or digit";
}

ObjectMeta read_meta(const Field& root, std::string_view kind) {
  ObjectMeta meta;
  if (!is_cluster_scoped(kind)) meta.namespace_ = "default";
  auto md = root.require("metadata");
  if (!md || !md->expect_map()) return meta;
  if (auto n = md->require("name")) {
    if (auto s = n->str()) {
      meta.name = *s;
      const std::string problem = name_problem(*s, kind == "Service" || kind == "Namespace");
      if (!problem.empty()) n->fail(problem);
    }
  }
  if (auto ns = md->get("namespace"); ns && !is_cluster_scoped(kind)) {
    if (auto s = ns->str(); s && !s->empty()) meta.namespace_ = *s;
  }
  if (auto l = md->get("labels")) meta.labels = l->string_map();
  if (auto a = md->get("annotations")) meta.annotations = a->string_map();
  return meta;
}

std::string label_of(std::string_view kind, const ObjectMeta& meta) {
  std::string out(kind);
  if (kind.empty() || meta.name.empty()) return out;
  out += " ";
  if (!meta.namespace_.empty()) out += meta.namespace_ + "/";
  return out + meta.name;
}

Object read_kind(const Field& root, std::string_view kind, std::string_view api_version) {
  if (kind == "Namespace") return Namespace{};
  if (kind == "Deployment") return read_deployment(root);
  if (kind == "StatefulSet") return read_stateful_set(root);
  if (kind == "DaemonSet") return read_daemon_set(root);
  if (kind == "Service") return read_service(root);
  if (kind == "Ingress") return read_ingress(root);
  if (kind == "HorizontalPodAutoscaler") return read_hpa(root, api_version);
  if (kind == "NodePool") return read_node_pool(root);
  if (kind == "EC2NodeClass") return read_ec2_node_class(root);
  return read_pdb(root);
}

void add(Object&& object, ManifestSet& set) {
  std::visit(
      [&set](auto&& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, Namespace>) set.namespaces.push_back(std::move(o));
        if constexpr (std::is_same_v<T, Deployment>) set.deployments.push_back(std::move(o));
        if constexpr (std::is_same_v<T, StatefulSet>) set.stateful_sets.push_back(std::move(o));
        if constexpr (std::is_same_v<T, DaemonSet>) set.daemon_sets.push_back(std::move(o));
        if constexpr (std::is_same_v<T, Service>) set.services.push_back(std::move(o));
        if constexpr (std::is_same_v<T, Ingress>) set.ingresses.push_back(std::move(o));
        if constexpr (std::is_same_v<T, HorizontalPodAutoscaler>) set.hpas.push_back(std::move(o));
        if constexpr (std::is_same_v<T, PodDisruptionBudget>) set.pdbs.push_back(std::move(o));
        if constexpr (std::is_same_v<T, NodePool>) set.node_pools.push_back(std::move(o));
        if constexpr (std::is_same_v<T, EC2NodeClass>) set.ec2_node_classes.push_back(std::move(o));
      },
      std::move(object));
}

// The version check of a modelled kind: anything else is an error (the
// removed beta versions, extensions/v1beta1, ...), not a silent skip.
bool check_version(const Field& root, const ModelledKind& m, std::string_view api_version) {
  if (api_version.empty()) return false;  // reported as missing
  if (m.versions[0] == api_version || (!m.versions[1].empty() && m.versions[1] == api_version)) {
    return true;
  }
  std::string expected(m.versions[0]);
  if (!m.versions[1].empty()) expected += " or " + std::string(m.versions[1]);
  root.get("apiVersion")
      ->fail("expected " + expected + " for kind " + std::string(m.kind) + ", got '" +
             std::string(api_version) + "' (not served by Kubernetes 1.33)");
  return false;
}

void read_list(const Field& root, const std::string& file, LoadState& state) {
  auto items = root.get("items");
  if (!items) return;  // an empty List
  for (const Field& item : items->items()) {
    read_object(Field(item.node(), "", item.line(), nullptr), file, state);
  }
}

}  // namespace

void read_object(const Field& unsinked, const std::string& file, LoadState& state) {
  ErrorSink sink(file);
  const Field root(unsinked.node(), "", unsinked.line(), &sink);
  if (!root.is_map()) {
    root.fail("expected a Kubernetes object (a mapping with apiVersion and kind), got " +
              std::string(root.node().IsSequence() ? "a list" : "a scalar"));
    sink.flush("", state.errors);
    return;
  }
  check_duplicate_keys(root);
  std::string kind, api_version;
  if (auto k = root.require("kind")) kind = k->str().value_or("");
  if (auto v = root.require("apiVersion")) api_version = v->str().value_or("");
  if (kind == "List" && sink.count() == 0) {
    read_list(root, file, state);
    return;
  }
  ObjectMeta meta = read_meta(root, kind);
  const Source source{file, root.line()};
  auto modelled = std::find_if(kModelled.begin(), kModelled.end(),
                               [&](const ModelledKind& m) { return m.kind == kind; });
  std::optional<Object> object;
  if (modelled != kModelled.end() && check_version(root, *modelled, api_version)) {
    object = read_kind(root, kind, api_version);
  }
  const std::string label = label_of(kind, meta);
  if (sink.count() == 0 && !kind.empty()) {
    auto [it, fresh] = state.seen.try_emplace({kind, meta.namespace_, meta.name}, source);
    if (!fresh) {
      sink.add(source.line, "",
               "duplicate object: already defined at " + it->second.file + ":" +
                   std::to_string(it->second.line));
    }
  }
  if (sink.count() != 0) {
    sink.flush(label, state.errors);
    return;
  }
  if (!object) {
    state.set.not_modelled.push_back({source, api_version, kind, meta.namespace_, meta.name});
    return;
  }
  std::visit(
      [&](auto& o) {
        o.source = source;
        o.meta = meta;
        if constexpr (std::is_same_v<std::decay_t<decltype(o)>, HorizontalPodAutoscaler>) {
          o.spec.name = meta.name;  // the HPA library identifies the HPA by these
          o.spec.namespace_ = meta.namespace_;
        }
      },
      *object);
  add(std::move(*object), state.set);
}

}  // namespace ksim::manifest::detail
