// The recommender is deterministic, excludes the seed, honours the limit,
// and prefers products sharing the seed's category and words.
#include "recommend.h"

#include <gtest/gtest.h>

namespace ksim::services::product {
namespace {

Product make(std::string id, std::string name, std::string category, double price) {
  Product p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.category = std::move(category);
  p.price = price;
  return p;
}

TEST(RecommendTest, DeterministicBoundedAndSimilarFirst) {
  const std::vector<Product> catalogue = {
      make("a", "red garden lamp", "garden", 20), make("b", "red garden lamp xl", "garden", 22),
      make("c", "chess set", "games", 40), make("d", "kitchen knife", "kitchen", 15),
      make("e", "garden hose", "garden", 18)};
  const auto first = recommend(catalogue, catalogue[0], 3, 20);
  const auto again = recommend(catalogue, catalogue[0], 3, 20);
  ASSERT_EQ(first.size(), 3U);
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].id, again[i].id);
    EXPECT_DOUBLE_EQ(first[i].score, again[i].score);
    EXPECT_NE(first[i].id, "a");
  }
  EXPECT_EQ(first[0].id, "b");
  EXPECT_EQ(recommend(catalogue, catalogue[0], 100, 1).size(), 4U);
  EXPECT_TRUE(recommend({}, catalogue[0], 5, 5).empty());
}

}  // namespace
}  // namespace ksim::services::product
