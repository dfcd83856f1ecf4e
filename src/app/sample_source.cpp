// The sampling RunSource. Rings are drained on a timer rather than on fd readiness: a per-CPU perf
// fd reports POLLHUP for good once its task exits, which a level-triggered loop would spin on.
#include "sample_source.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include "perfprobe/memory/rss.hpp"
#include "perfprobe/sampling/proc_maps.hpp"
#include "perfprobe/sampling/stack_policy.hpp"
#include "perfprobe/symbols/frame_pointers.hpp"
#include "perfprobe/sys/clock.hpp"
#include "perfprobe/sys/perf.hpp"
#include "perfprobe/sys/process.hpp"

namespace perfprobe::app {

namespace {

// 10 ms: at 1 kHz with 512-byte stacks a CPU writes ~6 KiB per drain, far below a 256 KiB ring.
constexpr std::chrono::milliseconds kDrainPeriod{10};

class SampleSource final : public RunSource {
 public:
  SampleSource(const sampling::SamplerOptions& o, std::shared_ptr<ProfileSink> sink)
      : options_(o), sink_(std::move(sink)), policy_(o.call_graph, [](const std::string& path) {
          return symbols::detect_frame_pointers(path) == symbols::FramePointers::yes;
        }) {}

  void open(pid_t pid, bool attached, std::vector<std::string>& unavailable) override {
    (void)unavailable;  // sampling is the point of record: failing to open it ends the command
    std::vector<pid_t> tids{pid};
    if (attached) {
      // Existing threads need events of their own; threads and processes they create later are
      // covered by inherit. The tree's current mappings are read once, as perf record -p does.
      tids.clear();
      attach_mono_ns_ = sys::monotonic_ns();
      for (const pid_t p : memory::process_tree(pid)) {
        const auto threads = memory::threads_of(p);
        tids.insert(tids.end(), threads.begin(), threads.end());
        sampling::add_proc_state(p, threads, attach_mono_ns_, profile_);
        for (const pid_t tid : threads) profile_.window_states.push_back({p, tid, sys::thread_state(p, tid), '?'});
      }
    }
    sampler_.emplace(options_, tids, !attached);
    attached_ = attached;
  }

  void start(sys::EventLoop& loop, Timeline& timeline) override {
    t0_ = timeline.t0_mono_ns();
    loop.add_timer(kDrainPeriod, [this] { drain(); });
    // Wait rings also wake the loop when a quarter full; one that hangs up (its tasks are gone)
    // would stay readable for good: it leaves the loop, the timer drains what is left.
    for (const int fd : sampler_->wakeup_fds()) {
      loop.add_fd(fd, [this, fd, &loop] {
        drain();
        if (sys::perf_hung_up(fd)) loop.remove_fd(fd);
      });
    }
  }

  void finish(Timeline& timeline, RunResult& result) override {
    (void)timeline;
    (void)result;
    // A thread with no switch record in the window waited all along if /proc says so at both ends.
    for (auto& s : profile_.window_states) s.end = sys::thread_state(s.pid, s.tid);
    if (attached_) sampler_->disable();  // leave the running target alone from now on
    drain();
    profile_.config = sampler_->config();
    profile_.off_cpu = sampler_->off_cpu();
    profile_.off_cpu.end_ns = sys::monotonic_ns() - t0_;  // threads still off CPU wait until here
    for (auto& m : profile_.mappings) m.t_ns -= t0_;
    for (auto& t : profile_.tasks) t.t_ns -= t0_;
    // Each CPU's ring is in time order, the rings together are not: readers want one order.
    const auto by_time = [](const auto& a, const auto& b) { return a.t_ns < b.t_ns; };
    std::stable_sort(profile_.samples.begin(), profile_.samples.end(), by_time);
    std::stable_sort(profile_.switches.begin(), profile_.switches.end(), by_time);
    std::stable_sort(profile_.waits.begin(), profile_.waits.end(),
                     [](const auto& a, const auto& b) { return a.sample.t_ns < b.sample.t_ns; });
    std::stable_sort(profile_.mappings.begin(), profile_.mappings.end(), by_time);
    std::stable_sort(profile_.tasks.begin(), profile_.tasks.end(), by_time);
    sink_->profile = std::move(profile_);
    sink_->notes = sampler_->notes();
  }

 private:
  // New mappings tell the stack policy which code keeps frame pointers; new samples get their
  // run-relative time and lose the stack bytes no unwind will read, then go to the data file at
  // once when there is one.
  void drain() {
    const std::size_t first = profile_.samples.size();
    const std::size_t first_switch = profile_.switches.size();
    const std::size_t first_wait = profile_.waits.size();
    sampler_->drain(profile_);
    for (; maps_seen_ < profile_.mappings.size(); ++maps_seen_) policy_.add_mapping(profile_.mappings[maps_seen_]);
    for (std::size_t i = first; i < profile_.samples.size(); ++i) {
      auto& s = profile_.samples[i];
      s.t_ns -= t0_;
      policy_.apply(s);
      if (sink_->writer != nullptr) sink_->writer->add(s);
    }
    if (sink_->writer != nullptr) profile_.samples.clear();
    for (std::size_t i = first_switch; i < profile_.switches.size(); ++i) {
      profile_.switches[i].t_ns -= t0_;
      if (sink_->writer != nullptr) sink_->writer->add(profile_.switches[i]);
    }
    if (sink_->writer != nullptr) profile_.switches.clear();
    for (std::size_t i = first_wait; i < profile_.waits.size(); ++i) {
      auto& w = profile_.waits[i];
      w.sample.t_ns -= t0_;
      policy_.apply(w.sample);
      if (sink_->writer != nullptr) sink_->writer->add(w);
    }
    if (sink_->writer != nullptr) profile_.waits.clear();
  }

  sampling::SamplerOptions options_;
  std::shared_ptr<ProfileSink> sink_;
  std::optional<sampling::Sampler> sampler_;
  sampling::Profile profile_;
  sampling::StackPolicy policy_;
  std::size_t maps_seen_ = 0;
  std::int64_t t0_ = 0;
  std::int64_t attach_mono_ns_ = 0;
  bool attached_ = false;
};

}  // namespace

SourceFactory sample_source(const sampling::SamplerOptions& options, std::shared_ptr<ProfileSink> sink) {
  return [options, sink = std::move(sink)] { return std::make_unique<SampleSource>(options, sink); };
}

sampling::SamplerOptions sampler_options(const cli::SamplingOptions& o) {
  sampling::SamplerOptions s;
  s.frequency_hz = o.frequency_hz;
  s.period = o.period;
  s.call_graph = o.call_graph == "dwarf" ? sampling::CallGraph::dwarf
                 : o.call_graph == "fp"  ? sampling::CallGraph::fp
                                         : sampling::CallGraph::automatic;
  s.stack_bytes = o.stack_bytes;
  s.ring_pages = o.mmap_pages;
  s.off_cpu = o.off_cpu == "none"       ? sampling::OffCpuMode::none
              : o.off_cpu == "switches" ? sampling::OffCpuMode::switches
                                        : sampling::OffCpuMode::automatic;
  return s;
}

}  // namespace perfprobe::app
