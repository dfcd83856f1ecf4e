// An attached target for the run loop: a process that is already running. The same sources,
// snapshots and analysis as a launch; nothing is launched, reaped or signalled.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "measure.hpp"

namespace perfprobe::app {

struct AttachOutcome {
  RunResult result;
  bool target_exited = false;  // the target ended while perfprobe was attached
};

// Measures `pid` (its threads, its children, those they start later) for `duration_ns`, or until
// Ctrl-C or its exit when 0, as run `run_index` of the JSONL stream (--follow: one per target).
// Throws UsageError when there is no such process.
AttachOutcome measure_attached(const MeasurePlan& plan, pid_t pid, std::int64_t duration_ns, Session& session,
                               const Diag& diag, int run_index = 0);

}  // namespace perfprobe::app
