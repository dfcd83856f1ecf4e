// Trimming copied stacks at record time, so that the data file holds what `report` reads.
#include "perfprobe/sampling/stack_policy.hpp"

namespace perfprobe::sampling {

namespace {
constexpr std::uint64_t kFrameRecord = 16;  // saved BP + return address at BP
}  // namespace

void trim_stack(Sample& s, CallGraph mode) {
  if (mode != CallGraph::fp || s.stack.empty() || s.bp <= s.sp) return;
  const std::uint64_t keep = s.bp - s.sp + kFrameRecord;
  if (keep < s.stack.size()) s.stack.resize(keep);
}

}  // namespace perfprobe::sampling
