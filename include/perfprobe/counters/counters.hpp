// The counters of one measured window behind one interface: the perf events of counter_set.hpp, or
// the scripted fake of scripted.hpp that stands in for a PMU in tests (`--fake-counters FILE`).
#pragma once

#include <vector>

#include "perfprobe/model.hpp"

namespace perfprobe::counters {

class Counters {
 public:
  Counters() = default;
  Counters(const Counters&) = delete;
  Counters& operator=(const Counters&) = delete;
  Counters(Counters&&) = default;
  Counters& operator=(Counters&&) = default;
  virtual ~Counters() = default;
  // Start and stop counting now. A launched target's counters start at exec by themselves
  // (enable_on_exec); an attached target's window is exactly enable() .. disable().
  virtual void enable() {}
  virtual void disable() {}
  // Every event's reading now (cheap; safe while the target runs).
  [[nodiscard]] virtual std::vector<CounterReading> read() const = 0;
};

}  // namespace perfprobe::counters
