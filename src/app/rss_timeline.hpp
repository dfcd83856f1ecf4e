// The RSS timeline of one run or attach: samples of the target's process tree into the timeline
// and the RunResult, with the --rss-warn crossing reported once. Shared by launch and attach.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "perfprobe/app/diag.hpp"
#include "perfprobe/memory/rss.hpp"
#include "perfprobe/model.hpp"
#include "perfprobe/timeline.hpp"

namespace perfprobe::app {

class RssTimeline {
 public:
  RssTimeline(pid_t root, std::uint64_t warn_bytes, const Diag& diag)
      : sampler_(root), warn_bytes_(warn_bytes), diag_(diag) {}
  // One sample now: appended to `result.rss`, the peak, and the timeline (the live JSONL stream).
  void sample(Timeline& timeline, RunResult& result);
  [[nodiscard]] double mean_cost_us() const noexcept { return sampler_.mean_cost_us(); }

 private:
  memory::RssSampler sampler_;
  std::uint64_t warn_bytes_;
  const Diag& diag_;
  bool warned_ = false;
};

}  // namespace perfprobe::app
