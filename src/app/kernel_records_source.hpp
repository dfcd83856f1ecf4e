// Phases bounded by USDT or function probes, as root: the kernel's records of every RSS change and
// page fault (kmem:rss_stat, page-fault samples) give their figures at the probe's own timestamp.
#pragma once

#include "measure.hpp"

namespace perfprobe::app {

// Adds the source when a launched run has such a phase.
void add_kernel_records_plan(MeasurePlan& plan);

}  // namespace perfprobe::app
