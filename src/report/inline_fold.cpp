// Inlined code inside its caller: the default view of `report` (docs/record.md, "Inlined code").
// Symbolization gives an inlined call a frame of its own whose caller frame carries the call
// site's file:line, so dropping the inlined frames leaves each address to the function the
// compiler emitted, on the line of that function's own source where the inlined code was called.
#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {

ResolvedProfile fold_inlined(ResolvedProfile profile) {
  for (auto& s : profile.samples) {
    std::vector<std::uint32_t> kept;
    kept.reserve(s.stack.size());
    for (const auto f : s.stack) {
      if (!profile.frames[f].inlined) kept.push_back(f);
    }
    if (!kept.empty()) s.stack = std::move(kept);  // never empty a stack of inlined frames only
  }
  return profile;
}

}  // namespace perfprobe::report
