// mincore(2) residency and posix_fadvise(DONTNEED) eviction of one file.
#include "perfprobe/sys/file_pages.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

std::uint64_t resident_bytes(int fd, std::uint64_t size) noexcept {
  if (size == 0) return 0;
  void* addr = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  if (addr == MAP_FAILED) return 0;
  const Mapping mapping(addr, size);
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  try {
    std::vector<unsigned char> vec((size + page - 1) / page);
    if (::mincore(addr, size, vec.data()) != 0) return 0;
    std::uint64_t pages = 0;
    for (const unsigned char v : vec) pages += v & 1U;
    return std::min(size, pages * page);
  } catch (...) {  // the residency vector of a huge file could not be allocated
    return 0;
  }
}

int drop_cached_pages(int fd) noexcept { return ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED); }

}  // namespace perfprobe::sys
