// The fake behind the Counters interface: readings scripted in a JSON file (`run --fake-counters
// FILE`, docs/testing.md), so the hardware-counter path (IPC, multiplexing, scaling, counts per
// phase and per token) is tested end to end on machines with no PMU.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "perfprobe/counters/counters.hpp"

namespace perfprobe::counters {

// One scripted counter: its reading when counting starts, and how fast its raw count grows from
// then on (0: every read gives the same reading), so snapshots at phase and token boundaries differ
// as a real counter's do.
struct ScriptedCounter {
  CounterReading reading;
  double raw_per_s = 0;
};

class ScriptedCounters final : public Counters {
 public:
  explicit ScriptedCounters(std::vector<ScriptedCounter> script)
      : script_(std::move(script)), start_(std::chrono::steady_clock::now()) {}
  [[nodiscard]] std::vector<CounterReading> read() const override;

 private:
  std::vector<ScriptedCounter> script_;
  std::chrono::steady_clock::time_point start_;
};

// {"cycles": {"raw": 2000000, "time_enabled_ns": 1000, "time_running_ns": 500, "kind": "hardware",
//  "raw_per_s": 3e9}, "context-switches": {"supported": false, "reason": "..."}}. The value is scaled
// as the real path scales it (raw * enabled / running). Throws UsageError naming `origin` when malformed.
[[nodiscard]] std::vector<ScriptedCounter> parse_counter_script(std::string_view text, const std::string& origin);

}  // namespace perfprobe::counters
