// Process attributes set around fork and exec: no-new-privileges, the parent-death signal, the child
// subreaper, exec of an fd, the controlling terminal. Each is one system call and async-signal-safe,
// so the forked child may call them between fork and exec.
#pragma once

namespace perfprobe::sys {

// PR_SET_NO_NEW_PRIVS: nothing this process execs may gain privilege (set-id or capable programs).
void forbid_new_privileges() noexcept;
// PR_SET_PDEATHSIG with SIGKILL: the kernel kills this process when the thread that forked it dies.
void kill_when_parent_dies() noexcept;
// PR_SET_CHILD_SUBREAPER: orphaned descendants are re-parented to this process. False on failure.
[[nodiscard]] bool become_child_subreaper() noexcept;
// execveat(fd, "", AT_EMPTY_PATH): runs the program the fd holds (a memfd). Returns only on failure.
void exec_fd(int fd, char* const argv[], char* const envp[]) noexcept;
// setsid + TIOCSCTTY: a new session whose controlling terminal is the tty `fd`.
void take_controlling_tty(int fd) noexcept;

}  // namespace perfprobe::sys
