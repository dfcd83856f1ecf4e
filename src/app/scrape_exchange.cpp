// Tickets under a mutex: a scrape takes the next one and waits until the loop has answered up to
// it, so the figures are never older than the request. Increments pile up in `pending_` until a
// request takes them.
#include "scrape_exchange.hpp"

#include <iterator>
#include <utility>

namespace perfprobe::app {

std::optional<RunResult> ScrapeExchange::request(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  if (closed_) return std::nullopt;
  const std::uint64_t ticket = ++asked_;
  wake_.notify();
  answered_cv_.wait_for(lock, wait, [&] { return closed_ || answered_ >= ticket; });
  if (answered_ < ticket || !pending_) return std::nullopt;
  return std::exchange(pending_, std::nullopt);
}

void ScrapeExchange::answer(const std::function<RunResult()>& increment) {
  // Cleared before reading `asked_`: a scrape that comes after this read makes the fd readable
  // again and gets the next turn of the loop.
  wake_.clear();
  std::uint64_t upto = 0;
  {
    const std::lock_guard lock(mutex_);
    if (asked_ == answered_ || closed_) return;
    upto = asked_;
  }
  RunResult now = increment();  // outside the lock: the copy of new events takes a while
  {
    const std::lock_guard lock(mutex_);
    if (pending_) {  // a request gave up before taking the last answer: keep its events and samples
      auto events = std::move(pending_->events);
      events.insert(events.end(), std::make_move_iterator(now.events.begin()),
                    std::make_move_iterator(now.events.end()));
      now.events = std::move(events);
      auto rss = std::move(pending_->rss);
      rss.insert(rss.end(), now.rss.begin(), now.rss.end());
      now.rss = std::move(rss);
    }
    pending_ = std::move(now);
    answered_ = upto;
  }
  answered_cv_.notify_all();
}

void ScrapeExchange::open() {
  wake_.clear();  // before: a scrape that comes once the lock is released must find it readable
  const std::lock_guard lock(mutex_);
  closed_ = false;
  pending_.reset();  // the previous window's, never this one's
  answered_ = asked_;
}

bool ScrapeExchange::closed() {
  const std::lock_guard lock(mutex_);
  return closed_;
}

void ScrapeExchange::close() {
  {
    const std::lock_guard lock(mutex_);
    closed_ = true;
  }
  answered_cv_.notify_all();
}

}  // namespace perfprobe::app
