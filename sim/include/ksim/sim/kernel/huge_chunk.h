// Memory for the kernel's hot pools: 2 MiB chunks, aligned so that the OS can
// back each with one transparent huge page. Events and calendar blocks are
// touched in time order, not address order; on 4 KiB pages that costs TLB
// misses and a cache placement that changes from run to run.
#pragma once

#include <cstddef>
#include <memory>

namespace ksim {

inline constexpr std::size_t kHugeChunkBytes = std::size_t{2} << 20;

struct HugeChunkFree {
  void operator()(void* p) const;
};

/// A zero-filled, 2 MiB-aligned chunk of kHugeChunkBytes. Aborts when out of
/// memory. Huge pages are requested (madvise), not required.
std::unique_ptr<void, HugeChunkFree> allocate_huge_chunk();

/// Typed view: a chunk holding kHugeChunkBytes / sizeof(T) value-initialized T
/// (T must be trivially destructible).
template <class T>
struct HugeArray {
  static_assert(std::is_trivially_destructible_v<T>);
  static constexpr std::size_t kCount = kHugeChunkBytes / sizeof(T);
  std::unique_ptr<void, HugeChunkFree> mem = allocate_huge_chunk();
  [[nodiscard]] T* data() const { return static_cast<T*>(mem.get()); }
};

}  // namespace ksim
