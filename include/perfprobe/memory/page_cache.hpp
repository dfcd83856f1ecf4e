// Cold starts without root: evict files from the page cache with posix_fadvise(DONTNEED), as
// `vmtouch -e` does. Dirty pages are not dropped, so each file is synced first; pages a running
// process maps stay (docs/kernel-facts.md §9).
#pragma once

#include <string>
#include <vector>

namespace perfprobe::memory {

// Evicts each file; returns "PATH: why" for the ones that could not be evicted.
[[nodiscard]] std::vector<std::string> evict_from_page_cache(const std::vector<std::string>& paths);

}  // namespace perfprobe::memory
