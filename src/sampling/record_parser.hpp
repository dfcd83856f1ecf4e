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
  // Wait events only: samples carry no kernel call chain (PERF_SAMPLE_CALLCHAIN off) but a stack
  // copy, whose frame-pointer chain is walked here instead; the sample keeps the first
  // `kept_stack_bytes` of the copy for report's unwinder (docs/kernel-facts.md §12).
  std::uint32_t kept_stack_bytes = 0;
};

// The wait events of one ring by event id (PERF_SAMPLE_IDENTIFIER opens each of their samples).
using WaitLayouts = std::vector<std::pair<std::uint64_t, RecordLayout>>;

// Decodes one whole record (header included) into `out`. Times stay absolute CLOCK_MONOTONIC
// ns here; the caller rebases them. Returns false for a truncated or malformed record, which
// the caller counts instead of trusting.
bool parse_record(std::span<const std::uint8_t> record, const RecordLayout& layout, Profile& out);

// The same for a ring of wait events: samples go to Profile::waits, overruns to lost_waits.
bool parse_wait_record(std::span<const std::uint8_t> record, const WaitLayouts& layouts, Profile& out);

// The call chain the kernel's frame-pointer walk (perf_callchain_user) gives, read from a copy of
// the user stack that starts at `sp`: `ip`, then the return address of each frame record [fp, fp+16)
// from `bp` on, while the record lies inside the copy and the return address is not zero, at most
// 127 entries (perf_event_max_stack's default).
[[nodiscard]] std::vector<std::uint64_t> frame_pointer_chain(std::uint64_t ip, std::uint64_t sp, std::uint64_t bp,
                                                             std::span<const std::uint8_t> stack);

// sched_switch's prev_state (the kernel's TASK_REPORT bits) as a WaitState.
[[nodiscard]] WaitState wait_state(std::int64_t prev_state);

}  // namespace perfprobe::sampling
