// perf_event_open(2) and the privilege facts that decide what it will allow.
#include "perfprobe/sys/perf.hpp"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

namespace perfprobe::sys {

Fd perf_open(perf_event_attr& attr, pid_t pid, int cpu, int group_fd, unsigned long flags, int& errno_out) noexcept {
  const long fd = ::syscall(SYS_perf_event_open, &attr, pid, cpu, group_fd, flags | PERF_FLAG_FD_CLOEXEC);
  errno_out = fd < 0 ? errno : 0;
  return Fd(fd < 0 ? -1 : static_cast<int>(fd));
}

void enable_own_perf_events() noexcept { (void)::prctl(PR_TASK_PERF_EVENTS_ENABLE, 0, 0, 0, 0); }

void disable_own_perf_events() noexcept { (void)::prctl(PR_TASK_PERF_EVENTS_DISABLE, 0, 0, 0, 0); }

void perf_disable(int fd) noexcept { (void)::ioctl(fd, PERF_EVENT_IOC_DISABLE, 0); }

bool perf_hung_up(int fd) noexcept {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR)) != 0;
}

int perf_event_paranoid() noexcept {
  std::ifstream in("/proc/sys/kernel/perf_event_paranoid");
  int value = 2;
  if (!(in >> value)) return 2;
  return value;
}

int online_cpus() noexcept {
  const long n = ::sysconf(_SC_NPROCESSORS_CONF);
  return n > 0 ? static_cast<int>(n) : 1;
}

}  // namespace perfprobe::sys
