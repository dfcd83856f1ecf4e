// Attach: counters on every existing thread (plus inherit for later ones), sources opened with
// attached=true, an RSS timeline of the tree from the first moment. The target is never stopped:
// perf events and /proc reads are all there is, and leaving only disables and closes them.
#include "attach_measure.hpp"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "perfprobe/counters/counter_set.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/markers/analysis.hpp"
#include "perfprobe/memory/rss.hpp"
#include "perfprobe/report/views.hpp"
#include "perfprobe/sys/clock.hpp"
#include "perfprobe/sys/event_loop.hpp"
#include "perfprobe/sys/process.hpp"
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

sys::Fd open_target(pid_t pid) {
  int err = 0;
  sys::Fd fd = sys::open_pidfd(pid, err);
  if (!fd.valid()) {
    throw UsageError("cannot attach to pid " + std::to_string(pid) + ": " +
                         (err == ESRCH ? std::string("no such process") : std::strerror(err)),
                     "list candidates with `pgrep NAME` or `ps -ef`");
  }
  return fd;
}

void add_unique(std::vector<std::string>& list, std::string item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(std::move(item));
}

}  // namespace

AttachOutcome measure_attached(const MeasurePlan& plan, pid_t pid, std::int64_t duration_ns, Session& session,
                               const Diag& diag) {
  AttachOutcome out;
  RunResult& r = out.result;
  const sys::Fd pidfd = open_target(pid);

  // 1. Open everything on the running tree. Counters: one event per existing thread, enabled now.
  std::vector<std::unique_ptr<RunSource>> sources;
  for (const auto& make : plan.sources) sources.push_back(make());
  std::vector<std::string> unavailable;
  for (auto& source : sources) source->open(pid, true, unavailable);
  for (auto& u : unavailable) add_unique(session.unavailable, std::move(u));
  const counters::CounterSet counter_set(plan.events, threads_of_tree(pid),
                                         counters::OpenOptions{.enable_on_exec = false, .inherit = true});
  const auto cpu_before = sys::cpu_times_of(pid);

  // 2. Time zero is the attach.
  const std::int64_t t0 = sys::monotonic_ns();
  if (session.jsonl != nullptr) session.jsonl->write_line(report::jsonl_run_start(0, false, plan.command, t0));
  Timeline timeline(t0, [&](const Event& e) {
    if (session.jsonl != nullptr) session.jsonl->write_line(report::jsonl_event(e));
  });

  // 3. The loop: the target's exit, Ctrl-C (ends the attach, never forwarded), the duration, RSS.
  sys::EventLoop loop;
  bool done = false;
  loop.add_fd(pidfd.get(), [&] {
    out.target_exited = true;
    done = true;
  });
  loop.add_fd(session.signals.fd(), [&] {
    while (session.signals.read()) session.interrupted = true;
    done = true;
  });
  if (duration_ns > 0) loop.add_timer(std::chrono::nanoseconds(duration_ns), [&] { done = true; });
  RssTimeline rss(pid, plan.rss_warn_bytes, diag);
  const auto take_rss = [&] { rss.sample(timeline, r); };
  take_rss();  // unlike a launch, the process is already in its steady state at time zero
  if (plan.interval_ns > 0) loop.add_timer(std::chrono::nanoseconds(plan.interval_ns), take_rss);
  for (auto& source : sources) source->start(loop, timeline);
  loop.run_until([&] { return done; });

  // 4. Collect while the target goes on.
  r.wall_ns = sys::monotonic_ns() - t0;
  r.counters = counter_set.read();
  if (const auto cpu_after = sys::cpu_times_of(pid); cpu_before && cpu_after) {
    r.user_ns = cpu_after->user_ns - cpu_before->user_ns;
    r.sys_ns = cpu_after->sys_ns - cpu_before->sys_ns;
  }
  r.interrupted = session.interrupted;
  r.rss_sample_cost_us = rss.mean_cost_us();
  for (const auto& s : r.rss) r.peak_rss_bytes = std::max(r.peak_rss_bytes, s.rss_bytes);
  for (auto& source : sources) source->finish(timeline, r);
  r.events = timeline.take();
  markers::analyze(plan.analysis, r);
  if (session.jsonl != nullptr) session.jsonl->write_line(report::jsonl_run_end(0, r));
  return out;
}

}  // namespace perfprobe::app
