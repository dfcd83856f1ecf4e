// The temporary's name carries the pid and a counter, and O_EXCL refuses anything already there
// (a stale file or a planted symlink): the next name is tried instead.
#include "perfprobe/sys/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "perfprobe/error.hpp"

namespace perfprobe::sys {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  for (int attempt = 0; attempt < 100 && !fd_.valid(); ++attempt) {
    tmp_ = path_ + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(attempt);
    fd_.reset(::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd_.valid() && errno != EEXIST) throw_errno("cannot create '" + tmp_ + "'");
  }
  if (!fd_.valid()) throw_errno("cannot create a temporary beside '" + path_ + "'");
}

AtomicFile::AtomicFile(AtomicFile&& o) noexcept
    : path_(std::move(o.path_)), tmp_(std::exchange(o.tmp_, {})), fd_(std::move(o.fd_)), size_(o.size_) {}

AtomicFile::~AtomicFile() {
  if (fd_.valid()) ::unlink(tmp_.c_str());
}

void AtomicFile::write(std::string_view bytes) {
  if (!write_all(fd_.get(), bytes.data(), bytes.size())) throw_errno("cannot write '" + tmp_ + "'");
  size_ += bytes.size();
}

void AtomicFile::commit() {
  const bool synced = ::fsync(fd_.get()) == 0;
  const int sync_err = errno;
  fd_.reset();
  if (!synced) {
    ::unlink(tmp_.c_str());
    throw_errno("cannot write '" + tmp_ + "'", sync_err);
  }
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp_.c_str());
    throw_errno("cannot rename '" + tmp_ + "' to '" + path_ + "'", err);
  }
}

}  // namespace perfprobe::sys
