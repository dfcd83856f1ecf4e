// fork + launch stub + go-pipe + exec. Only async-signal-safe calls between fork and exec.
//
// perfprobe makes itself a child subreaper and its forked child execs the embedded launch stub (stub.c)
// from a memfd. The stub forks the process that becomes the target, reports its pid on a pipe and
// exits; that process is re-parented to perfprobe, waits at the go-pipe while perfprobe opens every
// event on its pid, and execs the target when released. So the target's peak RSS (wait4) starts from
// the stub's few KiB, not from a copy of perfprobe. Where a memfd cannot be executed, the forked child
// falls back to waiting and exec'ing itself (peak RSS then includes perfprobe's copy).
#include "perfprobe/launch/child.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sstream>

#include "launch_stub_bytes.h"
#include "perfprobe/error.hpp"
#include "perfprobe/sys/process.hpp"
#include "perfprobe/sys/process_control.hpp"

extern char** environ;

namespace perfprobe::launch {

namespace {

std::vector<std::string> build_environment(const std::vector<std::string>& env_set) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    bool replaced = false;
    for (const auto& s : env_set) {
      if (eq != std::string::npos && s.compare(0, eq + 1, entry, 0, eq + 1) == 0) replaced = true;
    }
    if (!replaced) env.push_back(entry);
  }
  env.insert(env.end(), env_set.begin(), env_set.end());
  return env;
}

std::vector<char*> c_array(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void set_cloexec(int fd, bool on) {
  const int flags = ::fcntl(fd, F_GETFD);
  if (flags >= 0) ::fcntl(fd, F_SETFD, on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC));
}

// The stub's image in a sealed memfd, or an invalid Fd when memfds are unavailable.
sys::Fd stub_memfd() {
  sys::Fd fd(::memfd_create("perfprobe-launch", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd.valid()) return fd;
  if (!sys::write_all(fd.get(), kLaunchStub, sizeof kLaunchStub)) return sys::Fd();
  (void)::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
  return fd;
}

// Everything the forked child needs, prepared before fork (no allocation after it).
struct ChildArgs {
  const LaunchSpec* spec;
  int go_fd;
  int err_fd;
  int report_fd;
  pid_t parent;
  int stub_fd;       // -1: no stub, exec the target directly
  char** stub_argv;  // stub GO ERR REPORT PARENT CTTY PATH ARGV...
  const char* path;
  char** argv;
  char** envp;
  bool no_new_privs;
};

// Runs in the forked child. Reports errno on err_fd and exits 127 on any failure.
[[noreturn]] void child_main(const ChildArgs& a) {
  const LaunchSpec& spec = *a.spec;
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD}) ::signal(sig, SIG_DFL);
  if (spec.stdin_fd >= 0) ::dup2(spec.stdin_fd, 0);
  if (spec.stdout_fd >= 0) ::dup2(spec.stdout_fd, 1);
  if (spec.stderr_fd >= 0) ::dup2(spec.stderr_fd, 2);
  for (const int fd : spec.keep_fds) set_cloexec(fd, false);
  // With file capabilities, nothing the target runs may gain privilege (set-id or capable programs),
  // or perfprobe's own privilege would reach into processes that are not the user's.
  if (a.no_new_privs) sys::forbid_new_privileges();
  if (a.stub_fd >= 0) {
    for (const int fd : {a.go_fd, a.err_fd, a.report_fd, spec.controlling_tty_fd}) {
      if (fd >= 0) set_cloexec(fd, false);
    }
    sys::exec_fd(a.stub_fd, a.stub_argv, a.envp);
    // No stub (a memfd may not be executable here): be the target ourselves.
    for (const int fd : {a.go_fd, a.err_fd, a.report_fd}) set_cloexec(fd, true);
  }
  if (spec.controlling_tty_fd >= 0) sys::take_controlling_tty(spec.controlling_tty_fd);
  const pid_t self = ::getpid();
  (void)!::write(a.report_fd, &self, sizeof self);
  ::close(a.report_fd);
  char go = 0;
  ssize_t n;
  do {
    n = ::read(a.go_fd, &go, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) ::_exit(127);  // the parent gave up before releasing us
  sys::kill_when_parent_dies();
  if (::getppid() != a.parent) ::_exit(127);  // perfprobe died meanwhile
  ::execve(a.path, a.argv, a.envp);
  const int err = errno;
  (void)!::write(a.err_fd, &err, sizeof err);
  ::_exit(127);
}

}  // namespace

std::string find_in_path(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path_env = std::getenv("PATH");
  const std::string path = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  std::string fallback;  // first match that exists but is not executable, as execvp reports EACCES
  while (start <= path.size()) {
    const auto colon = path.find(':', start);
    const auto end = colon == std::string::npos ? path.size() : colon;
    // Built with push_back/append: `dir + "/" + program` trips gcc 12's false -Wrestrict (PR 105329).
    std::string candidate = end == start ? std::string(1, '.') : path.substr(start, end - start);
    candidate.push_back('/');
    candidate.append(program);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
      if (fallback.empty()) fallback = candidate;
    }
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return fallback;
}

Child::Child(const LaunchSpec& spec) {
  if (spec.argv.empty()) throw UsageError("no command given", "put the command after `--`");
  program_ = spec.argv.front();
  const std::string path = find_in_path(program_);
  if (path.empty()) {
    throw LaunchError("cannot run '" + program_ + "': command not found", 127,
                      "check the spelling, or give a path such as ./" + program_);
  }
  std::vector<std::string> argv_strings = spec.argv;
  std::vector<std::string> env_strings = build_environment(spec.env_set);
  std::vector<char*> argv = c_array(argv_strings);
  std::vector<char*> envp = c_array(env_strings);
  sys::Pipe go = sys::make_pipe();
  sys::Pipe err = sys::make_pipe();
  sys::Pipe report = sys::make_pipe();
  const sys::Fd stub = stub_memfd();
  const pid_t parent = ::getpid();
  // Orphans of the stub (the target) come to us, so that wait4 gives the target's own rusage.
  if (stub.valid()) (void)sys::become_child_subreaper();
  std::vector<std::string> stub_strings = {"perfprobe-launch",
                                           std::to_string(go.read.get()),
                                           std::to_string(err.write.get()),
                                           std::to_string(report.write.get()),
                                           std::to_string(parent),
                                           std::to_string(spec.controlling_tty_fd),
                                           path};
  stub_strings.insert(stub_strings.end(), argv_strings.begin(), argv_strings.end());
  std::vector<char*> stub_argv = c_array(stub_strings);
  const ChildArgs args{&spec,       go.read.get(), err.write.get(),         report.write.get(),
                       parent,      stub.get(),    stub_argv.data(),        path.c_str(),
                       argv.data(), envp.data(),   sys::raised_privileges()};

  const pid_t forked = ::fork();
  if (forked < 0) sys::throw_errno("cannot fork to run '" + program_ + "'");
  if (forked == 0) child_main(args);

  go_write_ = std::move(go.write);
  err_read_ = std::move(err.read);
  report.write.reset();
  err.write.reset();
  pid_t target = -1;
  ssize_t n;
  do {
    n = ::read(report.read.get(), &target, sizeof target);
  } while (n < 0 && errno == EINTR);
  if (target != forked) {
    // The stub ran: it has exited or is about to; reap it so the target is ours alone.
    int status = 0;
    while (::waitpid(forked, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (n != static_cast<ssize_t>(sizeof target) || target <= 0) {
    pid_ = target == forked ? forked : -1;
    int e = 0;
    const bool got = ::read(err_read_.get(), &e, sizeof e) == static_cast<ssize_t>(sizeof e);
    throw Error("cannot start '" + program_ + "': " + (got ? std::strerror(e) : "the launch stub failed"));
  }
  pid_ = target;
  int pidfd_errno = 0;
  pidfd_ = sys::open_pidfd(pid_, pidfd_errno);
  if (!pidfd_.valid()) sys::throw_errno("pidfd_open", pidfd_errno);
}

Child::Child(Child&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      reaped_(o.reaped_),
      program_(std::move(o.program_)),
      go_write_(std::move(o.go_write_)),
      err_read_(std::move(o.err_read_)),
      pidfd_(std::move(o.pidfd_)) {}

Child::~Child() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

std::int64_t Child::release() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const char go = 1;
  if (!sys::write_all(go_write_.get(), &go, 1)) sys::throw_errno("cannot release '" + program_ + "'");
  go_write_.reset();
  int err = 0;
  ssize_t n;
  do {
    n = ::read(err_read_.get(), &err, sizeof err);
  } while (n < 0 && errno == EINTR);
  err_read_.reset();
  if (n == static_cast<ssize_t>(sizeof err)) {
    reap();
    if (err == ENOENT) {
      throw LaunchError("cannot run '" + program_ + "': " + std::strerror(err), 127,
                        "check that the file and its interpreter (#! line) exist");
    }
    throw LaunchError("cannot execute '" + program_ + "': " + std::strerror(err), 126,
                      err == EACCES ? "make it executable (chmod +x) or check the mount's noexec flag" : "");
  }
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

namespace {
ExitStatus decode(int status, const rusage& usage) {
  ExitStatus s;
  s.usage = usage;
  if (WIFEXITED(status)) {
    s.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    s.signal = WTERMSIG(status);
    s.exit_code = 128 + WTERMSIG(status);
    s.core_dumped = WCOREDUMP(status);
  }
  return s;
}
}  // namespace

std::optional<ExitStatus> Child::try_reap() {
  if (reaped_) return std::nullopt;
  int status = 0;
  rusage usage{};
  const pid_t r = ::wait4(pid_, &status, WNOHANG, &usage);
  if (r != pid_) return std::nullopt;
  reaped_ = true;
  return decode(status, usage);
}

ExitStatus Child::reap() {
  int status = 0;
  rusage usage{};
  pid_t r;
  do {
    r = ::wait4(pid_, &status, 0, &usage);
  } while (r < 0 && errno == EINTR);
  reaped_ = true;
  return decode(status, usage);
}

namespace {

// The live descendants of pid (through /proc/PID/task/TID/children), depth first.
void collect_descendants(pid_t pid, std::vector<pid_t>& out, int depth) {
  if (depth > 64) return;
  const std::string base = "/proc/" + std::to_string(pid) + "/task/";
  DIR* d = ::opendir(base.c_str());
  if (d == nullptr) return;
  std::vector<pid_t> children;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::string text;
    if (!sys::read_file(base + e->d_name + "/children", text)) continue;
    std::istringstream in(text);
    for (pid_t c = 0; in >> c;) children.push_back(c);
  }
  ::closedir(d);
  for (const pid_t c : children) {
    out.push_back(c);
    collect_descendants(c, out, depth + 1);
  }
}

}  // namespace

void Child::signal(int sig) noexcept {
  if (pid_ <= 0 || reaped_) return;
  if (sig != SIGKILL) {
    ::kill(pid_, sig);
    return;
  }
  // SIGKILL ends everything the target started: its descendants, the process groups they made (a
  // shell's pipeline, a server's workers) and the orphans re-parented to us.
  try {
    std::vector<pid_t> all{pid_};
    collect_descendants(pid_, all, 0);
    collect_descendants(::getpid(), all, 0);
    const pid_t own_group = ::getpgrp();
    for (const pid_t p : all) {
      const pid_t group = ::getpgid(p);
      if (group > 0 && group != own_group) ::kill(-group, SIGKILL);
      ::kill(p, SIGKILL);
    }
  } catch (...) {
    ::kill(pid_, SIGKILL);
  }
}

}  // namespace perfprobe::launch
