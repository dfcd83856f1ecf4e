// Which bytes of a sample's copied user stack the data file keeps. The kernel copies the same
// amount for every sample; most of it is never read by the unwinder in `report`.
#pragma once

#include "perfprobe/sampling/profile.hpp"

namespace perfprobe::sampling {

// Frame-pointer mode: the copy only serves to find the caller of a frameless leaf, whose return
// address lies between SP and the caller's frame (BP): keep [SP, BP + 16), the caller's saved BP
// and return address included. When BP does not point into the copy (code that uses BP as a
// general register), the whole copy stays. DWARF mode keeps everything.
void trim_stack(Sample& sample, CallGraph mode);

}  // namespace perfprobe::sampling
