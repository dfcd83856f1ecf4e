// signalfd for the signals perfprobe forwards to its target.
#include "perfprobe/sys/signals.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

namespace perfprobe::sys {

SignalFd::SignalFd() {
  sigset_t mask;
  sigemptyset(&mask);
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&mask, sig);
  if (sigprocmask(SIG_BLOCK, &mask, &old_mask_) != 0) throw_errno("sigprocmask");
  fd_.reset(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!fd_.valid()) throw_errno("signalfd");
  // A closed reader of perfprobe's own output must not kill it before the report is written.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old_pipe_);
}

SignalFd::~SignalFd() {
  sigaction(SIGPIPE, &old_pipe_, nullptr);
  sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
}

std::optional<SignalInfo> SignalFd::read() {
  signalfd_siginfo info{};
  if (::read(fd_.get(), &info, sizeof info) != static_cast<ssize_t>(sizeof info)) return std::nullopt;
  SignalInfo out;
  out.signo = static_cast<int>(info.ssi_signo);
  // The tty driver sends SIGINT/SIGQUIT with si_code SI_KERNEL to the whole foreground process group.
  out.from_terminal = info.ssi_code == SI_KERNEL;
  out.sender_pid = static_cast<int>(info.ssi_pid);
  return out;
}

}  // namespace perfprobe::sys
