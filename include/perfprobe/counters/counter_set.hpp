// A set of counting perf events on one target, opened before exec (enable_on_exec) and inherited
// by every thread and child process. Events this machine or this user cannot count are kept as
// "not supported: reason" entries instead of failing the run.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "perfprobe/counters/pfm.hpp"
#include "perfprobe/model.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::counters {

struct OpenOptions {
  bool enable_on_exec = true;  // false when attaching to a running process
  bool inherit = true;
};

// One event as opened: its fds (one per thread when attached to existing threads) or why it failed.
struct OpenedEvent {
  EventSpec spec;
  std::vector<sys::Fd> fds;
  std::string reason;  // empty when opened
  std::string note;
  bool exclude_kernel = false;
  std::string unit;
  bool hardware = false;
};

class CounterSet {
 public:
  CounterSet() = default;
  // Opens every spec on each of `tids` (a launched child: just its pid).
  CounterSet(std::vector<EventSpec> specs, const std::vector<pid_t>& tids, const OpenOptions& options);

  // A set whose read() returns these readings: the seam behind `run --fake-counters FILE`, so the
  // hardware-counter path (IPC, multiplexing, scaling) is tested end to end on machines with no PMU.
  [[nodiscard]] static CounterSet scripted(std::vector<CounterReading> readings);

  // Reads every event now (cheap: one read per fd). Safe while the target runs.
  [[nodiscard]] std::vector<CounterReading> read() const;
  [[nodiscard]] bool empty() const noexcept { return events_.empty() && scripted_.empty(); }
  [[nodiscard]] std::size_t supported_count() const noexcept;

 private:
  std::vector<OpenedEvent> events_;
  std::vector<CounterReading> scripted_;
};

// Explains a perf_event_open errno for a counting event, in words a user can act on.
[[nodiscard]] std::string explain_open_error(int err, bool exclude_kernel);

// Scales a reading for multiplexing: raw * enabled / running (raw when running is 0 or equal).
[[nodiscard]] double scale(std::uint64_t raw, std::uint64_t enabled, std::uint64_t running);

}  // namespace perfprobe::counters
