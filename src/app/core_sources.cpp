// Counters and RSS as sources of the run loop. Counters: a launch opens them on the held child
// (enable_on_exec + inherit, so perfprobe's own work is not counted and every thread and child of
// the target is); an attach opens them disabled on every existing thread (inherit covers later
// ones) and enables them when the window opens, so they cover exactly the window.
#include "core_sources.hpp"

#include <algorithm>
#include <optional>

#include "measure.hpp"
#include "perfprobe/counters/counter_set.hpp"
#include "perfprobe/counters/scripted.hpp"
#include "perfprobe/memory/rss.hpp"
#include "perfprobe/sys/clock.hpp"
#include "rss_timeline.hpp"

namespace perfprobe::app {

namespace {

std::vector<pid_t> threads_of_tree(pid_t pid) {
  std::vector<pid_t> tids;
  for (const pid_t p : memory::process_tree(pid)) {
    const auto t = memory::threads_of(p);
    tids.insert(tids.end(), t.begin(), t.end());
  }
  return tids;
}

class CounterSource final : public RunSource {
 public:
  explicit CounterSource(const MeasurePlan& plan) : events_(plan.events), fake_(plan.fake_counters) {}

  void open(pid_t pid, bool attached, std::vector<std::string>& unavailable) override {
    (void)unavailable;  // an event that cannot be counted is a reading that says why
    attached_ = attached;
    if (!fake_.empty()) {
      counters_ = std::make_unique<counters::ScriptedCounters>(std::move(fake_));
    } else if (attached) {
      counters_ = std::make_unique<counters::CounterSet>(
          std::move(events_), threads_of_tree(pid), counters::OpenOptions{.enable_on_exec = false, .inherit = true});
    } else {
      counters_ =
          std::make_unique<counters::CounterSet>(std::move(events_), std::vector<pid_t>{pid}, counters::OpenOptions{});
    }
  }
  void arm() override {
    if (attached_) counters_->enable();
  }
  void disarm() override {
    if (attached_) counters_->disable();
  }
  void start(sys::EventLoop& loop, Timeline& timeline) override {
    (void)loop;
    (void)timeline;
  }
  void snapshot(Timeline& timeline) override {
    Event c;
    c.t_ns = sys::monotonic_ns();
    c.kind = EventKind::counters;
    c.source = EventSource::boundary;
    for (const auto& reading : counters_->read()) {
      if (reading.supported) c.values.emplace_back(reading.name, reading.value);
    }
    timeline.add(std::move(c));
  }
  void finish(Timeline& timeline, RunResult& result) override {
    (void)timeline;
    result.counters = counters_->read();
  }
  void so_far(Timeline& timeline, RunResult& result) override {
    (void)timeline;
    result.counters = counters_->read();
  }

 private:
  std::vector<counters::EventSpec> events_;
  std::vector<counters::ScriptedCounter> fake_;
  std::unique_ptr<counters::Counters> counters_;
  bool attached_ = false;
};

class RssSource final : public RunSource {
 public:
  RssSource(const MeasurePlan& plan, const Diag& diag)
      : interval_ns_(plan.interval_ns), warn_bytes_(plan.rss_warn_bytes), diag_(diag) {}

  void open(pid_t pid, bool attached, std::vector<std::string>& unavailable) override {
    (void)unavailable;
    rss_.emplace(pid, warn_bytes_, diag_);
    attached_ = attached;
  }
  void start(sys::EventLoop& loop, Timeline& timeline) override {
    // A launched target is still inside exec at time zero and its figures mean nothing yet; an
    // attached one is already in its steady state.
    if (attached_) rss_->sample(timeline, samples_);
    if (interval_ns_ > 0) {
      loop.add_timer(std::chrono::nanoseconds(interval_ns_), [this, &timeline] { rss_->sample(timeline, samples_); });
    }
  }
  void snapshot(Timeline& timeline) override { rss_->sample(timeline, samples_); }
  void finish(Timeline& timeline, RunResult& result) override {
    (void)timeline;
    result.rss = std::move(samples_.rss);
    fill(result);
  }
  // Like the events, only the samples not handed over before: a scrape's cost must not grow with
  // the window. The peak is over every sample so far.
  void so_far(Timeline& timeline, RunResult& result) override {
    rss_->sample(timeline, samples_);  // RSS now, not as of the last interval
    const auto& all = samples_.rss;
    for (auto s = all.begin() + static_cast<std::ptrdiff_t>(handed_); s != all.end(); ++s)
      peak_handed_ = std::max(peak_handed_, s->rss_bytes);
    result.rss.assign(all.begin() + static_cast<std::ptrdiff_t>(handed_), all.end());
    handed_ = all.size();
    result.peak_tree_rss_bytes = samples_.peak_tree_rss_bytes;
    result.rss_sample_cost_us = rss_->mean_cost_us();
    if (attached_) result.peak_rss_bytes = peak_handed_;
  }

 private:
  std::int64_t interval_ns_;
  std::uint64_t warn_bytes_;
  const Diag& diag_;
  void fill(RunResult& result) const {
    result.peak_tree_rss_bytes = samples_.peak_tree_rss_bytes;
    result.rss_sample_cost_us = rss_->mean_cost_us();
    // Not our child, so no rusage: the peak of an attached target is the largest sample.
    if (attached_) {
      for (const auto& s : result.rss) result.peak_rss_bytes = std::max(result.peak_rss_bytes, s.rss_bytes);
    }
  }

  std::optional<RssTimeline> rss_;
  RunResult samples_;  // rss and peak_tree_rss_bytes, moved into the result at the end
  bool attached_ = false;
  std::size_t handed_ = 0;         // samples handed to scrapes so far
  std::uint64_t peak_handed_ = 0;  // the largest of them
};

}  // namespace

std::unique_ptr<RunSource> make_counter_source(const MeasurePlan& plan) {
  return std::make_unique<CounterSource>(plan);
}

std::unique_ptr<RunSource> make_rss_source(const MeasurePlan& plan, const Diag& diag) {
  return std::make_unique<RssSource>(plan, diag);
}

}  // namespace perfprobe::app
