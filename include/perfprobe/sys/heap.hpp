// The heap in huge pages: on VMs each 4 KiB page fault costs microseconds, and a report that fills
// a few MB of heap spent more in faults than in its own work (docs/benchmarks.md).
#pragma once

#include <cstddef>

namespace perfprobe::sys {

// While it lives, the heap's next `bytes` lie in a region the kernel is asked to back with
// transparent huge pages (granted where /sys/kernel/mm/transparent_hugepage/enabled says madvise
// or always), so the allocations that follow fault 2 MiB at a time. Only address space is taken
// until they touch it. Make it after mallopt's thresholds are set (the trim threshold above
// `bytes`), before the large allocations. Without glibc's heap layout (a sanitizer's allocator)
// it does nothing.
class HugePageHeap {
 public:
  explicit HugePageHeap(std::size_t bytes) noexcept;
  ~HugePageHeap();
  HugePageHeap(const HugePageHeap&) = delete;
  HugePageHeap& operator=(const HugePageHeap&) = delete;

 private:
  void* spacer_ = nullptr;
};

}  // namespace perfprobe::sys
