// openpty in raw mode; O_NONBLOCK.
#include "perfprobe/sys/pty.hpp"

#include <fcntl.h>
#include <pty.h>
#include <termios.h>

namespace perfprobe::sys {

Pty make_pty() {
  int master = -1;
  int slave = -1;
  if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) throw_errno("openpty (--pty)");
  Pty p{Fd(master), Fd(slave)};
  termios t{};
  if (::tcgetattr(slave, &t) != 0) throw_errno("tcgetattr (--pty)");
  ::cfmakeraw(&t);
  if (::tcsetattr(slave, TCSANOW, &t) != 0) throw_errno("tcsetattr (--pty)");
  for (const int fd : {master, slave}) {
    if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) throw_errno("fcntl(FD_CLOEXEC)");
  }
  return p;
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) throw_errno("fcntl(O_NONBLOCK)");
}

}  // namespace perfprobe::sys
