// attach --follow NAME: between two targets, the wait for the next process named NAME. /proc is
// scanned a few times a second, never in a busy loop, and Ctrl-C, SIGTERM or the end of --duration
// end the wait (docs/exports.md, "--follow").
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "measure.hpp"

namespace perfprobe::app {

// Four scans a second: a restarted server is found within a quarter of a second, at a cost of
// four wake-ups a second and a read of /proc/PID/comm per process while nothing runs.
inline constexpr std::chrono::milliseconds kFollowScan{250};

// The lowest pid named `name` (sys::processes_named) not in `skip`, once there is one; nothing when a
// signal (session.interrupted is then set) or `deadline_ns` (CLOCK_MONOTONIC; 0: none) ends the wait.
[[nodiscard]] std::optional<pid_t> wait_for_process_named(const std::string& name, const std::set<pid_t>& skip,
                                                          Session& session, std::int64_t deadline_ns);

}  // namespace perfprobe::app
