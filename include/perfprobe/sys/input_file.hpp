// Files the user names as input (data files, baselines, configs, binaries, --diff files): opened without
// blocking, so a FIFO or device never hangs perfprobe, refused unless they are regular files, and read no
// further than the size they had when opened, so /dev/zero or a growing file cannot eat memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

// Opens a regular file read-only. Throws UsageError naming `what` (e.g. "--baseline file") when it cannot
// be opened or is a FIFO, device, socket or directory. `size` receives its size when not null.
[[nodiscard]] Fd open_input(const std::string& path, std::string_view what, std::uint64_t* size = nullptr);

// The whole content of a regular file, at most `max_bytes` (larger: UsageError). Same refusals as open_input.
[[nodiscard]] std::string read_input(const std::string& path, std::string_view what,
                                     std::uint64_t max_bytes = UINT64_MAX);

// The first `n` bytes of a regular file, empty when it is not one or cannot be read. Never throws.
[[nodiscard]] std::string read_head(const std::string& path, std::size_t n) noexcept;

}  // namespace perfprobe::sys
