// epoll + timerfd dispatch for the sources of a run.
#include "perfprobe/sys/event_loop.hpp"

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace perfprobe::sys {

EventLoop::EventLoop() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (!epoll_.valid()) throw_errno("epoll_create1");
}

void EventLoop::add_fd(int fd, Callback on_readable) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) throw_errno("epoll_ctl(ADD)");
  callbacks_[fd] = std::make_shared<Callback>(std::move(on_readable));
}

void EventLoop::remove_fd(int fd) {
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  callbacks_.erase(fd);
}

int EventLoop::add_timer(std::chrono::nanoseconds period, Callback on_tick) {
  Fd tfd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!tfd.valid()) throw_errno("timerfd_create");
  itimerspec spec{};
  const auto ns = period.count() > 0 ? period.count() : 1;
  spec.it_interval.tv_sec = ns / 1000000000;
  spec.it_interval.tv_nsec = ns % 1000000000;
  spec.it_value = spec.it_interval;
  if (::timerfd_settime(tfd.get(), 0, &spec, nullptr) != 0) throw_errno("timerfd_settime");
  const int id = tfd.get();
  add_fd(id, [id, cb = std::move(on_tick)] {
    std::uint64_t expirations = 0;
    if (::read(id, &expirations, sizeof expirations) > 0) cb();
  });
  timers_.emplace(id, std::move(tfd));
  return id;
}

void EventLoop::remove_timer(int id) {
  remove_fd(id);
  timers_.erase(id);
}

void EventLoop::run_once(std::chrono::milliseconds timeout) {
  epoll_event events[32];
  const int n = ::epoll_wait(epoll_.get(), events, 32, static_cast<int>(timeout.count()));
  if (n < 0) {
    if (errno == EINTR) return;
    throw_errno("epoll_wait");
  }
  for (int i = 0; i < n; ++i) {
    const auto it = callbacks_.find(events[i].data.fd);
    if (it == callbacks_.end()) continue;  // removed by an earlier callback in this batch
    const auto keep = it->second;          // survives remove_fd inside the callback
    (*keep)();
  }
}

void EventLoop::run_until(const std::function<bool()>& done) {
  while (!done()) run_once(std::chrono::milliseconds(1000));
}

}  // namespace perfprobe::sys
