// The timeline of one run: the only thing sources write and analysis reads. Sources hand it events
// stamped with absolute CLOCK_MONOTONIC times; it stores them relative to the target's exec and
// passes each one to its listeners (the live JSONL stream, stop conditions) as it arrives.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "perfprobe/model.hpp"

namespace perfprobe {

class Timeline {
 public:
  using Listener = std::function<void(const Event&)>;

  Timeline() = default;
  Timeline(std::int64_t t0_mono_ns, Listener listener) : t0_(t0_mono_ns), listener_(std::move(listener)) {}

  // `event.t_ns` holds an absolute CLOCK_MONOTONIC time on entry.
  void add(Event event) {
    event.t_ns -= t0_;
    if (listener_) listener_(event);
    for (const auto& l : more_listeners_) l(event);
    events_.push_back(std::move(event));
  }
  // Another listener, called after the first; it may add events itself.
  void add_listener(Listener listener) { more_listeners_.push_back(std::move(listener)); }
  [[nodiscard]] std::int64_t t0_mono_ns() const noexcept { return t0_; }
  [[nodiscard]] std::int64_t relative(std::int64_t mono_ns) const noexcept { return mono_ns - t0_; }
  [[nodiscard]] const std::vector<Event>& events() const noexcept { return events_; }
  [[nodiscard]] std::vector<Event> take() { return std::exchange(events_, {}); }

 private:
  std::int64_t t0_ = 0;
  Listener listener_;
  std::vector<Listener> more_listeners_;
  std::vector<Event> events_;
};

}  // namespace perfprobe
