// Real-time priority for the few calls that must run back to back while every CPU is busy with the
// target (the ends of an attached window, docs/kernel-facts.md §1): SCHED_FIFO where perfprobe may
// (root, CAP_SYS_NICE or an RLIMIT_RTPRIO), normal priority otherwise.
#pragma once

namespace perfprobe::sys {

// While it lives, the calling thread runs at SCHED_FIFO priority 1 (when allowed; active() says
// whether it does), so no thread of normal priority preempts it. Keep it short: the thread must
// not spin while it holds a CPU at real-time priority.
class RealtimeScope {
 public:
  RealtimeScope() noexcept;
  ~RealtimeScope();
  RealtimeScope(const RealtimeScope&) = delete;
  RealtimeScope& operator=(const RealtimeScope&) = delete;
  [[nodiscard]] bool active() const noexcept { return active_; }

 private:
  int old_policy_ = 0;
  int old_priority_ = 0;
  bool active_ = false;
};

}  // namespace perfprobe::sys
