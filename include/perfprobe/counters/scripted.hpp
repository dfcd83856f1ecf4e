// The fake behind the Counters interface: readings scripted in a JSON file (`run --fake-counters
// FILE`, docs/testing.md), so the hardware-counter path (IPC, multiplexing, scaling) is tested end
// to end on machines with no PMU.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "perfprobe/counters/counters.hpp"

namespace perfprobe::counters {

class ScriptedCounters final : public Counters {
 public:
  explicit ScriptedCounters(std::vector<CounterReading> readings) : readings_(std::move(readings)) {}
  [[nodiscard]] std::vector<CounterReading> read() const override { return readings_; }

 private:
  std::vector<CounterReading> readings_;
};

// {"cycles": {"raw": 2000000, "time_enabled_ns": 1000, "time_running_ns": 500, "kind": "hardware"},
//  "context-switches": {"supported": false, "reason": "..."}}. The value is scaled as the real path
// scales it (raw * enabled / running). Throws UsageError naming `origin` when malformed.
[[nodiscard]] std::vector<CounterReading> parse_counter_script(std::string_view text, const std::string& origin);

}  // namespace perfprobe::counters
