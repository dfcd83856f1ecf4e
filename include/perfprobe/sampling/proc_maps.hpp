// The state of an already running process that side-band records will never tell: its executable
// mappings (/proc/PID/maps) and thread names (/proc/PID/task/TID/comm), for attach.
#pragma once

#include <sys/types.h>

#include <string_view>
#include <vector>

#include "perfprobe/sampling/profile.hpp"

namespace perfprobe::sampling {

// Executable file mappings in the text of /proc/PID/maps (pure, for tests).
[[nodiscard]] std::vector<Mapping> parse_proc_maps(std::string_view text, pid_t pid, std::int64_t t_ns);

// Adds `pid`'s executable mappings and the names of its threads `tids` to `profile`, stamped
// `t_mono_ns`.
void add_proc_state(pid_t pid, const std::vector<pid_t>& tids, std::int64_t t_mono_ns, Profile& profile);

}  // namespace perfprobe::sampling
