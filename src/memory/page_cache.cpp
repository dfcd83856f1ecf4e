// posix_fadvise(DONTNEED) eviction per file, then a mincore(2) check of what stayed and who maps it.
#include "perfprobe/memory/page_cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "perfprobe/sys/fd.hpp"
#include "perfprobe/sys/file_pages.hpp"

namespace perfprobe::memory {

namespace {

std::string mib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

// "pid N (comm)" of the first process that maps the file (device and inode), empty when none is seen.
std::string mapped_by(const struct stat& st) {
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return {};
  std::string found;
  char want[64];
  std::snprintf(want, sizeof want, "%02x:%02x %lu", ::major(st.st_dev), ::minor(st.st_dev),
                static_cast<unsigned long>(st.st_ino));
  const std::string self = std::to_string(::getpid());
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9' || self == e->d_name) continue;
    std::string maps;
    if (!sys::read_file(std::string("/proc/") + e->d_name + "/maps", maps)) continue;
    std::istringstream in(maps);
    for (std::string line; std::getline(in, line);) {
      // address perms offset dev inode path
      std::istringstream f(line);
      std::string addr, perms, offset, dev, inode;
      f >> addr >> perms >> offset >> dev >> inode;
      if (dev + " " + inode != want) continue;
      std::string comm;
      (void)sys::read_file(std::string("/proc/") + e->d_name + "/comm", comm);
      if (!comm.empty() && comm.back() == '\n') comm.pop_back();
      found = std::string("pid ") + e->d_name + " (" + comm + ")";
      break;
    }
    if (!found.empty()) break;
  }
  ::closedir(d);
  return found;
}

}  // namespace

Eviction evict_and_check(const std::vector<std::string>& paths) {
  Eviction out;
  for (const auto& path : paths) {
    const sys::Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    struct stat st {};
    if (!fd.valid() || ::fstat(fd.get(), &st) != 0) {
      out.problems.push_back(path + ": " + std::strerror(errno));
      continue;
    }
    if (!S_ISREG(st.st_mode)) {
      out.problems.push_back(path + ": not a regular file");
      continue;
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const std::uint64_t before = sys::resident_bytes(fd.get(), size);
    (void)::fdatasync(fd.get());  // dirty pages survive DONTNEED; a read-only fd may still sync
    const int err = sys::drop_cached_pages(fd.get());
    if (err != 0) {
      out.problems.push_back(path + ": " + std::strerror(err));
      continue;
    }
    const std::uint64_t after = sys::resident_bytes(fd.get(), size);
    out.evicted_bytes += before > after ? before - after : 0;
    out.still_cached_bytes += after;
    const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    if (after > 16 * page) {  // a few pages come back at once (the mincore mapping's own read-ahead)
      const std::string who = mapped_by(st);
      out.problems.push_back(
          path + ": " + mib(after) + " of " + mib(size) + " stayed cached (" +
          (who.empty() ? "dirty, locked or mapped by a process perfprobe cannot see" : "mapped by " + who) + ")");
    }
  }
  return out;
}

std::vector<std::string> evict_from_page_cache(const std::vector<std::string>& paths) {
  return evict_and_check(paths).problems;
}

}  // namespace perfprobe::memory
