// The human view of `report` on stdout: what was sampled, top functions, phases, threads, hints.
#include <cstdio>

#include "offcpu_views.hpp"
#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {

namespace {

std::string basename(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "model.c:225 75%, model.c:224 19%": where in the function the samples fall (its hottest lines;
// below 5% a line is noise here, the JSON's `lines` keeps it).
std::string line_split(const FunctionStat& f) {
  if (f.lines.empty()) return f.file.empty() ? "" : basename(f.file) + ":" + std::to_string(f.line);
  std::string s;
  for (const auto& l : f.lines) {
    if (!s.empty() && l.pct < 5) break;
    char buf[32];
    std::snprintf(buf, sizeof buf, " %.0f%%", l.pct);
    s += (s.empty() ? "" : ", ") + basename(l.file) + ":" + std::to_string(l.line) + buf;
  }
  return s;
}

std::string function_line(const FunctionStat& f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "  %6.1f%% %6.1f%%  ", f.self_pct, f.total_pct);
  std::string s = buf + f.name;
  if (const auto where = line_split(f); !where.empty()) s += "  " + where;
  if (!f.module.empty()) s += "  [" + basename(f.module) + "]";
  return s;
}

void write_functions(std::ostream& out, const std::vector<FunctionStat>& fns, std::size_t limit) {
  out << "     self   total  function\n";
  for (std::size_t i = 0; i < fns.size() && i < limit; ++i) out << function_line(fns[i]) << "\n";
}

std::string sampling_line(const ProfileReport& r) {
  std::string s = std::to_string(r.samples) + " samples of " + r.event;
  s += r.period != 0 ? " every " + std::to_string(r.period) + " events"
                     : " at " + std::to_string(r.frequency_hz) + " Hz";
  s += ", " + r.call_graph + " call graph";
  if (r.samples > 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " (%.1f%% of chains truncated)",
                  100.0 * static_cast<double>(r.truncated) / static_cast<double>(r.samples));
    s += buf;
  }
  s += r.inline_apart ? ", inlined functions apart" : ", inlined code in its caller";
  s += ", " + std::to_string(r.lost) + " lost";
  if (r.throttled > 0) s += ", throttled " + std::to_string(r.throttled) + "x";
  char buf[48];
  std::snprintf(buf, sizeof buf, ", over %.2f s", r.duration_ms / 1000);
  return s + buf;
}

}  // namespace

void write_profile_text(std::ostream& out, const ProfileReport& r, bool color) {
  const auto bold = [&](const std::string& s) { return color ? "\033[1m" + s + "\033[0m" : s; };
  if (!r.command.empty()) {
    std::string cmd;
    for (const auto& w : r.command) cmd += (cmd.empty() ? "" : " ") + w;
    out << bold("command: ") << cmd << "\n";
  }
  out << bold("sampled: ") << sampling_line(r) << "\n\n";
  out << bold("Top functions") << "\n";
  write_functions(out, r.functions, 20);
  for (const auto& ph : r.phases) {
    char buf[96];
    std::snprintf(buf, sizeof buf, " (%.0f-%.0f ms): %llu samples, %.1f%%", static_cast<double>(ph.start_ns) / 1e6,
                  static_cast<double>(ph.end_ns) / 1e6, static_cast<unsigned long long>(ph.samples), ph.pct);
    out << "\n" << bold("Phase " + ph.name) << buf << "\n";
    write_functions(out, ph.functions, 5);
  }
  if (r.tokens) {
    out << "\n" << bold("Tokens") << "\n";
    write_tokens_text(out, *r.tokens);
  }
  if (r.threads.size() > 1) {
    out << "\n" << bold("Threads") << "\n";
    for (const auto& t : r.threads) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "  %6.1f%%  tid %d (pid %d) %s", t.pct, t.tid, t.pid, t.name.c_str());
      out << buf;
      if (!t.functions.empty()) out << ": " << t.functions.front().name;
      out << "\n";
    }
  }
  write_off_cpu_text(out, r, color);
  if (!r.hints.empty() || !r.warnings.empty()) out << "\n";
  for (const auto& h : r.hints) out << "hint: " << h << "\n";
  for (const auto& w : r.warnings) out << "warning: " << w << "\n";
}

}  // namespace perfprobe::report
