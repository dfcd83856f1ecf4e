// Checks on output paths made before any process starts, and small facts about this machine that
// the record data file keeps.
#pragma once

#include <string>

namespace perfprobe::app {

// Throws UsageError when `path`'s directory does not exist or is not writable. Empty path: no-op.
void check_output_writable(const std::string& path, const char* option);

// Hostname and kernel release (for the data file's header), empty when unreadable.
[[nodiscard]] std::string host_name();
[[nodiscard]] std::string kernel_release();

}  // namespace perfprobe::app
