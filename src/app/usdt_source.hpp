// --usdt and usdt: specs -> the SDT probes of the target and its libraries -> a USDT source.
#pragma once

#include <vector>

#include "measure.hpp"
#include "perfprobe/cli/options.hpp"
#include "perfprobe/markers/spec.hpp"

namespace perfprobe::app {

// Throws UsageError when a selector matches no probe of the target or its libraries.
void add_usdt_plan(const cli::RunOptions& options, const std::vector<const markers::MarkerSpec*>& specs,
                   MeasurePlan& plan);

}  // namespace perfprobe::app
