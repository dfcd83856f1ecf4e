// Figures derived from counters where their inputs exist: IPC, miss rates, CPUs utilised.
#pragma once

#include <map>
#include <string>

#include "perfprobe/model.hpp"

namespace perfprobe::report {

// Keys: "ipc", "cache_miss_pct", "branch_miss_pct", "cpus_utilized". A key is absent when an input
// was not supported or is zero, never a made-up 0.
[[nodiscard]] std::map<std::string, double> derived_metrics(const std::vector<CounterReading>& counters,
                                                            std::int64_t wall_ns);

}  // namespace perfprobe::report
