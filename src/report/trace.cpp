// Chrome trace-event JSON ({"traceEvents": [...]}, times in µs since the target's exec): the format
// ui.perfetto.dev and chrome://tracing open. Phases are complete slices ("X") on a track of their
// own, markers and tokens instants ("i"), RSS and counter snapshots counter tracks ("C"), samples
// instants on their thread's track named after the leaf function, with the stack in args.
#include <nlohmann/json.hpp>

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

void add_timeline(json& ev, const RunResult& run, int pid) {
  for (const auto& ph : run.phases) {
    json args{{"rss_delta_bytes", ph.rss_delta_bytes}};
    for (const auto& c : ph.counters) {
      if (c.supported) args[c.name] = c.value;
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

void add_samples(json& ev, const ResolvedProfile& p, int pid) {
  std::map<pid_t, bool> named;
  for (const auto& s : p.samples) {
    if (s.stack.empty()) continue;
    std::string stack;
    for (auto it = s.stack.rbegin(); it != s.stack.rend(); ++it)
      stack += (stack.empty() ? "" : ";") + p.frames[*it].function;
    ev.push_back(
        instant(p.frames[s.stack.front()].function, "sample", s.t_ns, pid, s.tid, {{"stack", stack}, {"pid", s.pid}}));
    if (!named[s.tid]) {
      named[s.tid] = true;
      const auto n = p.thread_names.find(s.tid);
      ev.push_back(meta("thread_name", pid, s.tid,
                        (n == p.thread_names.end() ? std::string("thread") : n->second) + " " + std::to_string(s.tid)));
    }
  }
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
  add_timeline(ev, run, pid);
  if (profile != nullptr) add_samples(ev, *profile, pid);
  return json{{"traceEvents", std::move(ev)}, {"displayTimeUnit", "ms"}}.dump() + "\n";
}

std::string to_trace_json(const std::vector<RunResult>& runs, const std::vector<std::string>& command) {
  json ev = json::array();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const int pid = static_cast<int>(i) + 1;
    ev.push_back(meta("process_name", pid, 0, "run " + std::to_string(pid) + ": " + join(command)));
    add_timeline(ev, runs[i], pid);
  }
  return json{{"traceEvents", std::move(ev)}, {"displayTimeUnit", "ms"}}.dump() + "\n";
}

}  // namespace perfprobe::report
