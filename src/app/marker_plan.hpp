// The marker part of a run's plan: parses --ready/--phase/--tokens/--usdt specs
// (UsageError on bad input, before anything starts) and adds the sources they need.
#pragma once

#include "measure.hpp"
#include "perfprobe/cli/options.hpp"

namespace perfprobe::app {

void add_marker_plan(const cli::RunOptions& options, MeasurePlan& plan);

// The shared libraries the loader maps for `program` (its interpreter's --list), for --cold.
[[nodiscard]] std::vector<std::string> loaded_libraries(const std::string& program);

}  // namespace perfprobe::app
