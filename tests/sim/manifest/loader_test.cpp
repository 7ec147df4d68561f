// load_manifests: files, folders, multi-document files, the seed platforms.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "helpers.h"
#include "ksim/sim/manifest/load.h"

namespace ksim::manifest {
namespace {

namespace fs = std::filesystem;

const fs::path kScenarios = fs::path(KSIM_SOURCE_DIR) / "scenarios";

std::string dump(const LoadResult& r) {
  std::string all;
  if (!r) {
    for (const LoadError& e : r.error()) all += e.to_string() + "\n";
  }
  return all;
}

TEST(Loader, Platform1) {
  const fs::path dir = kScenarios / "platform1" / "manifests";
  const LoadResult r = load_manifests(std::span(&dir, 1));
  ASSERT_TRUE(r.has_value()) << dump(r);
  EXPECT_EQ(r->deployments.size(), 2u);
}

TEST(Loader, Platform2) {
  const fs::path dir = kScenarios / "platform2" / "manifests";
  const LoadResult r = load_manifests(std::span(&dir, 1));
  ASSERT_TRUE(r.has_value()) << dump(r);
  EXPECT_EQ(r->deployments.size(), 2u);
}

}  // namespace
}  // namespace ksim::manifest
