// posix_fadvise(DONTNEED) eviction, per file.
#include "perfprobe/memory/page_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::memory {

std::vector<std::string> evict_from_page_cache(const std::vector<std::string>& paths) {
  std::vector<std::string> failed;
  for (const auto& path : paths) {
    const sys::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
      failed.push_back(path + ": " + std::strerror(errno));
      continue;
    }
    (void)::fdatasync(fd.get());  // dirty pages survive DONTNEED; a read-only fd may still sync
    const int err = ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_DONTNEED);
    if (err != 0) failed.push_back(path + ": " + std::strerror(err));
  }
  return failed;
}

}  // namespace perfprobe::memory
