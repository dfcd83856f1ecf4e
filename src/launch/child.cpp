// fork + go-pipe + exec. Only async-signal-safe calls between fork and exec.
#include "perfprobe/launch/child.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "perfprobe/error.hpp"

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

// Runs in the forked child. Reports errno on err_fd and exits 127 on any failure.
[[noreturn]] void child_main(const LaunchSpec& spec, int go_fd, int err_fd, const char* path, char** argv,
                             char** envp) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD}) ::signal(sig, SIG_DFL);
  if (spec.controlling_tty_fd >= 0) {
    ::setsid();
    ::ioctl(spec.controlling_tty_fd, TIOCSCTTY, 0);
  }
  if (spec.stdin_fd >= 0) ::dup2(spec.stdin_fd, 0);
  if (spec.stdout_fd >= 0) ::dup2(spec.stdout_fd, 1);
  if (spec.stderr_fd >= 0) ::dup2(spec.stderr_fd, 2);
  for (const int fd : spec.keep_fds) {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
  }
  char go = 0;
  ssize_t n;
  do {
    n = ::read(go_fd, &go, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) ::_exit(127);  // the parent gave up before releasing us
  ::execve(path, argv, envp);
  const int err = errno;
  (void)!::write(err_fd, &err, sizeof err);
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

  pid_ = ::fork();
  if (pid_ < 0) sys::throw_errno("cannot fork to run '" + program_ + "'");
  if (pid_ == 0) child_main(spec, go.read.get(), err.write.get(), path.c_str(), argv.data(), envp.data());

  go_write_ = std::move(go.write);
  err_read_ = std::move(err.read);
  pidfd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
  if (!pidfd_.valid()) sys::throw_errno("pidfd_open");
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

void Child::signal(int sig) noexcept {
  if (pid_ > 0 && !reaped_) ::kill(pid_, sig);
}

}  // namespace perfprobe::launch
