// Packet-mode pipes, pipe sizing and the background forwarder.
#include "perfprobe/sys/pipe.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace perfprobe::sys {

Pipe make_packet_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_DIRECT) != 0) throw_errno("pipe2(O_DIRECT)");
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

std::size_t grow_pipe(int fd, std::size_t bytes) noexcept {
  (void)::fcntl(fd, F_SETPIPE_SZ, static_cast<int>(bytes));
  const int now = ::fcntl(fd, F_GETPIPE_SZ);
  return now > 0 ? static_cast<std::size_t>(now) : 0;
}

namespace {

// Runs in the forked grandchild: only async-signal-safe calls from here on.
[[noreturn]] void forward(int from, int to) {
  // Keep nothing of perfprobe's open but the two ends: a reader waiting for EOF on one of
  // perfprobe's other descriptors must not wait for this process.
  if (from != 3 && to != 3) {
    if (::dup2(from, 3) < 0) ::_exit(1);
    from = 3;
  }
  for (int fd = 0; fd < 3; ++fd) {
    if (fd != to && fd != from) ::close(fd);
  }
  ::syscall(SYS_close_range, 4u, ~0u, 0u);
  // perfprobe blocks the signals it reads through a signalfd; this process must die of Ctrl-C.
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::signal(sig, SIG_DFL);
  const int flags = ::fcntl(from, F_GETFL);
  if (flags >= 0) (void)::fcntl(from, F_SETFL, flags & ~O_NONBLOCK);
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(from, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (!write_all(to, buf, static_cast<std::size_t>(n))) break;
  }
  ::_exit(0);
}

}  // namespace

void forward_in_background(int from, int to) {
  const pid_t child = ::fork();
  if (child < 0) throw_errno("fork (output forwarder)");
  if (child == 0) {
    if (::fork() == 0) forward(from, to);
    ::_exit(0);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace perfprobe::sys
