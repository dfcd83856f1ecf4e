// pprof's profile.proto (github.com/google/pprof, proto/profile.proto) of a symbolized recording,
// for `go tool pprof`, Grafana Pyroscope and speedscope. Layout in docs/pprof.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "perfprobe/model.hpp"
#include "perfprobe/profile.hpp"

namespace perfprobe::report {

// What the profile says about itself beyond the samples.
struct PprofMeta {
  std::vector<std::string> command;  // the target's argv (empty when attached)
  std::string tool;                  // "perfprobe X.Y.Z"
  std::int64_t time_unix_ns = 0;     // when the recording was made
  std::int64_t duration_ns = 0;      // the run's wall time
};

// When a recording began, in Unix ns, from when it ended (Unix s, as the data file keeps it) and its
// wall time; 0 when the figures overflow (a crafted file), so pprof then shows no date.
[[nodiscard]] std::int64_t recording_start_unix_ns(std::int64_t ended_unix_s, std::int64_t wall_ns) noexcept;

// The serialized Profile message, uncompressed: one Location per physical frame (its inlined
// frames as extra Lines, innermost first), one Mapping per module with its build-id, and labels
// "phase" (one per enclosing phase), "thread", "tid" and "pid" on each Sample.
[[nodiscard]] std::string to_pprof(const ResolvedProfile& profile, const std::vector<PhaseResult>& phases,
                                   const PprofMeta& meta);

// gzip (RFC 1952) of `bytes`, as pprof files are stored.
[[nodiscard]] std::string gzip(std::string_view bytes);

}  // namespace perfprobe::report
