// The CPU-heavy route's computation: products similar to a seed product,
// by an iterative refinement over hashed feature vectors of the catalogue.
// Pure and deterministic (same catalogue and parameters, same answer).
//
// Cost model: depth rounds, each scoring every catalogue product against the
// query vector and folding the scores back into it, i.e. about
//   depth * N * kFeatureDims * 4 floating-point operations
// for N = min(catalogue size, kMaxCatalogue): linear in depth, so a load
// test drives CPU per request with the `depth` query parameter the way the
// upstream HPA walkthrough's php-apache page does with its loop.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "product.h"

namespace ksim::services::product {

inline constexpr std::size_t kFeatureDims = 128;
inline constexpr std::int64_t kMaxCatalogue = 500;
inline constexpr std::int64_t kMaxDepth = 1'000'000;
inline constexpr std::int64_t kMaxRecommendations = 100;

struct Recommendation {
  std::string id;
  double score = 0.0;
};

// At most `limit` products of `catalogue` other than `seed`, best first.
// Preconditions: 1 <= limit <= kMaxRecommendations, 1 <= depth <= kMaxDepth.
std::vector<Recommendation> recommend(const std::vector<Product>& catalogue, const Product& seed,
                                      std::int64_t limit, std::int64_t depth);

}  // namespace ksim::services::product
