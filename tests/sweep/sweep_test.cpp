// sweep/runner.h, result.h, sweep_file.h, job.h: a sweep's points equal
// single runs, the Pareto front of a hand-made set, the file round trip,
// --point + --merge equal to the whole sweep, and the Indexed Job.
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "ksim/sim/run/run.h"
#include "ksim/sim/scenario/scenario.h"
#include "ksim/sweep/apply.h"
#include "ksim/sweep/job.h"
#include "ksim/sweep/runner.h"
#include "ksim/sweep/sweep_file.h"
#include "ksim/sweep/table.h"

namespace ksim::sweep {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "ksim-sweep-test-XXXXXX").string();
    EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

scenario::Scenario api_backend() {
  auto s = scenario::load_scenario(std::string(KSIM_SOURCE_DIR) + "/scenarios/api-backend.yaml");
  EXPECT_TRUE(s.has_value());
  return std::move(*s);
}

Grid two_types() {
  return *Grid::create({{"nodegroup/managed.instanceType", {"m5.large", "c6i.large"}}});
}

SweepOptions options(const fs::path& dir, unsigned jobs) {
  SweepOptions o;
  o.duration = std::chrono::minutes{15};
  o.jobs = jobs;
  o.trace_dir = dir;
  return o;
}

PointResult point(std::size_t i, double cost, double p99, bool pass) {
  PointResult p;
  p.index = i;
  p.cost_dollars = cost;
  p.worst_p99_ms = p99;
  p.slo_pass = pass;
  p.expectations_failed = pass ? 0 : 1;
  return p;
}

std::vector<bool> marks(const std::vector<PointResult>& points) {
  std::vector<bool> out;
  for (const PointResult& p : points) out.push_back(p.pareto);
  return out;
}

TEST(Pareto, NotDominatedAmongPassingPoints) {
  std::vector<PointResult> pts = {
      point(0, 1.0, 50, true),   // front: cheapest passing
      point(1, 2.0, 30, true),   // front
      point(2, 2.5, 30, true),   // dominated by 1 (same p99, dearer)
      point(3, 3.0, 10, true),   // front: fastest
      point(4, 0.5, 5, false),   // dominates all but fails the SLO: never marked
      point(5, 3.0, 10, true),   // equal to 3: both on the front
      point(6, 1.5, 60, true)};  // dominated by 0
  EXPECT_TRUE(mark_pareto(pts));
  EXPECT_EQ(marks(pts), (std::vector<bool>{true, true, false, true, false, true, false}));
}

TEST(Pareto, AmongAllWhenNonePasses) {
  std::vector<PointResult> pts = {point(0, 1.0, 50, false), point(1, 2.0, 60, false),
                                  point(2, 3.0, 10, false)};
  EXPECT_FALSE(mark_pareto(pts));
  EXPECT_EQ(marks(pts), (std::vector<bool>{true, false, true}));
}

// Each point equals run_scenario on the scenario with the same settings
// (without a trace: recording must not change a run), run two at a time.
TEST(RunPoints, EqualSingleRuns) {
  const scenario::Scenario base = api_backend();
  const Grid grid = two_types();
  TempDir dir;
  auto results = run_points(base, grid, {0, 1}, options(dir.path(), 2));
  ASSERT_TRUE(results.has_value()) << results.error();
  ASSERT_EQ(results->size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    scenario::Scenario s = base;
    ASSERT_TRUE(apply_point(s, grid.point(i)));
    run::RunOptions o;
    o.duration = std::chrono::minutes{15};
    auto single = run::run_scenario(s, o, nullptr);
    ASSERT_TRUE(single.has_value());
    PointResult expected = summarize(i, grid.point(i), *single, {});
    const PointResult& got = (*results)[i];
    EXPECT_EQ(got.index, i);
    EXPECT_EQ(got.point, grid.point(i));
    EXPECT_EQ(got.cost_dollars, expected.cost_dollars);
    EXPECT_EQ(got.requests, expected.requests);
    EXPECT_EQ(got.errors, expected.errors);
    EXPECT_EQ(got.worst_p99_ms, expected.worst_p99_ms);
    EXPECT_EQ(got.routes, expected.routes);
    EXPECT_EQ(got.peak_nodes, expected.peak_nodes);
    EXPECT_GT(got.requests, 10'000U);
    // api-backend carries 11 expectations, each checked (the 15-minute run
    // cannot meet the scale-down ones); the trace was removed.
    EXPECT_EQ(got.expectations_passed + got.expectations_failed, 11U);
    EXPECT_FALSE(fs::exists(dir.path() / ("point-" + std::to_string(i) + ".db")));
  }
  // 3 nodes for 15 minutes at us-east-1 on-demand prices: m5.large $0.096/h,
  // c6i.large $0.085/h.
  EXPECT_NEAR((*results)[0].cost_dollars, 3 * 0.096 / 4, 1e-9);
  EXPECT_NEAR((*results)[1].cost_dollars, 3 * 0.085 / 4, 1e-9);
}

TEST(RunPoints, ApplyErrorNamesThePoint) {
  const Grid grid = *Grid::create({{"hpa/api-service.min", {"2", "12"}}});
  auto r = validate_grid(api_backend(), grid);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "point 1: HPA api-platform/api-service: minReplicas 12 > maxReplicas 10");
}

SweepFile file_of(const Grid& grid, std::vector<PointResult> points) {
  SweepFile f;
  f.info = {"api-backend", "scenarios/api-backend.yaml", grid.parameters(), grid.size(), "15m",
            "0.1.0"};
  f.points = std::move(points);
  f.pareto_among_slo_pass = mark_pareto(f.points);
  return f;
}

TEST(SweepFile, PointAndMergeEqualTheWholeSweep) {
  const scenario::Scenario base = api_backend();
  const Grid grid = two_types();
  TempDir dir;
  auto all = run_points(base, grid, {0, 1}, options(dir.path(), 2));
  ASSERT_TRUE(all.has_value());
  const SweepFile whole = file_of(grid, *all);
  ASSERT_TRUE(write_sweep_file(dir.path() / "whole.db", whole));
  ASSERT_TRUE(is_sweep_file(dir.path() / "whole.db"));
  auto back = read_sweep_file(dir.path() / "whole.db");
  ASSERT_TRUE(back.has_value()) << back.error();
  EXPECT_EQ(back->points, whole.points);
  EXPECT_EQ(back->info.parameters, whole.info.parameters);

  // One file per point, as the Indexed Job's pods write them, merged in
  // reverse order.
  for (std::size_t i = 0; i < 2; ++i) {
    auto one = run_points(base, grid, {i}, options(dir.path(), 1));
    ASSERT_TRUE(one.has_value());
    ASSERT_TRUE(
        write_sweep_file(dir.path() / ("p" + std::to_string(i) + ".db"), file_of(grid, *one)));
  }
  auto merged = merge_sweep_files({dir.path() / "p1.db", dir.path() / "p0.db"});
  ASSERT_TRUE(merged.has_value()) << merged.error();
  EXPECT_EQ(merged->points, whole.points);
  EXPECT_EQ(merged->info.grid_size, 2U);

  auto twice = merge_sweep_files({dir.path() / "p0.db", dir.path() / "whole.db"});
  ASSERT_FALSE(twice.has_value());
  EXPECT_NE(twice.error().find("point 0 is also in"), std::string::npos);

  SweepFile other = file_of(*Grid::create({{"seed", {"1", "2"}}}), {});
  ASSERT_TRUE(write_sweep_file(dir.path() / "other.db", other));
  auto mixed = merge_sweep_files({dir.path() / "p0.db", dir.path() / "other.db"});
  ASSERT_FALSE(mixed.has_value());
  EXPECT_NE(mixed.error().find("not of the same sweep"), std::string::npos);
  EXPECT_NE(mixed.error().find("parameters differ"), std::string::npos);
  EXPECT_FALSE(is_sweep_file(dir.path() / "nope.db"));
}

TEST(Table, OneRowPerPointWithTheFrontMarked) {
  const Grid grid = *Grid::create({{"hpa/api-service.target", {"50", "90"}}});
  std::vector<PointResult> pts = {point(0, 0.24, 20.1, true), point(1, 0.2125, 1234.5, false)};
  pts[0].point = grid.point(0);
  pts[1].point = grid.point(1);
  pts[0].expectations_passed = 11;
  pts[1].expectations_passed = 10;
  pts[1].error_rate = 0.0125;
  const std::string table = format_table(file_of(grid, pts));
  EXPECT_NE(table.find("api-backend: 2 of 2 points, 15m each\n"), std::string::npos) << table;
  EXPECT_NE(
      table.find("    0  50                          0.2400      20.1ms    0.00%  pass 11/11  *\n"),
      std::string::npos)
      << table;
  EXPECT_NE(
      table.find("    1  90                          0.2125       1.23s    1.25%  FAIL 10/11\n"),
      std::string::npos)
      << table;
  EXPECT_NE(table.find("among the points that pass the SLO"), std::string::npos);
}

TEST(EmitJob, IndexedJobRunsOnePointPerIndex) {
  JobSpec spec;
  spec.name = "ksim-sweep-api-backend";
  spec.image = "registry.example.com/ksim:0.1.0";
  spec.scenario = "scenarios/api-backend.yaml";
  spec.parameters = {{"hpa/api-service.target", {"50", "70"}},
                     {"nodegroup/managed.instanceType", {"m5.large", "c6i.large", "m7g.large"}}};
  spec.grid_size = 6;
  spec.parallelism = 4;
  spec.pvc = "ksim-work";
  spec.duration = "2h";
  const YAML::Node job = YAML::Load(emit_job(spec));
  EXPECT_EQ(job["apiVersion"].as<std::string>(), "batch/v1");
  EXPECT_EQ(job["kind"].as<std::string>(), "Job");
  EXPECT_EQ(job["spec"]["completionMode"].as<std::string>(), "Indexed");
  EXPECT_EQ(job["spec"]["completions"].as<int>(), 6);
  EXPECT_EQ(job["spec"]["parallelism"].as<int>(), 4);
  const YAML::Node pod = job["spec"]["template"]["spec"];
  EXPECT_EQ(pod["restartPolicy"].as<std::string>(), "Never");
  EXPECT_EQ(pod["volumes"][0]["persistentVolumeClaim"]["claimName"].as<std::string>(), "ksim-work");
  const YAML::Node c = pod["containers"][0];
  EXPECT_EQ(c["image"].as<std::string>(), spec.image);
  EXPECT_EQ(c["workingDir"].as<std::string>(), "/ksim");
  EXPECT_EQ(c["volumeMounts"][0]["mountPath"].as<std::string>(), "/ksim");
  EXPECT_EQ(
      c["command"].as<std::vector<std::string>>(),
      (std::vector<std::string>{"ksim", "sweep", "scenarios/api-backend.yaml", "--set",
                                "hpa/api-service.target=50,70", "--set",
                                "nodegroup/managed.instanceType=m5.large,c6i.large,m7g.large",
                                "--duration", "2h", "--point", "$(JOB_COMPLETION_INDEX)", "-j", "1",
                                "-o", "results/point-$(JOB_COMPLETION_INDEX).db"}));
  EXPECT_EQ(c["env"][0]["name"].as<std::string>(), "JOB_COMPLETION_INDEX");
}

}  // namespace
}  // namespace ksim::sweep
