// Inlined code inside its caller: the default view of `report` (docs/record.md, "Inlined code").
// Symbolization gives an inlined call a frame of its own whose caller frame carries the call
// site's file:line, so dropping the inlined frames leaves each address to the function the
// compiler emitted, on the line of that function's own source where the inlined code was called.
#include <algorithm>
#include <vector>

#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {

namespace {

// In place: a new vector for each stack would cost an allocation each.
void fold(const std::vector<char>& inlined, std::vector<std::uint32_t>& stack) {
  const bool all_inlined = std::all_of(stack.begin(), stack.end(), [&](std::uint32_t f) { return inlined[f] != 0; });
  if (all_inlined) return;  // never empty a stack of inlined frames only
  std::erase_if(stack, [&](std::uint32_t f) { return inlined[f] != 0; });
}

}  // namespace

ResolvedProfile fold_inlined(ResolvedProfile profile) {
  std::vector<char> inlined;  // per frame, read once for all the stacks
  inlined.reserve(profile.frames.size());
  for (const auto& f : profile.frames) inlined.push_back(f.inlined ? 1 : 0);
  for (auto& s : profile.stacks) fold(inlined, s);         // each stack once for all its samples
  for (auto& w : profile.off_cpu) fold(inlined, w.stack);  // the chains of waits read the same way
  return profile;
}

}  // namespace perfprobe::report
