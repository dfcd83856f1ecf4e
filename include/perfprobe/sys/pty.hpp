// A pseudo-terminal for the target's stdout (--pty), in raw mode so its output stays byte-exact
// (a cooked pty would turn \n into \r\n, docs/kernel-facts.md §7).
#pragma once

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

struct Pty {
  Fd master;  // perfprobe reads the target's output here
  Fd slave;   // the target's stdout
};

// openpty + cfmakeraw on the slave, both ends close-on-exec. Throws Error.
[[nodiscard]] Pty make_pty();

// Sets O_NONBLOCK on fd. Throws Error.
void set_nonblocking(int fd);

}  // namespace perfprobe::sys
