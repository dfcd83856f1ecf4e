// The eventfd behind a cross-thread wake-up, and a listening socket's options.
#include "perfprobe/sys/wakeup.hpp"

#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace perfprobe::sys {

Wakeup::Wakeup() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!fd_.valid()) throw_errno("eventfd");
}

void Wakeup::notify() noexcept {
  const std::uint64_t one = 1;
  (void)!::write(fd_.get(), &one, sizeof one);  // only fails when the counter is full: still readable
}

void Wakeup::clear() noexcept {
  std::uint64_t n = 0;
  (void)!::read(fd_.get(), &n, sizeof n);
}

void reuse_address_only(int socket_fd) noexcept {
  const int yes = 1;
  (void)::setsockopt(socket_fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

}  // namespace perfprobe::sys
