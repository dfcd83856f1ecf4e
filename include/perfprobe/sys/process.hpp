// Looking at a process perfprobe did not start (attach): a pidfd to learn when it exits, its
// executable and command line, its CPU times. Nothing here stops or traces it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

// pidfd_open(2): readable once the process exits. Invalid Fd with errno_out set on failure.
[[nodiscard]] Fd open_pidfd(pid_t pid, int& errno_out) noexcept;

// kill(2), for a child perfprobe started and has not reaped yet (so the pid cannot be reused).
void signal_process(pid_t pid, int sig) noexcept;

// /proc/PID/exe resolved, or empty when it cannot be read (another user's process, gone).
[[nodiscard]] std::string executable_of(pid_t pid);
// True when perfprobe runs with more privilege than the user who started it (file capabilities such as
// cap_perfmon=ep, or a set-id bit): the kernel's AT_SECURE. Such privilege must never reach past the
// real user's own processes.
[[nodiscard]] bool raised_privileges() noexcept;
// The kernel's ptrace_may_access for reading, applied for the real user: every uid and gid of PID (real,
// effective, saved, filesystem) is the real user's, or the real user is root. False when unreadable.
[[nodiscard]] bool real_user_may_read(pid_t pid);

// True when PID is a kernel thread (PF_KTHREAD in /proc/PID/stat): it has no program to measure.
[[nodiscard]] bool is_kernel_thread(pid_t pid);
// /proc/PID/cmdline split at NULs.
[[nodiscard]] std::vector<std::string> cmdline_of(pid_t pid);

// attach --follow NAME: the live processes named NAME, in ascending pid order, never perfprobe
// itself. A process is named NAME when its comm (what ps and pgrep show, which the kernel cuts to 15
// characters) is NAME, or, for a longer NAME, is its first 15 characters and the file name of its
// executable (or, unreadable, of argv[0]) is NAME. Zombies and kernel threads are left out.
[[nodiscard]] std::vector<pid_t> processes_named(const std::string& name);
// The rule above on given texts (pure, for tests): `program` is the executable's path or argv[0].
[[nodiscard]] bool is_named(const std::string& name, const std::string& comm, const std::string& program);

struct CpuTimes {
  std::int64_t user_ns = 0;
  std::int64_t sys_ns = 0;
  char state = '?';  // R, S, D, T (stopped), t (traced), Z...
};
// utime/stime/state of /proc/PID/stat (all threads of the process), or nothing when it is gone.
[[nodiscard]] std::optional<CpuTimes> cpu_times_of(pid_t pid);
// The scheduler state of thread `tid` of `pid` (/proc/PID/task/TID/stat: R, S, D...), '?' when gone.
[[nodiscard]] char thread_state(pid_t pid, pid_t tid);
// Parses the text of /proc/PID/stat (pure, for tests); `ticks_per_s` from sysconf(_SC_CLK_TCK).
[[nodiscard]] std::optional<CpuTimes> parse_stat(const std::string& text, long ticks_per_s);

}  // namespace perfprobe::sys
