// Shared futexes on memory another process maps too (the marker ring): wake its waiters, and watch
// a word from a thread so that an epoll loop sees "the word changed" as a readable eventfd.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

// FUTEX_WAKE (not private: the word lives in a MAP_SHARED mapping). Never fails in a way that matters.
void futex_wake_all(std::uint32_t* word) noexcept;

// A thread that sleeps on `word` and makes fd() readable whenever its value changes. Nothing in the
// word is trusted: a writer bumping it in a loop only makes perfprobe drain more often.
class FutexWatch {
 public:
  explicit FutexWatch(std::uint32_t* word);  // throws Error
  ~FutexWatch();
  FutexWatch(const FutexWatch&) = delete;
  FutexWatch& operator=(const FutexWatch&) = delete;

  [[nodiscard]] int fd() const noexcept { return event_.get(); }
  // Consumes the readiness of fd() (call from its callback).
  void clear() noexcept;

 private:
  void watch(std::uint32_t seen) noexcept;
  std::uint32_t* word_;
  Fd event_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace perfprobe::sys
