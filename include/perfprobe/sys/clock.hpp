// The one clock of the timeline: CLOCK_MONOTONIC in nanoseconds (perf events use the same via use_clockid).
#pragma once

#include <cstdint>
#include <ctime>

namespace perfprobe::sys {

inline std::int64_t monotonic_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

}  // namespace perfprobe::sys
