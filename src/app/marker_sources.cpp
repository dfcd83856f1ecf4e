// The marker sources of a run, plugged into measure_once through RunSource.
#include "marker_sources.hpp"

#include <cstdio>

#include "perfprobe/markers/channel.hpp"
#include "perfprobe/markers/readiness.hpp"
#include "perfprobe/sys/clock.hpp"
#include "perfprobe/sys/futex.hpp"

namespace perfprobe::app {

namespace {

void add_all(Timeline& timeline, std::vector<Event>& events) {
  for (auto& e : events) timeline.add(std::move(e));
  events.clear();
}

// The marker API. perfprobe sleeps until the target nudges it (ring half full, first token,
// ready/phase marks) or the slow timer fires (keeps the live JSONL stream fresh), so a target that
// makes no marks costs no wake-ups here.
class ChannelSource final : public RunSource {
 public:
  void prepare_launch(launch::LaunchSpec& spec) override {
    spec.env_set.push_back(channel_.env_entry());
    spec.keep_fds.push_back(channel_.fd());
    channel_.set_handshake(kHandshakeUs);
  }
  void open(pid_t, bool, std::vector<std::string>&) override {}
  void start(sys::EventLoop& loop, Timeline& timeline) override {
    watch_ = std::make_unique<sys::FutexWatch>(channel_.nudge_word());
    loop.add_fd(watch_->fd(), [this, &timeline] {
      watch_->clear();
      drain(timeline);
    });
    loop.add_timer(kSlowDrain, [this, &timeline] { drain(timeline); });
    drain(timeline);  // marks made before the watch began (their nudges are past)
  }
  void after_snapshot() override { channel_.ack(); }
  void finish(Timeline& timeline, RunResult& result) override {
    channel_.set_handshake(0);  // descendants that outlive the target no longer wait for anyone
    channel_.ack();
    watch_.reset();
    drain(timeline);
    so_far(timeline, result);
    warn_if_corrupt(timeline);
  }
  void so_far(Timeline& timeline, RunResult& result) override {
    (void)timeline;
    for (const auto& [key, n] : channel_.counts()) result.marker_counts[key] = n;
    result.markers_dropped = channel_.dropped();
  }

 private:
  static constexpr std::chrono::milliseconds kSlowDrain{250};
  // The longest a ready/phase mark waits for its snapshot: far above perfprobe's usual reply (tens
  // of microseconds), and what a stuck perfprobe costs the target once.
  static constexpr std::uint32_t kHandshakeUs = 500'000;
  // Plain marks beyond this many per call site are counted exactly but keep no timestamp.
  static constexpr std::uint64_t kMaxTimedPerSite = 50'000;

  void drain(Timeline& timeline) {
    channel_.drain(pending_);
    add_all(timeline, pending_);
    warn_if_corrupt(timeline);
  }
  void warn_if_corrupt(Timeline& timeline) {
    if (warned_ || channel_.corruption().empty()) return;
    warned_ = true;
    Event w;
    w.t_ns = sys::monotonic_ns();
    w.kind = EventKind::warning;
    w.name = "marker_channel_corrupt";
    w.text =
        "the target corrupted the marker channel (" + channel_.corruption() + "); its marks from then on are ignored";
    std::fprintf(stderr, "perfprobe: warning: %s\n", w.text.c_str());
    timeline.add(std::move(w));
  }
  markers::MarkerChannel channel_{65536, kMaxTimedPerSite};
  std::unique_ptr<sys::FutexWatch> watch_;
  std::vector<Event> pending_;
  bool warned_ = false;
};

class OutputSource final : public RunSource {
 public:
  explicit OutputSource(const markers::OutputPlan& plan) : tap_(plan) {}
  void prepare_launch(launch::LaunchSpec& spec) override {
    spec.stdout_fd = tap_.child_stdout();
    spec.stderr_fd = tap_.child_stderr();
  }
  void open(pid_t, bool, std::vector<std::string>&) override { tap_.close_child_ends(); }
  void start(sys::EventLoop& loop, Timeline& timeline) override {
    for (const int fd : {tap_.stdout_fd(), tap_.stderr_fd()}) {
      loop.add_fd(fd, [this, fd, &loop, &timeline] {
        if (!tap_.on_readable(fd, pending_)) loop.remove_fd(fd);
        add_all(timeline, pending_);
      });
    }
  }
  void finish(Timeline& timeline, RunResult&) override {
    tap_.finish(pending_);
    add_all(timeline, pending_);
  }

 private:
  markers::OutputTap tap_;
  std::vector<Event> pending_;
};

// listen[:PORT] and file:PATH, polled every millisecond until seen once.
class ReadinessSource final : public RunSource {
 public:
  explicit ReadinessSource(markers::MarkerSpec spec) : spec_(std::move(spec)) {}
  void open(pid_t pid, bool, std::vector<std::string>&) override {
    probe_ = std::make_unique<markers::ReadinessProbe>(spec_, pid);
  }
  void start(sys::EventLoop& loop, Timeline& timeline) override {
    timer_ = loop.add_timer(std::chrono::milliseconds(1), [this, &loop, &timeline] {
      if (done_ || !probe_->poll()) return;
      done_ = true;
      Event e;
      e.t_ns = sys::monotonic_ns();
      e.kind = EventKind::ready;
      e.source = spec_.kind == markers::SpecKind::listen ? EventSource::listen
                 : spec_.kind == markers::SpecKind::file ? EventSource::file
                 : spec_.kind == markers::SpecKind::tcp  ? EventSource::tcp
                                                         : EventSource::http;
      e.name = spec_.text;
      timeline.add(std::move(e));
      loop.remove_timer(timer_);
    });
  }
  void finish(Timeline&, RunResult&) override {}

 private:
  markers::MarkerSpec spec_;
  std::unique_ptr<markers::ReadinessProbe> probe_;
  int timer_ = -1;
  bool done_ = false;
};

class EnvSource final : public RunSource {
 public:
  explicit EnvSource(std::vector<std::string> env) : env_(std::move(env)) {}
  void prepare_launch(launch::LaunchSpec& spec) override {
    spec.env_set.insert(spec.env_set.end(), env_.begin(), env_.end());
  }
  void open(pid_t, bool, std::vector<std::string>&) override {}
  void start(sys::EventLoop&, Timeline&) override {}
  void finish(Timeline&, RunResult&) override {}

 private:
  std::vector<std::string> env_;
};

}  // namespace

std::unique_ptr<RunSource> make_channel_source() { return std::make_unique<ChannelSource>(); }
std::unique_ptr<RunSource> make_output_source(const markers::OutputPlan& plan) {
  return std::make_unique<OutputSource>(plan);
}
std::unique_ptr<RunSource> make_readiness_source(const markers::MarkerSpec& spec) {
  return std::make_unique<ReadinessSource>(spec);
}
std::unique_ptr<RunSource> make_env_source(std::vector<std::string> env_set) {
  return std::make_unique<EnvSource>(std::move(env_set));
}

}  // namespace perfprobe::app
