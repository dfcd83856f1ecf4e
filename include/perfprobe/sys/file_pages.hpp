// A file's pages in the page cache: how many are resident (mincore over a read-only mapping) and
// asking the kernel to drop the clean ones (posix_fadvise DONTNEED, as `vmtouch -e` does).
#pragma once

#include <cstdint>

namespace perfprobe::sys {

// Bytes of the file resident in the page cache; 0 when it cannot be mapped.
[[nodiscard]] std::uint64_t resident_bytes(int fd, std::uint64_t size) noexcept;
// Drops the file's clean cached pages; returns errno (0 = done). Dirty pages stay: sync first.
[[nodiscard]] int drop_cached_pages(int fd) noexcept;

}  // namespace perfprobe::sys
