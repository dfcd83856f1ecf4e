// Non-blocking, regular-only, size-bounded reads of the files a user names (see input_file.hpp).
#include "perfprobe/sys/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "perfprobe/error.hpp"

namespace perfprobe::sys {

namespace {

const char* kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Reads up to `len` bytes at the current offset; fewer only at end of file.
bool read_upto(int fd, char* buf, std::size_t len, std::size_t& got) {
  got = 0;
  while (got < len) {
    const ssize_t n = ::read(fd, buf + got, len - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

Fd open_input(const std::string& path, std::string_view what, std::uint64_t* size) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd.valid()) {
    throw UsageError("cannot open " + std::string(what) + " '" + path + "': " + std::strerror(errno), "check the path");
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno("cannot stat '" + path + "'");
  if (!S_ISREG(st.st_mode)) {
    throw UsageError("cannot read " + std::string(what) + " '" + path + "': it is " + kind(st.st_mode),
                     "give the path of a regular file");
  }
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  if (size != nullptr) *size = static_cast<std::uint64_t>(st.st_size);
  return fd;
}

std::string read_input(const std::string& path, std::string_view what, std::uint64_t max_bytes) {
  std::uint64_t size = 0;
  const Fd fd = open_input(path, what, &size);
  if (size > max_bytes) {
    throw UsageError(std::string(what) + " '" + path + "' is " + std::to_string(size) + " bytes, more than the " +
                     std::to_string(max_bytes) + " a valid one can have");
  }
  std::string out(static_cast<std::size_t>(size), '\0');
  std::size_t got = 0;
  if (!read_upto(fd.get(), out.data(), out.size(), got)) {
    throw UsageError("cannot read " + std::string(what) + " '" + path + "': " + std::strerror(errno));
  }
  out.resize(got);  // shrank meanwhile; a file that grows is read up to its size at open
  return out;
}

std::string read_head(const std::string& path, std::size_t n) noexcept {
  try {
    std::uint64_t size = 0;
    const Fd fd = open_input(path, "file", &size);
    std::string out(n, '\0');
    std::size_t got = 0;
    if (!read_upto(fd.get(), out.data(), out.size(), got)) return {};
    out.resize(got);
    return out;
  } catch (...) {
    return {};
  }
}

}  // namespace perfprobe::sys
