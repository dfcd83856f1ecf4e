// Per-user cache files: ownership and mode checked on the opened file (no race with a swap of the
// name), links never followed, sizes bounded (private_file.hpp).
#include "perfprobe/sys/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "perfprobe/sys/fd.hpp"
#include "perfprobe/sys/output_file.hpp"

namespace perfprobe::sys {

namespace {

bool private_owner(const struct stat& st) { return st.st_uid == ::getuid() && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0; }

}  // namespace

std::optional<std::string> read_private_file(const std::string& path, std::uint64_t max_bytes) noexcept {
  try {
    const Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    struct stat st {};
    if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || !private_owner(st) ||
        static_cast<std::uint64_t>(st.st_size) > max_bytes) {
      return std::nullopt;
    }
    std::string content(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::read(fd.get(), content.data() + done, content.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::nullopt;  // shrank while read: not the file we checked
      done += static_cast<std::size_t>(n);
    }
    return content;
  } catch (...) {
    return std::nullopt;
  }
}

bool make_private_directory(const std::string& dir) noexcept {
  try {
    if (dir.empty() || dir[0] != '/') return false;
    // Each missing component, from the top; existing ones are left as they are.
    for (std::size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
      const std::string part = dir.substr(0, slash);
      if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) return false;
      if (slash == std::string::npos) break;
    }
    struct stat st {};
    return ::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && private_owner(st);
  } catch (...) {
    return false;
  }
}

bool write_private_file(const std::string& path, std::string_view content) noexcept {
  if (::getuid() != ::geteuid()) return false;
  try {
    AtomicFile file(path, "cache");
    if (::fchmod(file.fd(), 0600) != 0) return false;
    file.write(content);
    file.commit();
    return true;
  } catch (...) {
    return false;
  }
}

std::string file_identity(const std::string& path) noexcept {
  try {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
  } catch (...) {
    return {};
  }
}

}  // namespace perfprobe::sys
