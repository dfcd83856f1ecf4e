// The run loop shared by launch and attach: open, time zero, arm, drive, disarm, end, collect.
#include "run_loop.hpp"

#include <algorithm>
#include <optional>

#include "core_sources.hpp"
#include "perfprobe/markers/analysis.hpp"
#include "perfprobe/report/views.hpp"
#include "perfprobe/sys/clock.hpp"
#include "perfprobe/timeline.hpp"

namespace perfprobe::app {

namespace {

void add_unique(std::vector<std::string>& list, std::string item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(std::move(item));
}

// Boundaries and the first token get a snapshot of every source right away (decode cost per token
// needs the counters at the first one; with a /N token spec that is the Nth hit, counted as analyze does).
class SnapshotRule {
 public:
  explicit SnapshotRule(const markers::AnalysisPlan& plan) : plan_(plan) {
    if (plan.tokens) token_hits_.emplace(*plan.tokens);
  }
  bool wants(const Event& e) {
    if (e.kind == EventKind::rss || e.kind == EventKind::counters) return false;
    if (plan_.is_boundary(e)) return true;
    if (!first_token_seen_ && (token_hits_ ? (*token_hits_)(e) : plan_.is_token(e))) {
      first_token_seen_ = true;
      return true;
    }
    return false;
  }

 private:
  const markers::AnalysisPlan& plan_;
  std::optional<markers::SpecHits> token_hits_;
  bool first_token_seen_ = false;
};

// What run_window's step 4 collects, as it stands now, with the events after the first `sent`
// (the timeline only grows while the window is open: a scrape copies what is new, not the whole run).
RunResult so_far(const std::vector<std::unique_ptr<RunSource>>& sources, const Target& target, Timeline& timeline,
                 std::size_t& sent) {
  RunResult r;
  target.so_far(timeline.t0_mono_ns(), r);
  for (const auto& source : sources) source->so_far(timeline, r);
  const auto& events = timeline.events();
  r.events.assign(events.begin() + static_cast<std::ptrdiff_t>(sent), events.end());
  sent = events.size();
  return r;
}

}  // namespace

void Target::so_far(std::int64_t t0, RunResult& result) const { result.wall_ns = sys::monotonic_ns() - t0; }

RunResult run_window(const MeasurePlan& plan, Target& target, Session& session, const Diag& diag, int run_index,
                     bool warmup) {
  std::vector<std::unique_ptr<RunSource>> sources;
  for (const auto& make : plan.sources) sources.push_back(make());
  sources.push_back(make_rss_source(plan, diag));
  sources.push_back(make_counter_source(plan));

  // 1. The target exists (held at the gate, or running): open every source on it.
  const pid_t pid = target.create(sources);
  std::vector<std::string> unavailable;
  for (auto& source : sources) source->open(pid, target.attached(), unavailable);
  for (auto& u : unavailable) add_unique(session.unavailable, std::move(u));

  // 2. The window opens: what an attach counts lies inside [t0, end], and so do the target's own
  // figures (an attach reads them right after the arming and right before the disarming).
  const std::int64_t begun = target.begin();
  for (auto& source : sources) source->arm();
  const std::int64_t t0 = target.opened(begun);
  if (session.jsonl != nullptr) {
    session.jsonl->write_line(report::jsonl_run_start(run_index, warmup, plan.command, t0));
  }
  bool snapshot_due = false;
  SnapshotRule rule(plan.analysis);
  Timeline timeline(t0, [&](const Event& e) {
    if (session.jsonl != nullptr) session.jsonl->write_line(report::jsonl_event(e));
    if (rule.wants(e)) snapshot_due = true;
    if (session.live) session.live->on_event(e);
  });

  // 3. The event loop, until the window ends.
  sys::EventLoop loop;
  bool ended = false;
  target.watch(loop, session, ended);
  // The live line's timer exists only on a terminal: elsewhere a run costs no extra wake-up. It
  // starts first, so it sees the events sources drain as they start.
  if (session.live) session.live->run_started(loop, t0, run_index, plan.analysis);
  for (auto& source : sources) source->start(loop, timeline);
  // Only with --serve: a scrape wakes the loop; there is no timer.
  std::size_t events_sent = 0;
  if (session.scrape != nullptr) {
    session.scrape->open();
    loop.add_fd(session.scrape->fd(),
                [&] { session.scrape->answer([&] { return so_far(sources, target, timeline, events_sent); }); });
  }
  std::optional<WindowEnd> source_end;  // an attach's --until or --drive closed the window
  loop.run_until([&] {
    if (snapshot_due && !ended) {
      snapshot_due = false;
      for (auto& source : sources) source->snapshot(timeline);
      for (auto& source : sources) source->after_snapshot();
    }
    for (auto& source : sources) {
      if (ended || !target.attached()) break;
      source_end = source->window_end();
      ended = source_end.has_value();
    }
    return ended;
  });

  // 4. Collect: the window closes, the target's own figures, then every source's.
  if (session.scrape != nullptr) session.scrape->close();
  target.closing();
  for (auto& source : sources) source->disarm();
  RunResult r;
  target.end(t0, r);
  if (source_end) r.ended_by = source_end->by;
  if (session.live) session.live->run_ended(r.wall_ns);
  r.interrupted = session.interrupted;
  for (auto& source : sources) source->finish(timeline, r);
  r.events = timeline.take();
  if (source_end) {  // hits read after the closing one (the rings are drained in batches) are outside
    std::erase_if(r.events,
                  [&](const Event& e) { return e.t_ns > source_end->t_ns && e.source != EventSource::drive; });
  }
  markers::analyze(plan.analysis, r);
  r.kernel_records.reset();  // read by the analysis only: a long run's records are many
  if (session.jsonl != nullptr) session.jsonl->write_line(report::jsonl_run_end(run_index, r));
  return r;
}

}  // namespace perfprobe::app
