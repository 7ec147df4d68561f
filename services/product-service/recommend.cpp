#include "recommend.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace ksim::services::product {
namespace {

using Vec = std::array<float, kFeatureDims>;

// FNV-1a: a stable hash, so features (and answers) do not vary by build.
std::uint64_t fnv1a(std::string_view text, std::uint64_t salt) {
  std::uint64_t h = 1469598103934665603ULL ^ salt;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

void add_token(Vec& v, std::string_view token, float weight) {
  const std::uint64_t h = fnv1a(token, 0);
  v[h % kFeatureDims] += weight;
  v[(h >> 20) % kFeatureDims] -= weight / 2;
}

void normalize(Vec& v) {
  float norm = 0;
  for (const float x : v) norm += x * x;
  norm = std::sqrt(norm);
  if (norm == 0) return;
  for (float& x : v) x /= norm;
}

// Category, name words and a price band, hashed into kFeatureDims buckets.
Vec features(const Product& p) {
  Vec v{};
  add_token(v, p.category, 3.0F);
  std::size_t start = 0;
  while (start <= p.name.size()) {
    const std::size_t end = std::min(p.name.find(' ', start), p.name.size());
    if (end > start) add_token(v, std::string_view(p.name).substr(start, end - start), 1.0F);
    start = end + 1;
  }
  add_token(v, "price:" + std::to_string(static_cast<int>(std::log2(p.price + 1.0))), 2.0F);
  normalize(v);
  return v;
}

}  // namespace

std::vector<Recommendation> recommend(const std::vector<Product>& catalogue, const Product& seed,
                                      std::int64_t limit, std::int64_t depth) {
  const std::size_t n = std::min<std::size_t>(catalogue.size(), kMaxCatalogue);
  std::vector<Vec> items(n);
  for (std::size_t i = 0; i < n; ++i) items[i] = features(catalogue[i]);
  Vec query = features(seed);
  std::vector<double> total(n, 0.0);
  std::vector<float> score(n, 0.0F);
  for (std::int64_t round = 0; round < depth; ++round) {
    // Score everything against the query, then move the query a little
    // towards what scored well: every round depends on the previous one,
    // so no round can be skipped or hoisted.
    for (std::size_t i = 0; i < n; ++i) {
      float dot = 0;
      for (std::size_t d = 0; d < kFeatureDims; ++d) dot += query[d] * items[i][d];
      score[i] = dot;
      total[i] += dot;
    }
    Vec next = query;
    for (std::size_t i = 0; i < n; ++i) {
      const float w = std::max(score[i], 0.0F) * 0.05F;
      for (std::size_t d = 0; d < kFeatureDims; ++d) next[d] += w * items[i][d];
    }
    normalize(next);
    query = next;
  }
  std::vector<Recommendation> out;
  for (std::size_t i = 0; i < n; ++i) {
    if (catalogue[i].id != seed.id) {
      out.push_back({catalogue[i].id, total[i] / static_cast<double>(depth)});
    }
  }
  const auto better = [](const Recommendation& a, const Recommendation& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  };
  const std::size_t keep = std::min<std::size_t>(out.size(), static_cast<std::size_t>(limit));
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(),
                    better);
  out.resize(keep);
  return out;
}

}  // namespace ksim::services::product
