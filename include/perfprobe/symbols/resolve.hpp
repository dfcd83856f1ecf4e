// sampling::Profile (addresses) -> ResolvedProfile (frames): unwinding where stacks were copied,
// then symbolization of every address through the module map.
#pragma once

#include "perfprobe/profile.hpp"
#include "perfprobe/sampling/profile.hpp"
#include "perfprobe/symbols/symbolizer.hpp"

namespace perfprobe::symbols {

[[nodiscard]] ResolvedProfile resolve(const sampling::Profile& profile, Symbolizer& symbolizer);

}  // namespace perfprobe::symbols
