// SCHED_FIFO for a short stretch of one thread, restored on the way out.
#include "perfprobe/sys/sched.hpp"

#include <sched.h>

namespace perfprobe::sys {

RealtimeScope::RealtimeScope() noexcept {
  old_policy_ = ::sched_getscheduler(0);
  sched_param old{};
  if (old_policy_ < 0 || ::sched_getparam(0, &old) != 0) return;
  old_priority_ = old.sched_priority;
  const sched_param fifo{.sched_priority = 1};
  // Reset on fork: a process started meanwhile (a --drive client) must not inherit the priority.
  active_ = ::sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &fifo) == 0;
}

RealtimeScope::~RealtimeScope() {
  if (!active_) return;
  const sched_param old{.sched_priority = old_priority_};
  (void)::sched_setscheduler(0, old_policy_, &old);  // keeps the thread's nice value
}

}  // namespace perfprobe::sys
