// Off-CPU time as text ("wall = on-CPU + off-CPU by reason" per scope, the heaviest waits) and as
// JSON objects (docs/json-schema.md, `report --json`).
#include "offcpu_views.hpp"

#include <cstdio>

namespace perfprobe::report {

namespace {

double pct_of(double part, double whole) { return whole <= 0 ? 0 : 100 * part / whole; }

// "1002.3 ms = on-CPU 50.1% (spin-wait 0.0%) + off-CPU 49.9% (sleep 49.8%, runnable 0.1%)"
std::string split_text(const WallSplit& w) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%9.1f ms = on-CPU %5.1f%%", w.wall_ms, pct_of(w.on_cpu_ms, w.wall_ms));
  std::string s = buf;
  if (w.spin_wait_ms >= 0.001 * w.wall_ms && w.wall_ms > 0) {
    std::snprintf(buf, sizeof buf, " (spin-wait %.1f%%)", pct_of(w.spin_wait_ms, w.wall_ms));
    s += buf;
  }
  std::snprintf(buf, sizeof buf, " + off-CPU %5.1f%%", pct_of(w.off_cpu_ms, w.wall_ms));
  s += buf;
  std::string reasons;
  for (std::size_t k = 0; k < kOffCpuReasons; ++k) {
    if (w.reason_ms[k] < 0.001 * w.wall_ms || w.reason_ms[k] <= 0) continue;
    std::snprintf(buf, sizeof buf, "%s %.1f%%", off_cpu_reason_name(static_cast<OffCpuReason>(k)),
                  pct_of(w.reason_ms[k], w.wall_ms));
    reasons += (reasons.empty() ? "" : ", ") + std::string(buf);
  }
  if (!reasons.empty()) s += " (" + reasons + ")";
  return s;
}

std::string mechanism_text(const OffCpuReport& o) {
  if (o.mechanism == "sched_switch") return "switch records; chains and reasons from sched:sched_switch";
  if (o.mechanism == "context-switches") {
    return "switch records; chains from the context-switches event (no sleep/io split: needs sched_switch, root)";
  }
  return "switch records only: times and preemptions, no chains (record as root for the chain and reason of each "
         "wait)";
}

// "; 12 of 40 wait chains truncated (35.2% of off-CPU time)": chains cut at the stack copy's end.
std::string truncated_text(const OffCpuReport& o) {
  if (o.truncated_waits == 0) return "";
  char buf[128];
  std::snprintf(buf, sizeof buf, "; %llu of %llu wait chains truncated (%.1f%% of off-CPU time)",
                static_cast<unsigned long long>(o.truncated_waits), static_cast<unsigned long long>(o.chained_waits),
                o.truncated_pct);
  return buf;
}

}  // namespace

void write_off_cpu_text(std::ostream& out, const ProfileReport& r, bool color) {
  const auto& o = r.off_cpu;
  if (!o.recorded) return;
  const auto bold = [&](const std::string& s) { return color ? "\033[1m" + s + "\033[0m" : s; };
  out << "\n" << bold("Wall clock") << " (thread time; " << mechanism_text(o) << truncated_text(o) << ")\n";
  out << "  whole run    " << split_text(o.wall) << "\n";
  for (std::size_t i = 0; i < r.phases.size() && i < o.phases.size(); ++i) {
    char name[48];
    std::snprintf(name, sizeof name, "  phase %-6s ", r.phases[i].name.c_str());
    out << name << split_text(o.phases[i]) << "\n";
  }
  if (o.threads.size() > 1) {
    for (const auto& t : o.threads) {
      char name[64];
      std::snprintf(name, sizeof name, "  tid %-8d ", t.tid);
      out << name << split_text(t.wall) << "  " << t.name << "\n";
    }
  }
  if (o.stacks.empty()) return;
  out << "\n" << bold("Off-CPU waits") << " (by time)\n";
  out << "        ms    share  reason       call chain (leaf first)\n";
  for (const auto& s : o.stacks) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "  %8.1f  %6.1f%%  %-11s  ", s.ms, s.pct, off_cpu_reason_name(s.reason));
    std::string chain;
    for (std::size_t i = 0; i < s.frames.size() && i < 6; ++i) chain += (i == 0 ? "" : " <- ") + s.frames[i];
    // A cut chain keeps its "[truncated]" end in sight however long it is.
    const bool cut = s.frames.size() > 6 && s.frames.back() == kTruncatedFrame;
    if (s.frames.size() > (cut ? 7 : 6)) chain += " <- ...";
    if (cut) chain += " <- " + s.frames.back();
    out << buf << (chain.empty() ? "[no chain recorded]" : chain) << "\n";
  }
}

nlohmann::json wall_json(const WallSplit& w) {
  nlohmann::json reasons = nlohmann::json::object();
  for (std::size_t k = 0; k < kOffCpuReasons; ++k) {
    reasons[off_cpu_reason_name(static_cast<OffCpuReason>(k))] = w.reason_ms[k];
  }
  return {{"wall_ms", w.wall_ms},
          {"on_cpu_ms", w.on_cpu_ms},
          {"spin_wait_ms", w.spin_wait_ms},
          {"off_cpu_ms", w.off_cpu_ms},
          {"on_cpu_pct", pct_of(w.on_cpu_ms, w.wall_ms)},
          {"off_cpu_pct", pct_of(w.off_cpu_ms, w.wall_ms)},
          {"off_cpu_by_reason_ms", std::move(reasons)}};
}

nlohmann::json off_cpu_json(const OffCpuReport& o) {
  if (!o.recorded) return nullptr;
  nlohmann::json stacks = nlohmann::json::array();
  for (const auto& s : o.stacks) {
    stacks.push_back({{"reason", off_cpu_reason_name(s.reason)},
                      {"ms", s.ms},
                      {"pct", s.pct},
                      {"waits", s.waits},
                      {"frames", s.frames}});
  }
  nlohmann::json threads = nlohmann::json::array();
  for (const auto& t : o.threads) {
    threads.push_back({{"tid", t.tid}, {"pid", t.pid}, {"name", t.name}, {"wall", wall_json(t.wall)}});
  }
  return {{"mechanism", o.mechanism.empty() ? "switches" : o.mechanism},
          {"reasons_known", o.states},
          {"chains", !o.mechanism.empty()},
          {"lost_waits", o.lost_waits},
          {"truncated_waits", o.truncated_waits},
          {"truncated_ms", o.truncated_ms},
          {"truncated_pct", o.truncated_pct},
          {"wall", wall_json(o.wall)},
          {"threads", std::move(threads)},
          {"stacks", std::move(stacks)}};
}

}  // namespace perfprobe::report
