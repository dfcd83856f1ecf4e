// The wait runs its own short event loop: the session's signalfd, a scan timer and, with a
// deadline, a timer for it; nothing else runs between two targets (the --serve thread answers
// scrapes from what it already has).
#include "follow.hpp"

#include "perfprobe/sys/clock.hpp"
#include "perfprobe/sys/event_loop.hpp"
#include "perfprobe/sys/process.hpp"

namespace perfprobe::app {

namespace {

std::optional<pid_t> scan(const std::string& name, const std::set<pid_t>& skip) {
  for (const pid_t pid : sys::processes_named(name)) {
    if (skip.count(pid) == 0) return pid;
  }
  return std::nullopt;
}

}  // namespace

std::optional<pid_t> wait_for_process_named(const std::string& name, const std::set<pid_t>& skip, Session& session,
                                            std::int64_t deadline_ns) {
  std::optional<pid_t> found = scan(name, skip);
  if (found) return found;
  sys::EventLoop loop;
  bool over = false;
  loop.add_fd(session.signals.fd(), [&] {
    while (session.signals.read()) session.interrupted = true;
    over = true;
  });
  loop.add_timer(kFollowScan, [&] {
    found = scan(name, skip);
    over = over || found.has_value();
  });
  if (deadline_ns > 0) {
    const std::int64_t left = deadline_ns - sys::monotonic_ns();
    if (left <= 0) return std::nullopt;
    loop.add_timer(std::chrono::nanoseconds(left), [&] { over = true; });
  }
  loop.run_until([&] { return over; });
  return found;
}

}  // namespace perfprobe::app
