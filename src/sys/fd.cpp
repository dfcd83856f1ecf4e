// RAII fd/mapping owners and small I/O helpers that retry on EINTR.
#include "perfprobe/sys/fd.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "perfprobe/error.hpp"

namespace perfprobe::sys {

void throw_errno(std::string_view what) { throw_errno(what, errno); }

void throw_errno(std::string_view what, int err) { throw Error(std::string(what) + ": " + std::strerror(err)); }

void Fd::reset(int raw) noexcept {
  if (raw_ >= 0) ::close(raw_);
  raw_ = raw;
}

Pipe make_pipe(bool cloexec) {
  int fds[2];
  if (::pipe2(fds, cloexec ? O_CLOEXEC : 0) != 0) throw_errno("pipe2");
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

Mapping& Mapping::operator=(Mapping&& o) noexcept {
  reset();
  addr_ = std::exchange(o.addr_, nullptr);
  len_ = std::exchange(o.len_, 0);
  return *this;
}

void Mapping::reset() noexcept {
  if (addr_ != nullptr && addr_ != MAP_FAILED) ::munmap(addr_, len_);
  addr_ = nullptr;
  len_ = 0;
}

bool write_all(int fd, const void* buf, std::size_t len) noexcept {
  const auto* p = static_cast<const char*>(buf);
  while (len > 0) {
    const ssize_t n = ::write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

bool read_file(const std::string& path, std::string& out) {
  out.clear();
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) return true;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

void ensure_standard_fds() noexcept {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    // open returns the lowest free descriptor, which is this one; any other result is not ours to keep.
    const int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened >= 0 && opened != fd) ::close(opened);
  }
}

}  // namespace perfprobe::sys
