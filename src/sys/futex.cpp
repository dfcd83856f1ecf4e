// Shared futex wake-ups and the watcher thread behind the marker ring's nudges.
#include "perfprobe/sys/futex.hpp"

#include <linux/futex.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace perfprobe::sys {

namespace {
long futex(std::uint32_t* word, int op, std::uint32_t value) noexcept {
  return ::syscall(SYS_futex, word, op, value, nullptr, nullptr, 0);
}
}  // namespace

void futex_wake_all(std::uint32_t* word) noexcept { (void)futex(word, FUTEX_WAKE, INT32_MAX); }

FutexWatch::FutexWatch(std::uint32_t* word) : word_(word), event_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!event_.valid()) throw_errno("eventfd");
  // Read here, not in the thread: a bump between construction and the thread's first look would
  // otherwise be taken as the starting value and never reported.
  const std::uint32_t seen = __atomic_load_n(word_, __ATOMIC_ACQUIRE);
  thread_ = std::thread([this, seen] { watch(seen); });
}

FutexWatch::~FutexWatch() {
  stop_.store(true);
  __atomic_fetch_add(word_, 1u, __ATOMIC_RELEASE);
  futex_wake_all(word_);
  thread_.join();
}

void FutexWatch::watch(std::uint32_t seen) noexcept {
  while (!stop_.load()) {
    (void)futex(word_, FUTEX_WAIT, seen);  // returns at once when the word already changed
    const std::uint32_t now = __atomic_load_n(word_, __ATOMIC_ACQUIRE);
    if (now == seen || stop_.load()) continue;
    seen = now;
    const std::uint64_t one = 1;
    (void)!::write(event_.get(), &one, sizeof one);
  }
}

void FutexWatch::clear() noexcept {
  std::uint64_t n = 0;
  (void)!::read(event_.get(), &n, sizeof n);
}

}  // namespace perfprobe::sys
