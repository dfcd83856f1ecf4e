// The JSON document and JSONL stream of run/attach (schema_version 2, documented in docs/json-schema.md).
// The only code that knows these key names.
#include <string.h>
#include <cstring>
#include <nlohmann/json.hpp>

#include "perfprobe/metrics/catalogue.hpp"
#include "perfprobe/report/derived.hpp"
#include "perfprobe/report/json_text.hpp"
#include "perfprobe/report/views.hpp"

namespace perfprobe::report {

using nlohmann::json;

namespace {

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

json signal_json(const std::optional<int>& sig) {
  if (!sig) return nullptr;
  return *sig;
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

json summary_json(const stats::Summary& s) {
  return json{{"n", s.n},           {"mean", s.mean}, {"stddev", s.stddev}, {"min", s.min}, {"max", s.max},
              {"median", s.median}, {"p90", s.p90},   {"p95", s.p95},       {"p99", s.p99}};
}

json counter_json(const CounterReading& c) {
  if (!c.supported)
    return json{{"supported", false}, {"reason", c.reason}, {"kind", c.hardware ? "hardware" : "software"}};
  json j{{"supported", true},
         {"value", c.value},
         {"raw", c.raw},
         {"running_pct", c.running_pct()},
         {"time_enabled_ns", c.time_enabled_ns},
         {"time_running_ns", c.time_running_ns},
         {"multiplexed", c.is_multiplexed()},
         {"scope", c.exclude_kernel ? "user" : "user+kernel"},
         {"kind", c.hardware ? "hardware" : "software"}};
  if (!c.unit.empty()) j["unit"] = c.unit;
  if (!c.note.empty()) j["note"] = c.note;
  return j;
}

json rss_json(const RssSample& s) {
  return json{{"t_ms", ms(s.t_ns)},         {"rss_bytes", s.rss_bytes},     {"anon_bytes", s.anon_bytes},
              {"file_bytes", s.file_bytes}, {"shmem_bytes", s.shmem_bytes}, {"processes", s.processes}};
}

// The markers' figures: startup, phases, tokens, marker counts.
json phase_json(const PhaseResult& p) {
  json counters = json::object();
  for (const auto& c : p.counters) counters[c.name] = c.value;
  return json{{"name", p.name},
              {"start_ms", ms(p.start_ns)},
              {"end_ms", ms(p.end_ns)},
              {"duration_ms", ms(p.end_ns - p.start_ns)},
              {"rss_delta_bytes", p.rss_delta_bytes},
              {"rss_anon_delta_bytes", p.rss_anon_delta_bytes},
              {"rss_file_delta_bytes", p.rss_file_delta_bytes},
              {"boundary", to_string(p.boundary)},
              {"counters", std::move(counters)}};
}

json tokens_json(const TokenStats& t) {
  json j{{"count", t.count},
         {"prompt_echo_count", t.prompt_echo},
         {"ttft_ms", t.ttft_ns ? json(ms(*t.ttft_ns)) : json(nullptr)},
         {"tokens_per_s", t.tokens_per_s}};
  const auto s = stats::summarize(t.latency_ms);
  j["latency_ms"] = json{{"n", s.n},     {"mean", s.mean}, {"p50", s.median}, {"p90", s.p90},
                         {"p95", s.p95}, {"p99", s.p99},   {"max", s.max}};
  json stalls = json::array();
  for (const auto& st : t.stalls)
    stalls.push_back(json{{"index", st.index}, {"t_ms", ms(st.t_ns)}, {"latency_ms", st.latency_ms}});
  j["stalls"] = std::move(stalls);
  json per_token = json::object();
  for (const auto& [k, v] : t.per_token) per_token[k] = v;
  j["per_token"] = std::move(per_token);
  return j;
}

void add_markers_json(json& j, const RunResult& r) {
  if (r.startup_ns) j["startup_ms"] = ms(*r.startup_ns);
  json phases = json::array();
  for (const auto& p : r.phases) phases.push_back(phase_json(p));
  j["phases"] = std::move(phases);
  if (r.tokens) j["tokens"] = tokens_json(*r.tokens);
  if (r.requests) {
    const auto s = stats::summarize(r.requests->ttft_ms);
    j["requests"] = json{{"count", r.requests->count},
                         {"answered", r.requests->ttft_ms.size()},
                         {"ttft_ms", json{{"n", s.n},
                                          {"mean", s.mean},
                                          {"p50", s.median},
                                          {"p90", s.p90},
                                          {"p95", s.p95},
                                          {"p99", s.p99},
                                          {"max", s.max}}},
                         {"ttft_per_request_ms", r.requests->ttft_ms}};
  }
  json markers = json::object();
  for (const auto& [name, count] : r.marker_counts) markers[name] = json{{"count", count}};
  j["markers"] = std::move(markers);
  j["markers_dropped"] = r.markers_dropped;
  if (r.stopped) {
    j["stopped"] = json{{"by", r.stopped->by},
                        {"t_ms", ms(r.stopped->t_ns)},
                        {"signals", r.stopped->signals},
                        {"timed_out", r.stopped->timed_out}};
  }
  if (r.drive) {
    j["drive"] = json{{"command", r.drive->command},     {"start_ms", ms(r.drive->start_ns)},
                      {"end_ms", ms(r.drive->end_ns)},   {"duration_ms", ms(r.drive->end_ns - r.drive->start_ns)},
                      {"exit_code", r.drive->exit_code}, {"finished", r.drive->finished}};
  }
  if (!r.ended_by.empty()) j["ended_by"] = r.ended_by;
  if (!r.until.empty()) j["until"] = r.until;
}

// summary: the statistics over runs of every catalogue metric, nested as the metric's key says
// (summary.wall_ms, summary.tokens.ttft_ms, summary.phases.NAME.duration_ms, summary.counters.NAME).
json summary_of(const std::vector<RunResult>& runs) {
  json summary = json::object();
  summary["runs"] = runs.size();
  summary["counters"] = json::object();
  for (const auto& id : metrics::metrics_of(runs)) {
    const json s = summary_json(stats::summarize(metrics::values_of(id, runs)));
    const auto& m = *id.metric;
    if (m.family == metrics::Family::phase) {
      summary["phases"][id.member][std::string(m.field)] = s;
    } else if (m.family == metrics::Family::counter) {
      summary["counters"][id.member] = s;
    } else if (m.group.empty()) {
      summary[std::string(m.field)] = s;
    } else {
      summary[std::string(m.group)][std::string(m.field)] = s;
    }
  }
  return summary;
}

json run_json(const RunResult& r) {
  json j{{"exit_code", r.exit_code},
         {"signal", signal_json(r.signal)},
         {"interrupted", r.interrupted},
         {"wall_ms", ms(r.wall_ns)},
         {"user_ms", ms(r.user_ns)},
         {"sys_ms", ms(r.sys_ns)},
         {"peak_rss_bytes", r.peak_rss_bytes},
         {"peak_tree_rss_bytes", r.peak_tree_rss_bytes},
         {"minor_faults", r.minor_faults},
         {"major_faults", r.major_faults},
         {"voluntary_ctxt_switches", r.voluntary_ctxt_switches},
         {"involuntary_ctxt_switches", r.involuntary_ctxt_switches}};
  if (r.signal) {
    j["signal_name"] = signal_name(*r.signal);
    j["core_dumped"] = r.core_dumped;
  }
  json counters = json::object();
  for (const auto& c : r.counters) counters[c.name] = counter_json(c);
  j["counters"] = std::move(counters);
  json derived = json::object();
  for (const auto& [k, v] : derived_metrics(r.counters, r.wall_ns)) derived[k] = v;
  j["derived"] = std::move(derived);
  json rss = json::array();
  for (const auto& s : r.rss) rss.push_back(rss_json(s));
  j["rss_samples"] = std::move(rss);
  j["rss_sample_cost_us"] = r.rss_sample_cost_us;
  add_markers_json(j, r);
  if (r.cold)
    j["cold"] = {{"evicted_bytes", r.cold->evicted_bytes}, {"still_cached_bytes", r.cold->still_cached_bytes}};
  return j;
}

}  // namespace

std::string to_json_text(const RunReport& report) {
  json doc{{"schema_version", kRunSchemaVersion}, {"tool", report.tool}, {"command", report.command}};
  doc["warmup_runs"] = report.warmup;
  doc["interrupted"] = report.interrupted;
  doc["interval_ms"] = report.interval_ms;
  doc["cold"] = !report.runs.empty() && report.runs.front().cold.has_value();
  json runs = json::array();
  for (const auto& r : report.runs) runs.push_back(run_json(r));
  doc["runs"] = std::move(runs);
  doc["summary"] = summary_of(report.runs);
  json samples = json::object();
  for (const auto& [key, values] : metrics::samples_of(report.runs)) samples[key] = values;
  doc["samples"] = std::move(samples);
  doc["warnings"] = report.warnings;
  doc["unavailable"] = report.unavailable;
  bool replaced = false;
  std::string text = dump_json(doc, 2, &replaced);
  if (replaced) {  // say so in the document itself
    doc["warnings"].push_back(kReplacedNote);
    text = dump_json(doc, 2);
  }
  return text + "\n";
}

std::string jsonl_event(const Event& e) {
  static constexpr const char* kKinds[] = {"marker",      "token",     "output", "rss",    "counters",
                                           "phase_begin", "phase_end", "ready",  "warning"};
  const auto kind = kKinds[static_cast<int>(e.kind)];
  json j{{"event", kind}, {"t_ms", ms(e.t_ns)}};
  if (!e.name.empty()) j["name"] = e.name;
  if (e.source != EventSource::none) j["source"] = std::string(to_string(e.source));
  if (!e.args.empty()) j["args"] = e.args;
  if (e.rss) {
    const json r = rss_json(*e.rss);
    for (auto it = r.begin(); it != r.end(); ++it) {
      if (it.key() != "t_ms") j[it.key()] = it.value();
    }
  }
  for (const auto& [k, v] : e.values) j["values"][k] = v;
  if (!e.text.empty()) j["message"] = e.text;
  return dump_json(j);
}

std::string jsonl_run_start(int run_index, bool warmup, const std::vector<std::string>& command,
                            std::int64_t t_mono_ns) {
  return dump_json(json{{"event", "run_start"},
                        {"run", run_index},
                        {"warmup", warmup},
                        {"command", command},
                        {"t_mono_ns", t_mono_ns},
                        {"schema_version", kRunSchemaVersion}});
}

std::string jsonl_serve(const std::string& address) {
  return dump_json(json{{"event", "serve"}, {"address", address}, {"url", "http://" + address + "/metrics"}});
}

std::string jsonl_run_end(int run_index, const RunResult& r) {
  json j = run_json(r);
  j.erase("rss_samples");
  j["event"] = "run_end";
  j["run"] = run_index;
  j["t_ms"] = ms(r.wall_ns);
  return dump_json(j);
}

}  // namespace perfprobe::report
