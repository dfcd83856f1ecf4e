// A wake-up from another thread for the run's event loop (an eventfd), and the socket option of a
// listening server: how a helper thread (the --serve HTTP server) asks the loop for work without a
// periodic timer, and binds without sharing its port.
#pragma once

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

class Wakeup {
 public:
  Wakeup();  // throws Error
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  // Makes fd() readable; callable from any thread.
  void notify() noexcept;
  // Consumes the readiness of fd() (call from its callback, before looking at what was asked).
  void clear() noexcept;

 private:
  Fd fd_;
};

// SO_REUSEADDR only (a restart binds at once despite connections in TIME_WAIT), never SO_REUSEPORT,
// which would let a second server bind the same port and take half of the scrapes.
void reuse_address_only(int socket_fd) noexcept;

}  // namespace perfprobe::sys
