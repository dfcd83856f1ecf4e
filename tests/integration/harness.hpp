// Runs the real perfprobe binary (or any program) with captured stdin/stdout/stderr for integration
// tests, and parses its JSON outputs. Header-only so every integration test can include it.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace harness {

// Whether this test (and so perfprobe, built with the same flags) runs under AddressSanitizer: gcc
// says so with __SANITIZE_ADDRESS__, clang only through __has_feature.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAsan = true;
#else
inline constexpr bool kAsan = false;
#endif
#else
inline constexpr bool kAsan = false;
#endif

struct Result {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

inline std::string perfprobe() { return PERFPROBE_BIN; }
inline std::string fixture(const std::string& name) { return std::string(PERFPROBE_FIXTURE_DIR) + "/" + name; }
inline std::string example(const std::string& path) { return std::string(PERFPROBE_EXAMPLE_DIR) + "/" + path; }

struct RunOptions {
  std::string input;  // fed to stdin, then closed
  int timeout_s = 60;
  int signal_after_ms = -1;  // send `signal` to the child after this long
  int signal = SIGINT;
  // When set, the signal_after_ms count starts only once this file exists and is not empty (a
  // target or a --jsonl run_start line says the measurement has begun): a slow start, as under
  // the sanitizers, must not turn a test of Ctrl-C handling into a kill of perfprobe itself.
  std::string signal_once_file;
  std::vector<std::string> env;     // extra NAME=value
  std::vector<std::string> prefix;  // e.g. {"setpriv", "--reuid=...", ...}
};

// Runs argv[0] with argv; stdout and stderr captured separately and completely.
inline Result run(const std::vector<std::string>& argv_in, const RunOptions& opt = {}) {
  std::vector<std::string> argv = opt.prefix;
  argv.insert(argv.end(), argv_in.begin(), argv_in.end());
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) std::abort();
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (const auto& e : opt.env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  fcntl(in[1], F_SETFL, O_NONBLOCK);
  Result r;
  std::size_t written = 0;
  if (opt.input.empty()) {
    close(in[1]);
    in[1] = -1;
  }
  const auto start = std::chrono::steady_clock::now();
  auto signal_start = start;
  bool signal_armed = opt.signal_once_file.empty();
  bool signalled = false;
  int open_streams = 2;
  char buf[65536];
  while (open_streams > 0) {
    pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
    poll(fds, in[1] >= 0 ? 3 : 2, 20);
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      } else {
        close(fds[i].fd);
        (i == 0 ? out[0] : err[0]) = -1;
        --open_streams;
      }
    }
    if (in[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR)) != 0) {
      const ssize_t n = write(in[1], opt.input.data() + written, opt.input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 || written == opt.input.size()) {
        close(in[1]);
        in[1] = -1;
      }
    }
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    if (!signal_armed) {
      struct stat st {};
      if (::stat(opt.signal_once_file.c_str(), &st) == 0 && st.st_size > 0) {
        signal_armed = true;
        signal_start = std::chrono::steady_clock::now();
      }
    }
    const auto since_armed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - signal_start).count();
    if (!signalled && signal_armed && opt.signal_after_ms >= 0 && since_armed >= opt.signal_after_ms) {
      kill(pid, opt.signal);
      signalled = true;
    }
    if (elapsed > opt.timeout_s * 1000) {
      kill(pid, SIGKILL);
      r.err += "\n[harness: killed after timeout]";
      break;
    }
  }
  if (in[1] >= 0) close(in[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// The setpriv prefix that runs a command as `user` (or as `fallback` when that user does not exist),
// with no supplementary groups and no inheritable capabilities: a real unprivileged process, not a
// root one with a changed uid. Empty when neither user exists.
inline std::vector<std::string> as_user(const char* user, const char* fallback = nullptr) {
  const passwd* pw = getpwnam(user);
  if (pw == nullptr && fallback != nullptr) pw = getpwnam(fallback);
  if (pw == nullptr) return {};
  return {"setpriv",
          "--reuid=" + std::to_string(pw->pw_uid),
          "--regid=" + std::to_string(pw->pw_gid),
          "--clear-groups",
          "--inh-caps=-all",
          "--"};
}

// A fresh temporary directory, removed with its contents at destruction.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/perfprobe-test-XXXXXX";
    path_ = mkdtemp(tmpl);
    chmod(path_.c_str(), 0777);
  }
  ~TempDir() { (void)!std::system(("rm -rf '" + path_ + "'").c_str()); }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(read_text(path)); }

inline std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(read_text(path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

inline bool is_root() { return geteuid() == 0; }

// A target started by the test for `attach` (its stdout to /dev/null), killed and reaped at the end.
// The constructor returns once the child runs the program (its /proc/PID/exe is no longer the test's).
class Running {
 public:
  explicit Running(const std::vector<std::string>& argv) {
    char self[4096] = {};
    (void)!readlink("/proc/self/exe", self, sizeof self - 1);
    pid_ = fork();
    if (pid_ == 0) {
      (void)!freopen("/dev/null", "w", stdout);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    const std::string exe = "/proc/" + std::to_string(pid_) + "/exe";
    for (int i = 0; i < 10000; ++i) {
      char now[4096] = {};
      if (readlink(exe.c_str(), now, sizeof now - 1) > 0 && std::string(now) != self) break;
      usleep(1000);
    }
  }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
  ~Running() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  [[nodiscard]] std::string pid() const { return std::to_string(pid_); }
  // Still running (neither exited nor killed): attach must never stop its target.
  [[nodiscard]] bool alive() const {
    int status = 0;
    return waitpid(pid_, &status, WNOHANG) == 0;
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace harness
