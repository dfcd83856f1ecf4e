// Chrome trace-event JSON ({"traceEvents": [...]}, times in µs since the target's exec): the format
// ui.perfetto.dev, chrome://tracing and speedscope open. Phases are slices on a track of their own,
// markers and tokens instants ("i"), RSS and counter snapshots counter tracks ("C"), samples real
// stack samples ("stackFrames" + "samples") and nested slices on their thread's track, between the
// thread's off-CPU slices ("off-cpu: REASON", with the wait's chain).
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "perfprobe/report/json_text.hpp"
#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {

using nlohmann::json;

namespace {

// Synthetic track ids inside each run's trace process, away from real tids.
constexpr int kPhaseTrack = 1'000'000'001;
constexpr int kMarkerTrack = 1'000'000'002;
constexpr int kTokenTrack = 1'000'000'003;
constexpr int kOutputTrack = 1'000'000'004;

double us(std::int64_t ns) { return static_cast<double>(ns) / 1e3; }

json meta(const char* what, int pid, int tid, const std::string& name) {
  return json{{"ph", "M"}, {"name", what}, {"pid", pid}, {"tid", tid}, {"args", {{"name", name}}}};
}

json instant(const std::string& name, const char* cat, std::int64_t t_ns, int pid, int tid, json args) {
  return json{{"ph", "i"},      {"s", "t"},   {"name", name}, {"cat", cat},
              {"ts", us(t_ns)}, {"pid", pid}, {"tid", tid},   {"args", std::move(args)}};
}

int track_of(EventKind k) {
  switch (k) {
    case EventKind::token:
      return kTokenTrack;
    case EventKind::output:
      return kOutputTrack;
    case EventKind::phase_begin:
    case EventKind::phase_end:
      return kPhaseTrack;
    default:
      return kMarkerTrack;
  }
}

// Phases are complete slices on a track of their own, or, beside samples, async slices ("b"/"e"):
// speedscope makes a profile of every track that holds slices and wants samples on each.
void add_timeline(json& ev, const RunResult& run, int pid, bool async_phases) {
  int phase_id = 0;
  for (const auto& ph : run.phases) {
    json args{{"rss_delta_bytes", ph.rss_delta_bytes}};
    for (const auto& c : ph.counters) {
      if (c.supported) args[c.name] = c.value;
    }
    if (async_phases) {
      ++phase_id;
      ev.push_back({{"ph", "b"},
                    {"name", ph.name},
                    {"cat", "phase"},
                    {"id", phase_id},
                    {"ts", us(ph.start_ns)},
                    {"pid", pid},
                    {"tid", kPhaseTrack},
                    {"args", std::move(args)}});
      ev.push_back({{"ph", "e"},
                    {"name", ph.name},
                    {"cat", "phase"},
                    {"id", phase_id},
                    {"ts", us(std::max(ph.end_ns, ph.start_ns))},
                    {"pid", pid},
                    {"tid", kPhaseTrack}});
      continue;
    }
    ev.push_back({{"ph", "X"},
                  {"name", ph.name},
                  {"cat", "phase"},
                  {"ts", us(ph.start_ns)},
                  {"dur", us(std::max<std::int64_t>(ph.end_ns - ph.start_ns, 0))},
                  {"pid", pid},
                  {"tid", kPhaseTrack},
                  {"args", std::move(args)}});
  }
  if (run.startup_ns) ev.push_back(instant("ready", "marker", *run.startup_ns, pid, kMarkerTrack, json::object()));
  for (const auto& e : run.events) {
    if (e.kind == EventKind::rss) continue;  // drawn from run.rss below
    if (e.kind == EventKind::counters) {
      json args = json::object();
      for (const auto& [k, v] : e.values) args[k] = v;
      ev.push_back({{"ph", "C"}, {"name", "counters"}, {"ts", us(e.t_ns)}, {"pid", pid}, {"args", std::move(args)}});
      continue;
    }
    json args = json::object();
    if (e.source != EventSource::none) args["source"] = std::string(to_string(e.source));
    if (!e.args.empty()) args["args"] = e.args;
    if (!e.text.empty()) args["text"] = e.text;
    const std::string name = e.name.empty() ? (e.kind == EventKind::token ? "token" : "event") : e.name;
    ev.push_back(
        instant(name, e.kind == EventKind::token ? "token" : "marker", e.t_ns, pid, track_of(e.kind), std::move(args)));
  }
  for (const auto& s : run.rss) {
    ev.push_back({{"ph", "C"},
                  {"name", "rss_mib"},
                  {"ts", us(s.t_ns)},
                  {"pid", pid},
                  {"args",
                   {{"anon", static_cast<double>(s.anon_bytes) / 1048576.0},
                    {"file", static_cast<double>(s.file_bytes) / 1048576.0},
                    {"shmem", static_cast<double>(s.shmem_bytes) / 1048576.0}}}});
  }
  ev.push_back(meta("thread_name", pid, kPhaseTrack, "phases"));
  ev.push_back(meta("thread_name", pid, kMarkerTrack, "markers"));
  ev.push_back(meta("thread_name", pid, kTokenTrack, "tokens"));
  ev.push_back(meta("thread_name", pid, kOutputTrack, "output"));
}

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// How long one sample stands for, in µs: the sampling interval.
double sample_us(const ResolvedProfile& p) {
  if (p.frequency_hz > 0) return 1e6 / static_cast<double>(p.frequency_hz);
  if (p.period > 0 && (p.event == "cpu-clock" || p.event == "task-clock")) return static_cast<double>(p.period) / 1e3;
  return 1000;
}

// One stack-frame node per distinct call path (ids from 1: readers stop at a parent of 0).
class StackFrames {
 public:
  int node(int parent, const FrameInfo& f) {
    const auto [it, added] = ids_.try_emplace({parent, f.function}, next_);
    if (added) {
      json frame{{"name", f.function}, {"category", base_name(f.module)}};
      if (parent != 0) frame["parent"] = parent;
      frames_[std::to_string(next_++)] = std::move(frame);
    }
    return it->second;
  }
  json take() { return std::move(frames_); }

 private:
  std::map<std::pair<int, std::string>, int> ids_;
  json frames_ = json::object();
  int next_ = 1;
};

// A thread's samples as nested slices: a frame opens at the first sample that has it on its stack
// and closes at the first that does not (or one interval after the last sample, or at a gap).
class ThreadSlices {
 public:
  ThreadSlices(json& ev, int pid, pid_t tid, double interval_us)
      : ev_(ev), pid_(pid), tid_(tid), interval_(interval_us) {}
  void sample(double ts, const std::vector<const std::string*>& path) {
    if (!open_.empty() && ts - last_ > 2 * interval_) close_to(0, last_ + interval_);
    std::size_t common = 0;
    while (common < open_.size() && common < path.size() && *open_[common].first == *path[common]) ++common;
    close_to(common, ts);
    for (std::size_t i = common; i < path.size(); ++i) open_.emplace_back(path[i], ts);
    last_ = ts;
  }
  void finish() { close_to(0, last_ + interval_); }

  // A wait from `from` to `to`: what was open closes at the wait's start (the last sample stood
  // for the CPU time before it), and the next sample's slices open after the wait's end.
  void wait(double from, double to) {
    close_to(0, std::max(last_, std::min(from, last_ + interval_)));
    last_ = to;
  }

 private:
  void close_to(std::size_t depth, double ts) {
    while (open_.size() > depth) {
      const auto& [name, start] = open_.back();
      ev_.push_back({{"ph", "X"},
                     {"name", *name},
                     {"cat", "sample"},
                     {"ts", start},
                     {"dur", ts - start},
                     {"pid", pid_},
                     {"tid", tid_}});
      open_.pop_back();
    }
  }
  json& ev_;
  int pid_;
  pid_t tid_;
  double interval_;
  double last_ = 0;
  std::vector<std::pair<const std::string*, double>> open_;
};

// One off-CPU interval as a slice on its thread's track, after closing the samples' slices; returns
// its end (µs).
double add_wait(json& ev, ThreadSlices& slices, const ResolvedProfile& p, const OffCpuInterval& i, int pid) {
  const double from = us(i.start_ns);
  const double to = us(i.end_ns);
  slices.wait(from, to);
  json chain = json::array();
  for (const auto f : i.stack) chain.push_back(p.frames[f].function);
  ev.push_back({{"ph", "X"},
                {"name", std::string("off-cpu: ") + off_cpu_reason_name(i.reason)},
                {"cat", "off_cpu"},
                {"ts", from},
                {"dur", to - from},
                {"pid", pid},
                {"tid", i.tid},
                {"args", {{"reason", off_cpu_reason_name(i.reason)}, {"chain", std::move(chain)}}}});
  return to;
}

// Samples as the trace format's stack samples ("stackFrames" and "samples", which speedscope and
// chrome://tracing draw as a flame chart per thread), and the same call paths as nested slices on
// each thread's track (what Perfetto draws).
void add_samples(json& ev, json& doc, const ResolvedProfile& p, int pid) {
  std::map<pid_t, std::vector<const ResolvedSample*>> by_tid;
  for (const auto& s : p.samples) {
    if (!p.stack_of(s).empty()) by_tid[s.tid].push_back(&s);
  }
  std::map<pid_t, std::vector<const OffCpuInterval*>> waits;
  for (const auto& i : p.off_cpu) {
    waits[i.tid].push_back(&i);
    by_tid.try_emplace(i.tid);
  }
  StackFrames frames;
  json samples = json::array();
  const double interval = sample_us(p);
  for (auto& [tid, list] : by_tid) {
    std::stable_sort(list.begin(), list.end(), [](const auto* a, const auto* b) { return a->t_ns < b->t_ns; });
    auto& off = waits[tid];
    std::stable_sort(off.begin(), off.end(), [](const auto* a, const auto* b) { return a->start_ns < b->start_ns; });
    ThreadSlices slices(ev, pid, tid, interval);
    std::size_t next_wait = 0;
    double resumed = 0;  // the end of the last wait: no slice of a sample opens before it
    for (const auto* s : list) {
      for (; next_wait < off.size() && off[next_wait]->start_ns <= s->t_ns; ++next_wait) {
        resumed = add_wait(ev, slices, p, *off[next_wait], pid);
      }
      int node = 0;
      std::vector<const std::string*> path;
      // Root first; a range-for would need std::views::reverse, which clang 14 with libstdc++ 12
      // cannot compile.
      const auto& stack = p.stack_of(*s);
      // NOLINTNEXTLINE(modernize-loop-convert)
      for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
        node = frames.node(node, p.frames[*it]);
        path.push_back(&p.frames[*it].function);
      }
      samples.push_back({{"cpu", 0},
                         {"pid", pid},
                         {"tid", tid},
                         {"ts", us(s->t_ns)},
                         {"name", p.event},
                         {"sf", node},
                         {"weight", 1}});
      slices.sample(std::max(us(s->t_ns), resumed), path);
    }
    for (; next_wait < off.size(); ++next_wait) add_wait(ev, slices, p, *off[next_wait], pid);
    slices.finish();
    const auto n = p.thread_names.find(tid);
    ev.push_back(meta("thread_name", pid, tid,
                      (n == p.thread_names.end() ? std::string("thread") : n->second) + " " + std::to_string(tid)));
  }
  doc["stackFrames"] = frames.take();
  doc["samples"] = std::move(samples);
}

std::string join(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
  return s;
}

}  // namespace

std::string to_trace_json(const RunResult& run, const std::vector<std::string>& command,
                          const ResolvedProfile* profile) {
  json ev = json::array();
  const int pid = profile != nullptr && !profile->samples.empty() ? profile->samples.front().pid : 1;
  ev.push_back(meta("process_name", pid, 0, join(command)));
  const bool samples = profile != nullptr && !profile->samples.empty();
  add_timeline(ev, run, pid, samples);
  json doc{{"displayTimeUnit", "ms"}};
  if (samples) add_samples(ev, doc, *profile, pid);
  doc["traceEvents"] = std::move(ev);
  return perfprobe::report::dump_json(doc) + "\n";
}

std::string to_trace_json(const std::vector<RunResult>& runs, const std::vector<std::string>& command) {
  json ev = json::array();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const int pid = static_cast<int>(i) + 1;
    ev.push_back(meta("process_name", pid, 0, "run " + std::to_string(pid) + ": " + join(command)));
    add_timeline(ev, runs[i], pid, false);
  }
  return perfprobe::report::dump_json(json{{"traceEvents", std::move(ev)}, {"displayTimeUnit", "ms"}}) + "\n";
}

}  // namespace perfprobe::report
