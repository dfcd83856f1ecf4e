// The hand-off between the --serve HTTP thread and the run's event loop. A scrape asks; the loop,
// on its own thread at its next turn, hands over what is new since the last answer (the timeline's
// events after the last one handed over) and the figures as they stand (counters read now, the RSS
// samples so far). Only this object's fields, under its mutex, are shared between threads; the
// run's sources and timeline stay the loop's alone.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

#include "perfprobe/model.hpp"
#include "perfprobe/sys/wakeup.hpp"

namespace perfprobe::app {

class ScrapeExchange {
 public:
  ScrapeExchange() = default;
  ScrapeExchange(const ScrapeExchange&) = delete;
  ScrapeExchange& operator=(const ScrapeExchange&) = delete;

  // One consumer thread at a time, never the loop's: the figures now, with the events that came
  // since the previous request that got an answer (none are lost when a request gives up). Nothing
  // when the window has closed or the loop did not answer within `wait`.
  [[nodiscard]] std::optional<RunResult> request(std::chrono::milliseconds wait);

  // The loop's thread: fd() is readable while a scrape waits; its callback calls answer() with a
  // function that returns the figures now and the events not handed over yet.
  [[nodiscard]] int fd() const noexcept { return wake_.fd(); }
  void answer(const std::function<RunResult()>& increment);
  // A window opens (attach --follow opens one per target): scrapes are answered again, with the
  // events of this window only.
  void open();
  // The window has closed: a scrape waiting, and later ones, get nothing until open().
  void close();
  [[nodiscard]] bool closed();

 private:
  sys::Wakeup wake_;
  std::mutex mutex_;
  std::condition_variable answered_cv_;
  std::uint64_t asked_ = 0;     // tickets handed out to scrapes
  std::uint64_t answered_ = 0;  // every ticket up to this one is answered by `pending_`
  bool closed_ = false;
  std::optional<RunResult> pending_;  // answered, not taken yet
};

}  // namespace perfprobe::app
