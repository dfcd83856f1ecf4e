// The real Counters: counting perf events on one target, inherited by every thread and child
// process, opened disabled and started either by the target's exec (a launch) or by enable() (an
// attach). Events this machine or this user cannot count are kept as "not supported: reason"
// entries instead of failing the run.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "perfprobe/counters/counters.hpp"
#include "perfprobe/counters/pfm.hpp"
#include "perfprobe/model.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::counters {

struct OpenOptions {
  bool enable_on_exec = true;  // false when attaching to a running process: enable() starts it
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

class CounterSet final : public Counters {
 public:
  // Opens every spec, disabled, on each of `tids` (a launched child: just its pid).
  CounterSet(std::vector<EventSpec> specs, const std::vector<pid_t>& tids, const OpenOptions& options);

  // Start and stop every perf event this process opened at once (see counter_set.cpp).
  void enable() override;
  void disable() override;
  // Reads every event now (cheap: one read per fd). Safe while the target runs.
  [[nodiscard]] std::vector<CounterReading> read() const override;

 private:
  std::vector<OpenedEvent> events_;
};

// Explains a perf_event_open errno for a counting event, in words a user can act on.
[[nodiscard]] std::string explain_open_error(int err, bool exclude_kernel);

// Scales a reading for multiplexing: raw * enabled / running (raw when running is 0 or equal).
[[nodiscard]] double scale(std::uint64_t raw, std::uint64_t enabled, std::uint64_t running);

}  // namespace perfprobe::counters
