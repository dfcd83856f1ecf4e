// The uprobe source (USDT probes and function probes in one set of per-CPU rings): opened while the
// target waits at the gate, so the first hit after exec is seen.
#include "usdt_source.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>

#include "function_probes.hpp"
#include "marker_plan.hpp"
#include "perfprobe/elf/sdt.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/launch/child.hpp"
#include "perfprobe/markers/usdt.hpp"
#include "perfprobe/sys/clock.hpp"

namespace perfprobe::app {

namespace {

class UsdtSource final : public RunSource {
 public:
  explicit UsdtSource(std::vector<markers::ProbePoint> points) : points_(std::move(points)) {}
  void open(pid_t pid, bool attached, std::vector<std::string>& unavailable) override {
    attached_ = attached;
    try {
      session_ = std::make_unique<markers::UsdtSession>(points_, pid);
    } catch (const Error& e) {
      unavailable.emplace_back(e.what());  // no root: say so once and go on with the other sources
    }
  }
  // An attached target's probes fire from the moment each one is opened, one after the other, and
  // until they are closed: only the hits inside the window count, so that every probe covers the
  // same span of the target's life (a function and the probe right after it count alike).
  void arm() override {
    if (attached_) from_ns_ = sys::monotonic_ns();
  }
  void disarm() override {
    if (attached_) until_ns_ = sys::monotonic_ns();
  }
  void start(sys::EventLoop& loop, Timeline& timeline) override {
    if (!session_) return;
    const auto drain = [this, &timeline] {
      session_->drain(pending_, false);
      add_pending(timeline);
    };
    for (const int fd : session_->ring_fds()) loop.add_fd(fd, drain);
    loop.add_timer(std::chrono::milliseconds(2), drain);
  }
  void finish(Timeline& timeline, RunResult& result) override {
    if (!session_) return;
    session_->drain(pending_, true);
    add_pending(timeline);
    if (session_->lost() > 0) result.marker_counts["usdt:lost"] = session_->lost();
  }

 private:
  // In time order: one drain reads the per-CPU rings one after the other, and a stop condition
  // counting hits (--until SPEC/N) must count them as they happened.
  void add_pending(Timeline& timeline) {
    std::stable_sort(pending_.begin(), pending_.end(), [](const Event& a, const Event& b) { return a.t_ns < b.t_ns; });
    for (auto& e : pending_) {
      if (e.t_ns >= from_ns_ && e.t_ns <= until_ns_) timeline.add(std::move(e));
    }
    pending_.clear();
  }

  std::vector<markers::ProbePoint> points_;
  std::unique_ptr<markers::UsdtSession> session_;
  std::vector<Event> pending_;
  bool attached_ = false;
  std::int64_t from_ns_ = std::numeric_limits<std::int64_t>::min();
  std::int64_t until_ns_ = std::numeric_limits<std::int64_t>::max();
};

bool selected(const elf::SdtProbe& p, const std::vector<markers::UsdtSelector>& selectors) {
  for (const auto& s : selectors) {
    if (p.provider == s.provider && (s.name == "*" || p.name == s.name)) return true;
  }
  return false;
}

}  // namespace

void add_usdt_plan(const cli::RunOptions& o, const std::vector<const markers::MarkerSpec*>& specs, MeasurePlan& plan) {
  std::vector<markers::UsdtSelector> selectors;
  for (const auto& text : o.usdt) selectors.push_back(markers::parse_usdt_selector(text));
  std::vector<markers::MarkerSpec> listed;  // --probe: function probes only listed and counted
  for (const auto& text : o.probes) {
    listed.push_back(markers::parse_spec(text, "--probe"));
    if (listed.back().kind != markers::SpecKind::uprobe) {
      throw UsageError("--probe '" + text + "' is not a function probe", "use uprobe:[FILE:]FUNCTION or uretprobe:...");
    }
  }
  std::vector<const markers::MarkerSpec*> functions;
  for (const auto* s : specs) {
    if (s->kind == markers::SpecKind::usdt) selectors.push_back({s->provider, s->name});
    if (s->kind == markers::SpecKind::uprobe) functions.push_back(s);
  }
  for (const auto& s : listed) functions.push_back(&s);
  if (selectors.empty() && functions.empty()) return;
  const std::string binary = launch::find_in_path(o.command.front());
  std::vector<std::string> files{binary};
  for (auto& lib : loaded_libraries(binary)) files.push_back(std::move(lib));
  std::vector<elf::SdtProbe> probes;
  if (!selectors.empty()) {
    for (const auto& f : files) {
      for (auto& p : elf::read_sdt_probes(f)) {
        if (selected(p, selectors)) probes.push_back(std::move(p));
      }
    }
  }
  for (const auto& s : selectors) {
    const bool found = std::any_of(probes.begin(), probes.end(), [&](const auto& p) {
      return p.provider == s.provider && (s.name == "*" || p.name == s.name);
    });
    if (!found) {
      throw UsageError("no SDT probe " + s.provider + ":" + s.name + " in '" + binary + "' or its libraries",
                       "list them with `perfprobe probes " + binary + "`");
    }
  }
  std::vector<markers::ProbePoint> points;
  points.reserve(probes.size());
  for (const auto& p : probes) points.push_back(markers::usdt_point(p));
  for (auto& p : resolve_function_probes(functions, files)) points.push_back(std::move(p));
  plan.sources.emplace_back([points] { return std::make_unique<UsdtSource>(points); });
}

}  // namespace perfprobe::app
