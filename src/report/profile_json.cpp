// `report --json`: the profile as JSON on stdout (key names are a contract, docs/json-schema.md;
// documented in docs/json-schema.md).
#include <nlohmann/json.hpp>

#include "offcpu_views.hpp"
#include "perfprobe/report/json_text.hpp"
#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {

using nlohmann::json;

namespace {

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

json lines_json(const std::vector<LineShare>& lines) {
  json a = json::array();
  for (const auto& l : lines) a.push_back({{"file", l.file}, {"line", l.line}, {"pct", l.pct}});
  return a;
}

json functions_json(const std::vector<FunctionStat>& fns) {
  json a = json::array();
  for (const auto& f : fns) {
    a.push_back({{"name", f.name},
                 {"self_pct", f.self_pct},
                 {"total_pct", f.total_pct},
                 {"self_samples", f.self_samples},
                 {"total_samples", f.total_samples},
                 {"file", f.file},
                 {"line", f.line},
                 {"address", hex(f.address)},
                 {"module", f.module},
                 {"lines", lines_json(f.lines)},
                 {"spin_wait", f.spin_wait}});
  }
  return a;
}

json activity_json(const TokenActivity& a) {
  json j{{"tokens", a.tokens},
         {"latency_ms", a.latency_ms},
         {"samples", a.samples},
         {"cpu_ms", a.cpu_ms},
         {"functions", functions_json(a.functions)},
         {"chain", a.chain}};
  if (a.tokens == 1) {
    j["index"] = a.index;
    j["start_ms"] = static_cast<double>(a.start_ns) / 1e6;
    j["end_ms"] = static_cast<double>(a.end_ns) / 1e6;
    j["stall"] = a.stall;
    j["rss_growth_bytes"] = a.rss_growth_bytes;
  }
  j["wall"] = a.wall ? wall_json(*a.wall) : json(nullptr);
  j["top_wait"] = a.top_wait ? json{{"reason", off_cpu_reason_name(a.top_wait->reason)},
                                    {"ms", a.top_wait->ms},
                                    {"pct", a.top_wait->pct},
                                    {"waits", a.top_wait->waits},
                                    {"frames", a.top_wait->frames}}
                             : json(nullptr);
  j["major_faults"] = a.major_faults ? json(*a.major_faults) : json(nullptr);
  return j;
}

json tokens_json(const TokenReport& t) {
  json slowest = json::array();
  for (const auto& a : t.slowest) slowest.push_back(activity_json(a));
  return {{"count", t.count},
          {"median_ms", t.median_ms},
          {"sample_interval_ms", t.sample_interval_ms},
          {"decode_samples", t.decode_samples},
          {"cpu_ms_sampled", t.cpu_ms_sampled},
          {"per_token", t.per_token},
          {"slowest", std::move(slowest)},
          {"others", t.typical ? activity_json(*t.typical) : json(nullptr)}};
}

}  // namespace

std::string profile_to_json(const ProfileReport& r) {
  json doc{{"schema_version", kProfileSchemaVersion},
           {"command", r.command},
           {"samples", r.samples},
           {"lost", r.lost},
           {"lost_records", r.lost_records},
           {"throttled", r.throttled},
           {"event", r.event},
           {"frequency_hz", r.frequency_hz},
           {"period", r.period},
           {"call_graph", r.call_graph},
           {"dwarf_unwound", r.dwarf_unwound},
           {"spin_wait_pct", r.spin_wait_pct},
           {"truncated_chains", r.truncated},
           {"inline", r.inline_apart ? "apart" : "caller"},
           {"duration_ms", r.duration_ms},
           {"functions", functions_json(r.functions)}};
  json phases = json::array();
  for (std::size_t i = 0; i < r.phases.size(); ++i) {
    const auto& p = r.phases[i];
    phases.push_back({{"name", p.name},
                      {"start_ms", static_cast<double>(p.start_ns) / 1e6},
                      {"end_ms", static_cast<double>(p.end_ns) / 1e6},
                      {"samples", p.samples},
                      {"pct", p.pct},
                      {"functions", functions_json(p.functions)}});
    if (i < r.off_cpu.phases.size()) phases.back()["wall"] = wall_json(r.off_cpu.phases[i]);
  }
  doc["phases"] = std::move(phases);
  json threads = json::array();
  for (const auto& t : r.threads) {
    threads.push_back({{"tid", t.tid},
                       {"pid", t.pid},
                       {"name", t.name},
                       {"samples", t.samples},
                       {"pct", t.pct},
                       {"functions", functions_json(t.functions)}});
  }
  doc["threads"] = std::move(threads);
  json modules = json::array();
  for (const auto& m : r.modules) {
    modules.push_back({{"path", m.path},
                       {"build_id", m.build_id},
                       {"has_symbols", m.has_symbols},
                       {"has_debuginfo", m.has_debuginfo},
                       {"debug_file", m.debug_file},
                       {"build_id_mismatch", m.build_id_mismatch},
                       {"samples", m.samples}});
  }
  doc["modules"] = std::move(modules);
  doc["tokens"] = r.tokens ? tokens_json(*r.tokens) : json(nullptr);
  doc["off_cpu"] = off_cpu_json(r.off_cpu);
  doc["hints"] = r.hints;
  doc["warnings"] = r.warnings;
  return perfprobe::report::dump_json(doc, 2) + "\n";
}

}  // namespace perfprobe::report
