// The sources every measured window has, whatever the plan asks for: the counters (perf events,
// or the scripted fake of --fake-counters) and the RSS timeline of the target's process tree.
#pragma once

#include <memory>

#include "perfprobe/app/diag.hpp"
#include "source.hpp"

namespace perfprobe::app {

struct MeasurePlan;

[[nodiscard]] std::unique_ptr<RunSource> make_counter_source(const MeasurePlan& plan);
[[nodiscard]] std::unique_ptr<RunSource> make_rss_source(const MeasurePlan& plan, const Diag& diag);

}  // namespace perfprobe::app
