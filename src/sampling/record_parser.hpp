// Decodes the records of a perf ring buffer (perf_event_open(2), "MMAP layout") into a Profile.
// Pure: fed with bytes, so unit tests can build records by hand.
#pragma once

#include <cstdint>
#include <span>

#include "perfprobe/sampling/profile.hpp"

namespace perfprobe::sampling {

// What the kernel was asked to put in each sample; decides the field layout.
struct RecordLayout {
  std::uint64_t sample_type = 0;
  std::uint32_t regs_count = 0;  // popcount(sample_regs_user)
  std::uint64_t regs_mask = 0;
};

// Decodes one whole record (header included) into `out`. Times stay absolute CLOCK_MONOTONIC
// ns here; the caller rebases them. Returns false for a truncated or malformed record, which
// the caller counts instead of trusting.
bool parse_record(std::span<const std::uint8_t> record, const RecordLayout& layout, Profile& out);

}  // namespace perfprobe::sampling
