// Thin typed wrappers over perf_event_open(2) and its ioctls. Named perf_open, not perf_event_open,
// because libpfm4's header declares its own perf_event_open (see docs/kernel-facts.md §1).
#pragma once

#include <linux/perf_event.h>
#include <sys/types.h>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

// Returns the new fd, or an invalid Fd with errno_out set (perf failures are expected values here:
// the caller decides whether "not supported" or "no permission" ends anything).
[[nodiscard]] Fd perf_open(perf_event_attr& attr, pid_t pid, int cpu, int group_fd, unsigned long flags,
                           int& errno_out) noexcept;

// Starts or stops every perf event this process opened, in one system call (prctl
// PR_TASK_PERF_EVENTS_ENABLE/DISABLE): all of a busy target's threads start counting together,
// even when perfprobe itself gets little CPU between system calls (docs/kernel-facts.md).
void enable_own_perf_events() noexcept;
void disable_own_perf_events() noexcept;
// PERF_EVENT_IOC_DISABLE on one event; errors are ignored (a closing event needs no answer).
void perf_disable(int fd) noexcept;

// True when a perf event's fd reports POLLHUP: its task (and every task that inherited the event)
// has exited, so the fd stays readable for good and must leave a level-triggered loop.
[[nodiscard]] bool perf_hung_up(int fd) noexcept;

// kernel.perf_event_paranoid, or 2 (the kernel default) when it cannot be read.
[[nodiscard]] int perf_event_paranoid() noexcept;

// Number of possible CPUs (for per-CPU events).
[[nodiscard]] int online_cpus() noexcept;

}  // namespace perfprobe::sys
