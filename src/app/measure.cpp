// One measured run: the steps of DESIGN.md's pipeline for a launched target.
#include "measure.hpp"

#include "rss_timeline.hpp"

#include <signal.h>

#include <algorithm>

#include "perfprobe/counters/counter_set.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/launch/child.hpp"
#include "perfprobe/memory/page_cache.hpp"
#include "perfprobe/memory/rss.hpp"
#include "perfprobe/report/views.hpp"
#include "perfprobe/sys/clock.hpp"
#include "perfprobe/sys/event_loop.hpp"
#include "perfprobe/timeline.hpp"
#include "rss_timeline.hpp"

namespace perfprobe::app {

namespace {

std::int64_t timeval_ns(const timeval& tv) {
  return static_cast<std::int64_t>(tv.tv_sec) * 1000000000LL + static_cast<std::int64_t>(tv.tv_usec) * 1000;
}

// Ctrl-C from the terminal already reached the target (same process group); anything else
// (kill, a CI runner's SIGTERM) is forwarded. The third interrupt kills the target.
void on_signal(Session& session, launch::Child& child) {
  while (const auto sig = session.signals.read()) {
    session.interrupted = true;
    ++session.interrupt_count;
    if (!sig->from_terminal) child.signal(sig->signo);
    if (session.interrupt_count >= 3) child.signal(SIGKILL);
  }
}

void fill_from_exit(RunResult& r, const launch::ExitStatus& st) {
  r.exit_code = st.exit_code;
  r.signal = st.signal;
  r.core_dumped = st.core_dumped;
  r.user_ns = timeval_ns(st.usage.ru_utime);
  r.sys_ns = timeval_ns(st.usage.ru_stime);
  // ru_maxrss is in KiB and covers the child and its waited-for descendants.
  r.peak_rss_bytes = static_cast<std::uint64_t>(st.usage.ru_maxrss) * 1024;
  r.minor_faults = static_cast<std::uint64_t>(st.usage.ru_minflt);
  r.major_faults = static_cast<std::uint64_t>(st.usage.ru_majflt);
  r.voluntary_ctxt_switches = static_cast<std::uint64_t>(st.usage.ru_nvcsw);
  r.involuntary_ctxt_switches = static_cast<std::uint64_t>(st.usage.ru_nivcsw);
}

// Phase boundaries and readiness get an RSS sample and a counter snapshot right away, so per-phase
// deltas are not limited by the sampling interval; so does the first token (decode cost per token).
bool wants_snapshot(const markers::AnalysisPlan& plan, const Event& e, bool& first_token_seen) {
  if (e.kind == EventKind::ready || e.kind == EventKind::phase_begin || e.kind == EventKind::phase_end) return true;
  if (e.kind == EventKind::rss || e.kind == EventKind::counters) return false;
  if (plan.ready && markers::matches(*plan.ready, e)) return true;
  for (const auto& p : plan.phases) {
    if (markers::matches(p.begin, e) || markers::matches(p.end, e)) return true;
  }
  const bool token =
      plan.tokens ? markers::matches(*plan.tokens, e) : (e.kind == EventKind::token && e.source == "mark");
  if (token && !first_token_seen) {
    first_token_seen = true;
    return true;
  }
  return false;
}

void add_unique(std::vector<std::string>& list, std::string item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(std::move(item));
}

}  // namespace

void run_prepare(const std::string& command, Session& session) {
  launch::LaunchSpec spec;
  spec.argv = {"/bin/sh", "-c", command};
  spec.stdout_fd = 2;  // the target owns stdout; --prepare's chatter goes with perfprobe's
  launch::Child child(spec);
  child.release();
  sys::EventLoop loop;
  bool exited = false;
  loop.add_fd(child.pidfd(), [&] { exited = true; });
  loop.add_fd(session.signals.fd(), [&] { on_signal(session, child); });
  loop.run_until([&] { return exited; });
  const auto st = child.reap();
  if (st.exit_code != 0 && !session.interrupted) {
    throw Error("--prepare command failed with exit status " + std::to_string(st.exit_code) + ": " + command,
                "run it by hand to see why; perfprobe runs it with /bin/sh -c before every run");
  }
}

RunResult measure_once(const MeasurePlan& plan, Session& session, const Diag& diag, int run_index, bool warmup) {
  if (!plan.prepare.empty()) run_prepare(plan.prepare, session);
  RunResult r;
  if (session.interrupted) return r;
  for (auto& failed : memory::evict_from_page_cache(plan.cold_files))
    add_unique(session.unavailable, "--cold: " + failed);

  std::vector<std::unique_ptr<RunSource>> sources;
  for (const auto& make : plan.sources) sources.push_back(make());

  // 1. Fork the target; it waits at the gate while everything that must precede exec is opened.
  launch::LaunchSpec spec;
  spec.argv = plan.command;
  for (auto& source : sources) source->prepare_launch(spec);
  launch::Child child(spec);
  std::vector<std::string> unavailable;
  for (auto& source : sources) source->open(child.pid(), false, unavailable);
  for (auto& u : unavailable) {
    if (std::find(session.unavailable.begin(), session.unavailable.end(), u) == session.unavailable.end()) {
      session.unavailable.push_back(std::move(u));
    }
  }

  // 2. Counters: enable_on_exec + inherit, so perfprobe's own work is not counted and every
  //    thread and child of the target is.
  const counters::CounterSet counter_set =
      plan.fake_counters.empty() ? counters::CounterSet(plan.events, {child.pid()}, counters::OpenOptions{})
                                 : counters::CounterSet::scripted(plan.fake_counters);

  // 3. Release. Time zero of the run is this moment (the exec follows within microseconds).
  const std::int64_t release_ns = sys::monotonic_ns();
  if (session.jsonl != nullptr) {
    session.jsonl->write_line(report::jsonl_run_start(run_index, warmup, plan.command, release_ns));
  }
  const std::int64_t t0 = child.release();
  bool snapshot_due = false;
  bool first_token_seen = false;
  Timeline timeline(t0, [&](const Event& e) {
    if (session.jsonl != nullptr) session.jsonl->write_line(report::jsonl_event(e));
    if (wants_snapshot(plan.analysis, e, first_token_seen)) snapshot_due = true;
  });

  // 4. The event loop: exit of the target, signals to forward, RSS samples.
  sys::EventLoop loop;
  bool exited = false;
  loop.add_fd(child.pidfd(), [&] { exited = true; });
  loop.add_fd(session.signals.fd(), [&] { on_signal(session, child); });
  RssTimeline rss(child.pid(), plan.rss_warn_bytes, diag);
  const auto take_rss = [&] { rss.sample(timeline, r); };
  if (plan.interval_ns > 0) {
    // No sample at time zero: the process is still inside exec and its figures mean nothing yet.
    loop.add_timer(std::chrono::nanoseconds(plan.interval_ns), take_rss);
  }
  const auto take_snapshot = [&] {
    snapshot_due = false;
    take_rss();
    Event c;
    c.t_ns = sys::monotonic_ns();
    c.kind = EventKind::counters;
    c.source = "boundary";
    for (const auto& reading : counter_set.read()) {
      if (reading.supported) c.values.emplace_back(reading.name, reading.value);
    }
    timeline.add(std::move(c));
  };
  for (auto& source : sources) source->start(loop, timeline);
  loop.run_until([&] {
    if (snapshot_due && !exited) take_snapshot();
    return exited;
  });

  // 5. Collect: the exit status and rusage, then the counters (children's counts are folded into
  //    the inherited parent events as they exit).
  const auto st = child.reap();
  r.wall_ns = sys::monotonic_ns() - t0;
  fill_from_exit(r, st);
  r.counters = counter_set.read();
  r.interrupted = session.interrupted;
  r.rss_sample_cost_us = rss.mean_cost_us();
  for (auto& source : sources) source->finish(timeline, r);
  r.events = timeline.take();
  markers::analyze(plan.analysis, r);
  if (session.jsonl != nullptr) session.jsonl->write_line(report::jsonl_run_end(run_index, r));
  return r;
}

}  // namespace perfprobe::app
