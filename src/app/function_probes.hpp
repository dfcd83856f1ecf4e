// uprobe:/uretprobe: specs -> probe points: the file (named, or searched among the target and its
// libraries), the function by name (demangled too), address or file offset. Misses and ambiguities
// are usage errors that list the nearest candidates.
#pragma once

#include <string>
#include <vector>

#include "perfprobe/markers/spec.hpp"
#include "perfprobe/markers/usdt.hpp"

namespace perfprobe::app {

// `files`: the target's executable first, then its libraries (for FILE by name and for the search).
// One point per distinct spec name (a spec with and without /N shares it). Throws UsageError.
[[nodiscard]] std::vector<markers::ProbePoint> resolve_function_probes(
    const std::vector<const markers::MarkerSpec*>& specs, const std::vector<std::string>& files);

}  // namespace perfprobe::app
