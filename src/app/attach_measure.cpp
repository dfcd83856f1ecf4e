// Attach: the window opens once every source is open (the slow part: one counter per thread), when
// the counters of every thread are enabled together, and closes when the duration ends, --until
// fires, the --drive client ends, the target exits, or Ctrl-C, when they are disabled. The target's
// CPU time is read from /proc right inside both ends. The target is never stopped: perf events and
// /proc reads are all there is, and leaving only disables and closes them.
#include "attach_measure.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include "perfprobe/error.hpp"
#include "perfprobe/sys/clock.hpp"
#include "perfprobe/sys/event_loop.hpp"

namespace perfprobe::app {

namespace {

sys::Fd open_target(pid_t pid) {
  int err = 0;
  sys::Fd fd = sys::open_pidfd(pid, err);
  if (!fd.valid()) {
    throw UsageError("cannot attach to pid " + std::to_string(pid) + ": " +
                         (err == ESRCH ? std::string("no such process") : std::strerror(err)),
                     "list candidates with `pgrep NAME` or `ps -ef`");
  }
  return fd;
}

}  // namespace

AttachedTarget::AttachedTarget(pid_t pid, std::int64_t duration_ns, CpuTimesReader cpu_times)
    : pid_(pid), pidfd_(open_target(pid)), duration_ns_(duration_ns), cpu_times_(std::move(cpu_times)) {}

pid_t AttachedTarget::create(const std::vector<std::unique_ptr<RunSource>>& sources) {
  (void)sources;
  return pid_;
}

// From here to opened(): enable every counter, then read /proc, with no thread of the target
// running in between on perfprobe's CPU (docs/kernel-facts.md §1).
std::int64_t AttachedTarget::begin() {
  urgent_.emplace();
  return sys::monotonic_ns();
}

std::int64_t AttachedTarget::opened(std::int64_t t0) {
  (void)t0;
  const std::int64_t now = sys::monotonic_ns();
  cpu_before_ = cpu_times_(pid_);
  urgent_.reset();  // the window runs at normal priority: perfprobe only drains and samples
  return now;
}

// Ctrl-C ends the attach and is never forwarded: the target is not ours to stop.
void AttachedTarget::watch(sys::EventLoop& loop, Session& session, bool& ended) {
  loop.add_fd(pidfd_.get(), [this, &ended] {
    exited_ = true;
    close_window("target_exit", ended);
  });
  loop.add_fd(session.signals.fd(), [this, &session, &ended] {
    while (session.signals.read()) session.interrupted = true;
    close_window("interrupt", ended);
  });
  if (duration_ns_ > 0) {
    loop.add_timer(std::chrono::nanoseconds(duration_ns_), [this, &ended] { close_window("duration", ended); });
  }
}

// From here to end(): read /proc, then disable every counter. Perfprobe may have waited for a CPU
// before it got here; that only makes the window longer, and the wall time says so.
void AttachedTarget::closing() {
  urgent_.emplace();
  cpu_after_ = cpu_times_(pid_);
  closed_ns_ = sys::monotonic_ns();
}

// Not our child: no exit status or rusage, but the growth of its CPU times over the window.
void AttachedTarget::end(std::int64_t t0, RunResult& r) {
  urgent_.reset();
  r.wall_ns = closed_ns_ - t0;
  r.ended_by = ended_by_;  // the run loop names a source that closed it (--until, --drive) instead
  if (cpu_before_ && cpu_after_) {
    r.user_ns = cpu_after_->user_ns - cpu_before_->user_ns;
    r.sys_ns = cpu_after_->sys_ns - cpu_before_->sys_ns;
  }
}

void AttachedTarget::so_far(std::int64_t t0, RunResult& r) const {
  r.wall_ns = sys::monotonic_ns() - t0;
  r.ended_by = ended_by_;
  if (const auto cpu_now = cpu_times_(pid_); cpu_before_ && cpu_now) {
    r.user_ns = cpu_now->user_ns - cpu_before_->user_ns;
    r.sys_ns = cpu_now->sys_ns - cpu_before_->sys_ns;
  }
}

void AttachedTarget::close_window(const char* why, bool& ended) {
  if (!ended) ended_by_ = why;  // the first reason wins
  ended = true;
}

AttachOutcome measure_attached(const MeasurePlan& plan, pid_t pid, std::int64_t duration_ns, Session& session,
                               const Diag& diag, int run_index) {
  AttachedTarget target(pid, duration_ns);
  AttachOutcome out;
  if (session.progress) session.live = std::make_unique<LiveStatus>(1, 0);
  try {
    out.result = run_window(plan, target, session, diag, run_index, false);
  } catch (...) {
    session.live.reset();  // the error message must not land under a scroll region
    throw;
  }
  session.live.reset();  // the line is gone before the report
  out.target_exited = target.exited();
  return out;
}

}  // namespace perfprobe::app
