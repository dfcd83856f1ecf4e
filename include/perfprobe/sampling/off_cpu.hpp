// Each thread's off-CPU intervals from its switch records, with the reason as far as the
// recording tells and the wait sample whose call chain explains it (docs/record.md, "Off-CPU
// time"). Pure: tests feed it hand-made records.
#pragma once

#include <cstdint>
#include <vector>

#include "perfprobe/profile.hpp"
#include "perfprobe/sampling/profile.hpp"

namespace perfprobe::sampling {

// A major fault's sample explains the wait that ended at most this long before it: the kernel
// counts the fault when its retry finds the page, microseconds after the thread wakes.
inline constexpr std::int64_t kFaultAfterWakeNs = 1'000'000;

struct WaitInterval {
  std::int64_t start_ns = 0, end_ns = 0;
  pid_t pid = 0, tid = 0;
  OffCpuReason reason = OffCpuReason::unknown;
  std::int64_t wait = -1;  // index into Profile::waits of the sample with its call chain, -1: none
};

// Every thread seen (in task records, switches or samples): from its FORK record (else time zero)
// to its EXIT record (else Profile::off_cpu.end_ns). By tid.
[[nodiscard]] std::vector<ThreadSpan> thread_spans(const Profile& profile);

// The intervals of every thread, by tid then time. A switch-out pairs with the thread's next
// switch-in; a thread still out at its span's end is off CPU until then; a first switch-in with
// no switch-out before it starts an interval at the span's start (a new thread waiting for its
// first CPU is runnable; a thread found waiting at an attach is unknown).
[[nodiscard]] std::vector<WaitInterval> wait_intervals(const Profile& profile, const std::vector<ThreadSpan>& spans);

}  // namespace perfprobe::sampling
