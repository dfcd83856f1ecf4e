// Files of a per-user cache: read back only when nobody but this user could have written them, written
// whole or not at all (sys::AtomicFile), mode 0600, in directories made 0700. Nothing here throws: a
// cache that cannot be read or written is a cache miss, never an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace perfprobe::sys {

// The content of `path` when it is a regular file (a symbolic link there is not followed) owned by the
// real user, neither group- nor world-writable, and at most `max_bytes` long; otherwise nothing.
[[nodiscard]] std::optional<std::string> read_private_file(const std::string& path, std::uint64_t max_bytes) noexcept;

// Creates `dir` and its missing parents (mode 0700). True when `dir` is then a directory (not a link)
// owned by the real user and neither group- nor world-writable.
[[nodiscard]] bool make_private_directory(const std::string& dir) noexcept;

// Replaces `path` (in a directory make_private_directory accepted) with `content`, mode 0600. False on
// any failure, and when perfprobe runs set-uid (the file would belong to someone else).
bool write_private_file(const std::string& path, std::string_view content) noexcept;

// Which file is at `path` now, as text that changes when the file is replaced or modified (device,
// inode, size, modification time); empty when nothing is there.
[[nodiscard]] std::string file_identity(const std::string& path) noexcept;

}  // namespace perfprobe::sys
