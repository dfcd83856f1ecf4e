// Cold starts without root: evict files from the page cache with posix_fadvise(DONTNEED), as
// `vmtouch -e` does, then check with mincore(2) what actually left. Dirty pages are not dropped, so each
// file is synced first; pages a running process maps stay cached (docs/kernel-facts.md §9), and the
// check names that process.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace perfprobe::memory {

struct Eviction {
  std::uint64_t evicted_bytes = 0;       // resident before the eviction minus resident after
  std::uint64_t still_cached_bytes = 0;  // resident after it
  std::vector<std::string> problems;     // "PATH: why" for each file that could not be evicted or stayed cached
};

// Evicts each file and checks its residency afterwards.
[[nodiscard]] Eviction evict_and_check(const std::vector<std::string>& paths);

// Evicts each file; returns "PATH: why" for the ones that could not be evicted or stayed cached.
[[nodiscard]] std::vector<std::string> evict_from_page_cache(const std::vector<std::string>& paths);

}  // namespace perfprobe::memory
