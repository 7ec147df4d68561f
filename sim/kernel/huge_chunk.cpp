#include "ksim/sim/kernel/huge_chunk.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>

#include "ksim/sim/kernel/check.h"

namespace ksim {

void HugeChunkFree::operator()(void* p) const { std::free(p); }

std::unique_ptr<void, HugeChunkFree> allocate_huge_chunk() {
  void* mem = std::aligned_alloc(kHugeChunkBytes, kHugeChunkBytes);
  KSIM_CHECK(mem != nullptr, "out of memory for a kernel chunk");
  // Advice only; where transparent huge pages are off this is a no-op.
  (void)madvise(mem, kHugeChunkBytes, MADV_HUGEPAGE);
  std::memset(mem, 0, kHugeChunkBytes);
  return std::unique_ptr<void, HugeChunkFree>(mem);
}

}  // namespace ksim
