// The `record` data file: a versioned, self-describing binary file holding one recorded run (its
// timeline and measurements) and its profile (samples, module map with build-ids). Layout in
// docs/record.md. Written atomically (temporary name, then rename).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "perfprobe/model.hpp"
#include "perfprobe/sampling/profile.hpp"

namespace perfprobe::sampling {

inline constexpr char kDataMagic[8] = {'P', 'P', 'R', 'E', 'C', 'O', 'R', 'D'};
inline constexpr std::uint32_t kDataVersion = 1;

struct RecordData {
  std::string tool;                  // "perfprobe X.Y.Z"
  std::vector<std::string> command;  // the target's argv (empty for attach)
  pid_t attached_pid = 0;            // attach -p PID, 0 for a launched target
  std::string hostname;
  std::string kernel;  // uname -r, so `report` can say where it was recorded
  std::int64_t recorded_unix_s = 0;
  std::int64_t t0_mono_ns = 0;  // CLOCK_MONOTONIC of time zero
  RunResult run;
  std::vector<std::string> unavailable;
  std::vector<std::string> notes;
  Profile profile;
};

// Serializes to bytes (exposed for tests) and back. decode throws UsageError on a file that is
// not a perfprobe data file, has another version, or is truncated.
[[nodiscard]] std::string encode_data(const RecordData& data);
[[nodiscard]] RecordData decode_data(std::string_view bytes, const std::string& path_for_errors);

void write_data_file(const std::string& path, const RecordData& data);
[[nodiscard]] RecordData read_data_file(const std::string& path);

}  // namespace perfprobe::sampling
