// The kernel's records of RSS changes and page faults as a source of a launched run, so that phases
// bounded by USDT or function probes get the figures of the probe's own instant (docs/accuracy.md).
#include "kernel_records_source.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "perfprobe/error.hpp"
#include "perfprobe/memory/kernel_records.hpp"

namespace perfprobe::app {

namespace {

// One record in 8 changes: the tracepoint costs the target ~0.2 µs per page fault, a sample 0.7 µs
// more (docs/kernel-facts.md §11), and a boundary is then within 7 changes per CPU and thread.
constexpr std::uint64_t kPeriod = 8;

class KernelRecordsSource final : public RunSource {
 public:
  explicit KernelRecordsSource(bool faults) : faults_(faults) {}
  void open(pid_t pid, bool attached, std::vector<std::string>& unavailable) override {
    if (attached) return;  // per-CPU events with inherit would miss the threads that exist already
    try {
      recorder_.emplace(pid, kPeriod, faults_);
    } catch (const Error& e) {
      unavailable.push_back(std::string(e.what()) +
                            "; phases of USDT and function probes are measured when perfprobe reads the probe");
    }
  }
  void start(sys::EventLoop& loop, Timeline& timeline) override {
    (void)timeline;
    if (!recorder_) return;
    for (const int fd : recorder_->ring_fds()) loop.add_fd(fd, [this] { recorder_->drain(); });
  }
  // On the timeline's clock: since time zero, as the probes' events.
  void finish(Timeline& timeline, RunResult& result) override {
    if (!recorder_) return;
    KernelRecords k = recorder_->finish();
    for (auto& r : k.rss) r.t_ns = timeline.relative(r.t_ns);
    for (auto& t : k.fault_times) t = timeline.relative(t);
    result.kernel_records = std::move(k);
  }

 private:
  bool faults_;
  std::optional<memory::KernelRecorder> recorder_;
};

bool is_probe(const markers::MarkerSpec& s) {
  return s.kind == markers::SpecKind::usdt || s.kind == markers::SpecKind::uprobe;
}

bool is_page_faults(const counters::EventSpec& e) { return e.name == "page-faults" || e.name == "faults"; }

}  // namespace

void add_kernel_records_plan(MeasurePlan& plan) {
  if (plan.target != TargetKind::launch) return;
  const auto& phases = plan.analysis.phases;
  if (std::none_of(phases.begin(), phases.end(),
                   [](const markers::PhaseSpec& p) { return is_probe(p.begin) || is_probe(p.end); }))
    return;
  const bool faults = std::any_of(plan.events.begin(), plan.events.end(), is_page_faults);
  plan.sources.emplace_back([faults] { return std::make_unique<KernelRecordsSource>(faults); });
}

}  // namespace perfprobe::app
