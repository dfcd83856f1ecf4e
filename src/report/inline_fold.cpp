// Inlined code inside its caller: the default view of `report` (docs/record.md, "Inlined code").
// Symbolization gives an inlined call a frame of its own whose caller frame carries the call
// site's file:line, so dropping the inlined frames leaves each address to the function the
// compiler emitted, on the line of that function's own source where the inlined code was called.
#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {

namespace {

void fold(const ResolvedProfile& profile, std::vector<std::uint32_t>& stack) {
  std::vector<std::uint32_t> kept;
  kept.reserve(stack.size());
  for (const auto f : stack) {
    if (!profile.frames[f].inlined) kept.push_back(f);
  }
  if (!kept.empty()) stack = std::move(kept);  // never empty a stack of inlined frames only
}

}  // namespace

ResolvedProfile fold_inlined(ResolvedProfile profile) {
  for (auto& s : profile.samples) fold(profile, s.stack);
  for (auto& w : profile.off_cpu) fold(profile, w.stack);  // the chains of waits read the same way
  return profile;
}

}  // namespace perfprobe::report
