// memfd + shared mapping, errors as perfprobe::Error.
#include "perfprobe/sys/shm.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace perfprobe::sys {

Fd make_memfd(const std::string& name, std::size_t bytes) {
  Fd fd(::memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd.valid()) throw_errno("memfd_create(" + name + ")");
  if (::ftruncate(fd.get(), static_cast<off_t>(bytes)) != 0) throw_errno("ftruncate(memfd " + name + ")");
  if (::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
    throw_errno("sealing memfd " + name);
  return fd;
}

Mapping map_shared(int fd, std::size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) throw_errno("mmap of the marker ring");
  return Mapping(p, bytes);
}

}  // namespace perfprobe::sys
