// Process attributes set around fork and exec; see the header. No allocation, no locks: these run
// in a forked child before exec.
#include "perfprobe/sys/process_control.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace perfprobe::sys {

void forbid_new_privileges() noexcept { (void)::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }

void kill_when_parent_dies() noexcept { (void)::prctl(PR_SET_PDEATHSIG, SIGKILL); }

bool become_child_subreaper() noexcept { return ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }

void exec_fd(int fd, char* const argv[], char* const envp[]) noexcept {
  (void)::syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
}

void take_controlling_tty(int fd) noexcept {
  (void)::setsid();
  (void)::ioctl(fd, TIOCSCTTY, 0);
}

}  // namespace perfprobe::sys
