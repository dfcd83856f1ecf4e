// Decodes the records of a perf ring buffer (perf_event_open(2), "MMAP layout") into a Profile.
// Pure: fed with bytes, so unit tests can build records by hand.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "perfprobe/sampling/profile.hpp"

namespace perfprobe::sampling {

// What the kernel was asked to put in each sample; decides the field layout.
struct RecordLayout {
  std::uint64_t sample_type = 0;
  std::uint32_t regs_count = 0;  // popcount(sample_regs_user)
  std::uint64_t regs_mask = 0;
  // Wait events only: the kind of their samples, and where sched_switch's prev_state lies in
  // the raw tracepoint data (-1: no state).
  WaitSample::Kind wait_kind = WaitSample::Kind::switch_out;
  std::int32_t state_offset = -1;
};

// The wait events of one ring by event id (PERF_SAMPLE_IDENTIFIER opens each of their samples).
using WaitLayouts = std::vector<std::pair<std::uint64_t, RecordLayout>>;

// Decodes one whole record (header included) into `out`. Times stay absolute CLOCK_MONOTONIC
// ns here; the caller rebases them. Returns false for a truncated or malformed record, which
// the caller counts instead of trusting.
bool parse_record(std::span<const std::uint8_t> record, const RecordLayout& layout, Profile& out);

// The same for a ring of wait events: samples go to Profile::waits, overruns to lost_waits.
bool parse_wait_record(std::span<const std::uint8_t> record, const WaitLayouts& layouts, Profile& out);

// sched_switch's prev_state (the kernel's TASK_REPORT bits) as a WaitState.
[[nodiscard]] WaitState wait_state(std::int64_t prev_state);

}  // namespace perfprobe::sampling
