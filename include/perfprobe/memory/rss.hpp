// Resident memory of a process tree from /proc/PID/status (8-17 us a process; smaps_rollup would
// cost milliseconds, docs/kernel-facts.md §6). Anon vs file split: mapped weights show as file RSS.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "perfprobe/model.hpp"

namespace perfprobe::memory {

struct ProcStatus {
  std::uint64_t rss_bytes = 0, anon_bytes = 0, file_bytes = 0, shmem_bytes = 0, hwm_bytes = 0;
  std::uint64_t voluntary_ctxt_switches = 0, nonvoluntary_ctxt_switches = 0;
};

// Parses the text of /proc/PID/status (pure, for tests).
[[nodiscard]] ProcStatus parse_status(std::string_view text);

// The pids of `root` and all its descendants, through /proc/PID/task/TID/children.
[[nodiscard]] std::vector<pid_t> process_tree(pid_t root);

// All thread ids of one process (/proc/PID/task).
[[nodiscard]] std::vector<pid_t> threads_of(pid_t pid);

// Samples the tree's summed RSS. Returns nothing when the root is gone.
class RssSampler {
 public:
  explicit RssSampler(pid_t root) : root_(root) {}
  [[nodiscard]] std::optional<RssSample> sample(std::int64_t t_ns);
  [[nodiscard]] double mean_cost_us() const noexcept {
    return samples_ == 0 ? 0 : static_cast<double>(cost_ns_) / 1000.0 / static_cast<double>(samples_);
  }

 private:
  pid_t root_;
  std::uint64_t cost_ns_ = 0;
  std::uint64_t samples_ = 0;
};

}  // namespace perfprobe::memory
