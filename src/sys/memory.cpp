// mmap(2) of private anonymous memory and madvise(MADV_POPULATE_WRITE) of its parts.
#include "perfprobe/sys/memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

namespace perfprobe::sys {

Mapping anonymous_memory(std::size_t size) noexcept {
  if (size == 0) return {};
  void* addr = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return addr == MAP_FAILED ? Mapping() : Mapping(addr, size);
}

void prefault(const Mapping& m, std::size_t offset, std::size_t len) noexcept {
  if (m.get() == nullptr || offset >= m.size() || len == 0) return;
  len = std::min(len, m.size() - offset);
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t first = offset / page * page;  // the mapping starts on a page
  (void)::madvise(static_cast<char*>(m.get()) + first, offset + len - first, MADV_POPULATE_WRITE);
}

void page_out(const void* begin, const void* end) noexcept {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto from = (reinterpret_cast<std::uintptr_t>(begin) + page - 1) / page * page;
  const auto to = reinterpret_cast<std::uintptr_t>(end) / page * page;
  if (to <= from) return;
  // NOLINTNEXTLINE(performance-no-int-to-ptr): page-aligned addresses inside the caller's mapping
  (void)::madvise(reinterpret_cast<void*>(from), to - from, MADV_PAGEOUT);
}

}  // namespace perfprobe::sys
