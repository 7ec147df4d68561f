// emit_job (job.h), written with yaml-cpp's emitter.
#include "ksim/sweep/job.h"

#include <yaml-cpp/yaml.h>

namespace ksim::sweep {
namespace {

// "k=v1,v2": the --set flag text of a parameter.
std::string set_text(const Parameter& p) {
  std::string out = p.key + "=";
  for (std::size_t i = 0; i < p.values.size(); ++i) out += (i ? "," : "") + p.values[i];
  return out;
}

void key_value(YAML::Emitter& e, const char* key, const std::string& value) {
  e << YAML::Key << key << YAML::Value << value;
}

void container(YAML::Emitter& e, const JobSpec& spec) {
  e << YAML::BeginMap;
  key_value(e, "name", "ksim");
  key_value(e, "image", spec.image);
  key_value(e, "workingDir", spec.workdir);
  e << YAML::Key << "command" << YAML::Value << YAML::BeginSeq << "ksim"
    << "sweep" << spec.scenario;
  for (const Parameter& p : spec.parameters) e << "--set" << set_text(p);
  if (!spec.duration.empty()) e << "--duration" << spec.duration;
  // Kubernetes expands $(VAR) in command from the container's env.
  e << "--point"
    << "$(JOB_COMPLETION_INDEX)"
    << "-j"
    << "1"
    << "-o" << spec.results_dir + "/point-$(JOB_COMPLETION_INDEX).db" << YAML::EndSeq;
  // The Job controller sets it too; written out so that the command's
  // $(JOB_COMPLETION_INDEX) visibly refers to something.
  e << YAML::Key << "env" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  key_value(e, "name", "JOB_COMPLETION_INDEX");
  e << YAML::Key << "valueFrom" << YAML::Value << YAML::BeginMap << YAML::Key << "fieldRef"
    << YAML::Value << YAML::BeginMap;
  key_value(e, "fieldPath", "metadata.annotations['batch.kubernetes.io/job-completion-index']");
  e << YAML::EndMap << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
  e << YAML::Key << "resources" << YAML::Value << YAML::BeginMap;
  for (const char* kind : {"requests", "limits"}) {
    e << YAML::Key << kind << YAML::Value << YAML::BeginMap;
    key_value(e, "cpu", spec.cpu);
    key_value(e, "memory", spec.memory);
    e << YAML::EndMap;
  }
  e << YAML::EndMap;
  e << YAML::Key << "volumeMounts" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  key_value(e, "name", "work");
  key_value(e, "mountPath", spec.workdir);
  e << YAML::EndMap << YAML::EndSeq;
  e << YAML::EndMap;
}

}  // namespace

std::string emit_job(const JobSpec& spec) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  key_value(e, "apiVersion", "batch/v1");
  key_value(e, "kind", "Job");
  e << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
  key_value(e, "name", spec.name);
  e << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
  key_value(e, "app.kubernetes.io/name", "ksim-sweep");
  e << YAML::EndMap << YAML::EndMap;
  e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  key_value(e, "completionMode", "Indexed");
  e << YAML::Key << "completions" << YAML::Value << spec.grid_size;
  e << YAML::Key << "parallelism" << YAML::Value << spec.parallelism;
  // A failed point is retried on its own, without failing the others.
  e << YAML::Key << "backoffLimitPerIndex" << YAML::Value << 2;
  e << YAML::Key << "template" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  key_value(e, "restartPolicy", "Never");
  e << YAML::Key << "containers" << YAML::Value << YAML::BeginSeq;
  container(e, spec);
  e << YAML::EndSeq;
  e << YAML::Key << "volumes" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  key_value(e, "name", "work");
  e << YAML::Key << "persistentVolumeClaim" << YAML::Value << YAML::BeginMap;
  key_value(e, "claimName", spec.pvc);
  e << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
  e << YAML::EndMap << YAML::EndMap << YAML::EndMap << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace ksim::sweep
