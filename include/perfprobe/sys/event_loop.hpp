// The one event loop of a run (epoll): every source registers its fds and periodic timers here,
// and nothing in a callback may block on the target.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

class EventLoop {
 public:
  using Callback = std::function<void()>;

  EventLoop();
  // Level-triggered: `on_readable` runs while the fd has data or is hung up.
  void add_fd(int fd, Callback on_readable);
  void remove_fd(int fd);
  // Runs `on_tick` every `period` (timerfd, CLOCK_MONOTONIC). Returns an id for remove_timer.
  int add_timer(std::chrono::nanoseconds period, Callback on_tick);
  void remove_timer(int id);
  // Dispatches until `done()` is true, checked after each batch of events.
  void run_until(const std::function<bool()>& done);
  // Dispatches what is ready now, waiting at most `timeout`.
  void run_once(std::chrono::milliseconds timeout);

 private:
  Fd epoll_;
  std::map<int, std::shared_ptr<Callback>> callbacks_;
  std::map<int, Fd> timers_;  // timer id == its timerfd
};

}  // namespace perfprobe::sys
