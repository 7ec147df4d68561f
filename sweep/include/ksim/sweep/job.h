// `ksim sweep --emit-job`: the grid as a Kubernetes Indexed Job (batch/v1,
// completionMode Indexed), one completion index per grid point, so a grid
// too large for one machine runs on the user's own cluster.
//
// Each pod runs `ksim sweep SCENARIO <the --set flags> --point $(I) -o
// <results>/point-$(I).db` with I = JOB_COMPLETION_INDEX, in `workdir`
// (default /ksim) on one PersistentVolumeClaim (ReadWriteMany) that holds
// the scenario and its manifests at their relative paths, and receives the
// results; `ksim sweep --merge results/point-*.db` joins them afterwards.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ksim/sweep/grid.h"

namespace ksim::sweep {

struct JobSpec {
  std::string name;      // metadata.name (a DNS label)
  std::string image;     // holds `ksim` on its PATH
  std::string scenario;  // path relative to workdir
  std::vector<Parameter> parameters;
  std::size_t grid_size = 0;  // completions
  std::size_t parallelism = 0;
  std::string pvc;  // persistentVolumeClaim.claimName
  std::string workdir = "/ksim";
  std::string results_dir = "results";  // relative to workdir
  std::string duration;                 // passed on as --duration when not ""
  std::string cpu = "1";                // the container's CPU request and limit
  std::string memory = "1Gi";           // the container's memory request and limit
};

/// The Job manifest as YAML (one document).
std::string emit_job(const JobSpec& spec);

}  // namespace ksim::sweep
