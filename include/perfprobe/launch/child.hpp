// Launch without ptrace: start the target's process held at a go-pipe while the parent opens everything
// that must exist before exec, then release it. A close-on-exec error pipe tells exec failure (127/126).
// The process is a fork of a tiny embedded stub, not of perfprobe, so its peak RSS is its own; it is
// killed by the kernel if perfprobe dies (PR_SET_PDEATHSIG). See child.cpp.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::launch {

struct LaunchSpec {
  std::vector<std::string> argv;     // argv[0] is looked up in PATH like execvp
  std::vector<std::string> env_set;  // "NAME=value" added to (or replacing in) the environment
  int stdin_fd = -1;                 // -1: inherit perfprobe's own (byte-exact pass-through)
  int stdout_fd = -1;
  int stderr_fd = -1;
  int controlling_tty_fd = -1;  // >= 0: setsid() and make it the controlling terminal
  std::vector<int> keep_fds;    // fds the target must inherit (cleared of FD_CLOEXEC)
};

struct ExitStatus {
  int exit_code = 0;  // the status, or 128+signal
  std::optional<int> signal;
  bool core_dumped = false;
  rusage usage{};
};

// A forked target. Destroying a Child that was never reaped kills and reaps it (no zombies, no orphans).
class Child {
 public:
  // Starts the target's process, waiting at the gate; pid() is that process from here on, so events opened
  // on it count from its exec. Throws perfprobe::Error if it cannot be started.
  explicit Child(const LaunchSpec& spec);
  Child(Child&&) noexcept;
  Child& operator=(Child&&) = delete;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  // A pidfd that becomes readable when the child exits (for the event loop).
  [[nodiscard]] int pidfd() const noexcept { return pidfd_.get(); }

  // Releases the child and waits for exec. Returns the CLOCK_MONOTONIC time of the release.
  // Throws LaunchError (127 not found, 126 not executable) when exec fails.
  std::int64_t release();

  // Non-blocking reap; returns the status once the child has exited.
  std::optional<ExitStatus> try_reap();
  // Blocking reap.
  ExitStatus reap();
  // Sends sig to the target. SIGKILL goes to every process it started too: descendants, the process
  // groups they created, and orphans re-parented to perfprobe.
  void signal(int sig) noexcept;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string program_;
  sys::Fd go_write_;
  sys::Fd err_read_;
  sys::Fd pidfd_;
};

// execvp's PATH search, done in the parent so errors can name the file. Empty when not found.
[[nodiscard]] std::string find_in_path(const std::string& program);

}  // namespace perfprobe::launch
