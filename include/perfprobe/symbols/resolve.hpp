// sampling::Profile (addresses) -> ResolvedProfile (frames): unwinding where stacks were copied,
// then symbolization of every address through the module map.
#pragma once

#include <cstddef>
#include <functional>

#include "perfprobe/profile.hpp"
#include "perfprobe/sampling/profile.hpp"
#include "perfprobe/symbols/symbolizer.hpp"

namespace perfprobe::symbols {

// Told (done, total) samples now and then while it works, and once at the end (a progress line).
using ResolveProgress = std::function<void(std::size_t done, std::size_t total)>;

[[nodiscard]] ResolvedProfile resolve(const sampling::Profile& profile, Symbolizer& symbolizer,
                                      const ResolveProgress& progress = {});

}  // namespace perfprobe::symbols
