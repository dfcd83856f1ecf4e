// glibc's heap grows at its top chunk, [sbrk(0) - keepcost, sbrk(0)). One block (the spacer) is
// allocated from the top chunk's start up to just below a 2 MiB boundary past the break, with
// M_TOP_PAD making malloc extend the heap by `bytes` beyond it: the new top chunk's header lands in
// the spacer's last page, and nothing touches the region above the boundary before madvise. A
// page touched there first would keep its whole 2 MiB in small pages. The spacer stays allocated
// so that malloc serves the next requests from the region, not from the gap below it.
#include "perfprobe/sys/heap.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace perfprobe::sys {

HugePageHeap::HugePageHeap(std::size_t bytes) noexcept {
  constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
  constexpr std::uintptr_t kChunkHeader = 16;  // prev_size and size, before each block
  constexpr std::uintptr_t kBelowBoundary = 32;
  constexpr int kDefaultTopPad = 128 << 10;  // glibc's M_TOP_PAD default
  constexpr std::size_t kMostBytes = std::size_t{1} << 30;
  if (bytes == 0 || bytes > kMostBytes) return;
  const auto brk = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  const auto top = brk - mallinfo2().keepcost;
  const auto from = (brk + kChunkHeader + kHugePage - 1) & ~(kHugePage - 1);
  (void)mallopt(M_TOP_PAD, static_cast<int>(bytes));
  void* spacer = std::malloc(from - kBelowBoundary - top - kChunkHeader);
  (void)mallopt(M_TOP_PAD, kDefaultTopPad);
  if (spacer == nullptr) return;
  if (reinterpret_cast<std::uintptr_t>(spacer) != top + kChunkHeader) {
    std::free(spacer);  // not glibc's heap as described above: leave it as it is
    return;
  }
  spacer_ = spacer;
  const auto to = reinterpret_cast<std::uintptr_t>(::sbrk(0)) & ~(kHugePage - 1);
  // Advice only: without transparent huge pages the heap faults page by page as before. The
  // boundary is reckoned as a number; madvise wants it back as an address.
  // NOLINTNEXTLINE(performance-no-int-to-ptr)
  if (to > from) (void)::madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
}

HugePageHeap::~HugePageHeap() { std::free(spacer_); }

}  // namespace perfprobe::sys
