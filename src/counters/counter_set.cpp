// Opens counting events with the kernel-context fallbacks described in docs/kernel-facts.md §1-§2.
#include "perfprobe/counters/counter_set.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "perfprobe/sys/perf.hpp"

namespace perfprobe::counters {

namespace {

// Software events the kernel counts only in kernel context: with exclude_kernel they read a
// silent 0 (docs/kernel-facts.md §1), so they must never be opened user-only.
bool counts_only_in_kernel(const perf_event_attr& attr) {
  return attr.type == PERF_TYPE_SOFTWARE &&
         (attr.config == PERF_COUNT_SW_CONTEXT_SWITCHES || attr.config == PERF_COUNT_SW_CPU_MIGRATIONS);
}

std::string unit_of(const perf_event_attr& attr) {
  if (attr.type == PERF_TYPE_SOFTWARE &&
      (attr.config == PERF_COUNT_SW_TASK_CLOCK || attr.config == PERF_COUNT_SW_CPU_CLOCK)) {
    return "ns";
  }
  return {};
}

perf_event_attr counting_attr(const EventSpec& spec, const OpenOptions& options, bool exclude_kernel) {
  perf_event_attr attr = spec.attr;
  attr.size = sizeof attr;
  attr.disabled = 1;  // exec (enable_on_exec) or enable() starts the window
  attr.enable_on_exec = options.enable_on_exec ? 1 : 0;
  attr.inherit = options.inherit ? 1 : 0;
  attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  attr.sample_period = 0;
  attr.freq = 0;
  if (!spec.explicit_privilege_level) {
    attr.exclude_kernel = exclude_kernel ? 1 : 0;
    attr.exclude_hv = 1;
  }
  return attr;
}

// Opens one event on every tid; returns the errno of the first failure (0 on success).
int open_on_all(perf_event_attr attr, const std::vector<pid_t>& tids, std::vector<sys::Fd>& fds) {
  fds.clear();
  for (const pid_t tid : tids) {
    int err = 0;
    sys::Fd fd = sys::perf_open(attr, tid, -1, -1, 0, err);
    if (!fd.valid()) {
      // A thread that exited between listing and opening is not a failure of the event.
      if (err == ESRCH && tids.size() > 1) continue;
      fds.clear();
      return err;
    }
    fds.push_back(std::move(fd));
  }
  return fds.empty() ? ESRCH : 0;
}

OpenedEvent open_event(EventSpec spec, const std::vector<pid_t>& tids, const OpenOptions& options) {
  OpenedEvent ev;
  ev.unit = unit_of(spec.attr);
  ev.hardware = spec.attr.type != PERF_TYPE_SOFTWARE && spec.attr.type != PERF_TYPE_TRACEPOINT &&
                spec.attr.type != PERF_TYPE_BREAKPOINT;
  // First try user + kernel, as perf stat does for a privileged user.
  const bool user_only_requested = spec.explicit_privilege_level && spec.attr.exclude_kernel;
  int err = open_on_all(counting_attr(spec, options, false), tids, ev.fds);
  ev.exclude_kernel = user_only_requested;
  bool tried_user_only = user_only_requested;
  if ((err == EACCES || err == EPERM) && !spec.explicit_privilege_level) {
    if (counts_only_in_kernel(spec.attr)) {
      ev.reason = "counted only in kernel context, and kernel counting was refused (" +
                  std::string(std::strerror(err)) +
                  "); user-only counting would read a silent 0. Needs CAP_PERFMON or "
                  "kernel.perf_event_paranoid <= 1";
      ev.spec = std::move(spec);
      return ev;
    }
    err = open_on_all(counting_attr(spec, options, true), tids, ev.fds);
    tried_user_only = true;
    if (err == 0) {
      ev.exclude_kernel = true;
      ev.note = "user space only: kernel counting needs CAP_PERFMON or kernel.perf_event_paranoid <= 1";
    }
  }
  if (err != 0) ev.reason = explain_open_error(err, tried_user_only);
  ev.spec = std::move(spec);
  return ev;
}

}  // namespace

std::string explain_open_error(int err, bool exclude_kernel) {
  switch (err) {
    case ENOENT:
      return "no PMU on this machine counts it (ENOENT): hardware events are absent in most VMs and containers";
    case ENODEV:
      return "no PMU on this machine counts it (ENODEV)";
    case EOPNOTSUPP:
      return "the PMU cannot count it in this mode (EOPNOTSUPP)";
    case EACCES:
    case EPERM:
      return std::string("permission denied (") + std::strerror(err) + "): kernel.perf_event_paranoid is " +
             std::to_string(sys::perf_event_paranoid()) +
             (exclude_kernel ? "; grant CAP_PERFMON or lower it"
                             : "; kernel counting needs CAP_PERFMON or paranoid <= 1");
    case EINVAL:
      return "the kernel rejected the encoding (EINVAL): the event or one of its modifiers is not valid here";
    case EMFILE:
    case ENFILE:
      return "too many open files (raise `ulimit -n`)";
    case ESRCH:
      return "the target exited before the counter could be opened (ESRCH)";
    default:
      return std::string("perf_event_open failed: ") + std::strerror(err);
  }
}

double scale(std::uint64_t raw, std::uint64_t enabled, std::uint64_t running) {
  if (running == 0 || running >= enabled) return static_cast<double>(raw);
  return static_cast<double>(raw) * static_cast<double>(enabled) / static_cast<double>(running);
}

CounterSet::CounterSet(std::vector<EventSpec> specs, const std::vector<pid_t>& tids, const OpenOptions& options) {
  events_.reserve(specs.size());
  for (auto& spec : specs) events_.push_back(open_event(std::move(spec), tids, options));
}

// One system call for every event, not one per fd: with hundreds of busy threads, perfprobe may
// wait a whole scheduling round between two ioctls, and the window would start thread by thread.
// Events of other sources are enabled already, so enabling them too changes nothing.
void CounterSet::enable() { sys::enable_own_perf_events(); }

void CounterSet::disable() { sys::disable_own_perf_events(); }

std::vector<CounterReading> CounterSet::read() const {
  std::vector<CounterReading> out;
  out.reserve(events_.size());
  for (const auto& ev : events_) {
    CounterReading r;
    r.name = ev.spec.name;
    r.unit = ev.unit;
    r.hardware = ev.hardware;
    r.exclude_kernel = ev.exclude_kernel;
    r.note = ev.note;
    if (ev.fds.empty()) {
      r.reason = ev.reason;
      out.push_back(std::move(r));
      continue;
    }
    r.supported = true;
    double scaled = 0;
    for (const auto& fd : ev.fds) {
      std::uint64_t buf[3] = {0, 0, 0};
      if (::read(fd.get(), buf, sizeof buf) != static_cast<ssize_t>(sizeof buf)) continue;
      r.raw += buf[0];
      r.time_enabled_ns += buf[1];
      r.time_running_ns += buf[2];
      scaled += scale(buf[0], buf[1], buf[2]);
    }
    r.value = scaled;
    if (r.time_enabled_ns > 0 && r.time_running_ns == 0) {
      r.note = "not counted: the event was never scheduled on a counter (running 0%)";
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace perfprobe::counters
