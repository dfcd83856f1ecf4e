// /proc and pidfd_open for attach.
#include "perfprobe/sys/process.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>
#include <sstream>

namespace perfprobe::sys {

Fd open_pidfd(pid_t pid, int& errno_out) noexcept {
  const long fd = ::syscall(SYS_pidfd_open, pid, 0);
  errno_out = fd < 0 ? errno : 0;
  return Fd(fd < 0 ? -1 : static_cast<int>(fd));
}

void signal_process(pid_t pid, int sig) noexcept {
  if (pid > 0) (void)::kill(pid, sig);
}

std::string executable_of(pid_t pid) {
  char buf[PATH_MAX];
  const std::string link = "/proc/" + std::to_string(pid) + "/exe";
  const ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  return n <= 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
}

std::vector<std::string> cmdline_of(pid_t pid) {
  std::string text;
  std::vector<std::string> out;
  if (!read_file("/proc/" + std::to_string(pid) + "/cmdline", text)) return out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto nul = text.find('\0', start);
    out.push_back(text.substr(start, nul == std::string::npos ? std::string::npos : nul - start));
    if (nul == std::string::npos) break;
    start = nul + 1;
  }
  return out;
}

std::optional<CpuTimes> parse_stat(const std::string& text, long ticks_per_s) {
  // The command name (field 2) may hold spaces and parentheses: fields restart after the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos || ticks_per_s <= 0) return std::nullopt;
  std::istringstream in(text.substr(close + 1));
  CpuTimes t;
  std::string field;
  if (!(in >> t.state)) return std::nullopt;
  long long utime = 0, stime = 0;
  for (int i = 4; i <= 13; ++i) in >> field;  // ppid .. cmajflt
  if (!(in >> utime >> stime)) return std::nullopt;
  t.user_ns = utime * 1'000'000'000LL / ticks_per_s;
  t.sys_ns = stime * 1'000'000'000LL / ticks_per_s;
  return t;
}

bool raised_privileges() noexcept { return ::getauxval(AT_SECURE) != 0; }

bool real_user_may_read(pid_t pid) {
  const uid_t uid = ::getuid();
  const gid_t gid = ::getgid();
  if (uid == 0) return true;
  std::string text;
  if (!read_file("/proc/" + std::to_string(pid) + "/status", text)) return false;
  std::istringstream in(text);
  bool uids = false;
  bool gids = false;
  for (std::string line; std::getline(in, line);) {
    const bool is_uid = line.starts_with("Uid:");
    if (!is_uid && !line.starts_with("Gid:")) continue;
    std::istringstream ids(line.substr(4));
    int count = 0;
    for (unsigned long id = 0; ids >> id; ++count) {
      if (id != (is_uid ? uid : gid)) return false;
    }
    (is_uid ? uids : gids) = count == 4;
  }
  return uids && gids;
}

bool is_kernel_thread(pid_t pid) {
  std::string text;
  if (!read_file("/proc/" + std::to_string(pid) + "/stat", text)) return false;
  const auto paren = text.rfind(')');
  if (paren == std::string::npos) return false;
  std::istringstream in(text.substr(paren + 1));
  std::string field;
  unsigned long flags = 0;
  for (int i = 0; i < 6 && in >> field;) ++i;  // state ppid pgrp session tty_nr tpgid
  if (!(in >> flags)) return false;
  constexpr unsigned long kPfKthread = 0x00200000;  // include/linux/sched.h
  return (flags & kPfKthread) != 0;
}

std::optional<CpuTimes> cpu_times_of(pid_t pid) {
  std::string text;
  if (!read_file("/proc/" + std::to_string(pid) + "/stat", text)) return std::nullopt;
  return parse_stat(text, ::sysconf(_SC_CLK_TCK));
}

char thread_state(pid_t pid, pid_t tid) {
  std::string text;
  if (!read_file("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/stat", text)) return '?';
  const auto t = parse_stat(text, 100);
  return t ? t->state : '?';
}

namespace {

constexpr std::size_t kCommLength = 15;  // TASK_COMM_LEN less its NUL

std::string file_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

bool is_named(const std::string& name, const std::string& comm, const std::string& program) {
  if (name.empty() || comm != name.substr(0, kCommLength)) return false;
  return name.size() <= kCommLength || file_name(program) == name;
}

std::vector<pid_t> processes_named(const std::string& name) {
  std::vector<pid_t> out;
  const std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), ::closedir);
  if (!proc) return out;
  const pid_t self = ::getpid();
  while (const dirent* entry = ::readdir(proc.get())) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || pid <= 0 || pid > INT_MAX || pid == self) continue;
    const auto p = static_cast<pid_t>(pid);
    std::string comm;
    if (!read_file("/proc/" + std::to_string(p) + "/comm", comm)) continue;  // gone meanwhile
    if (!comm.empty() && comm.back() == '\n') comm.pop_back();
    if (comm != name.substr(0, kCommLength)) continue;  // the cheap test first: most processes fail it
    std::string program;
    if (name.size() > kCommLength) {
      program = executable_of(p);
      if (program.empty()) {
        const auto argv = cmdline_of(p);
        if (!argv.empty()) program = argv.front();
      }
    }
    if (!is_named(name, comm, program) || is_kernel_thread(p)) continue;
    const auto cpu = cpu_times_of(p);
    if (!cpu || cpu->state == 'Z' || cpu->state == 'X') continue;  // exited, not reaped yet
    out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace perfprobe::sys
