// Scripted counter readings for `run --fake-counters FILE` (docs/testing.md): the JSON a test writes
// to stand in for a PMU, turned into the CounterReadings a real CounterSet would return.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "perfprobe/model.hpp"

namespace perfprobe::report {

// {"cycles": {"raw": 2000000, "time_enabled_ns": 1000, "time_running_ns": 500, "kind": "hardware"},
//  "context-switches": {"supported": false, "reason": "..."}}. The value is scaled as the real path
// scales it (raw * enabled / running). Throws UsageError naming `origin` when malformed.
[[nodiscard]] std::vector<CounterReading> parse_counter_script(std::string_view text, const std::string& origin);

}  // namespace perfprobe::report
