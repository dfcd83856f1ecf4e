// The human summary of run/attach on stderr: aligned columns, scaled units, ± stddev over runs.
#include <string.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "perfprobe/report/derived.hpp"
#include "perfprobe/report/views.hpp"

namespace perfprobe::report {

namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string pad(std::string s, std::size_t width) { return pad_right(std::move(s), width); }

std::size_t columns_of(const std::string& s) {
  std::size_t columns = 0;
  for (const char c : s) columns += (static_cast<unsigned char>(c) & 0xC0U) == 0x80U ? 0 : 1;
  return columns;
}

std::string format_unit_value(double v, const std::string& unit) {
  return unit == "ns" ? format_duration_ns(v) : format_count(v);
}

struct Style {
  bool color;
  [[nodiscard]] std::string bold(const std::string& s) const { return color ? "\033[1m" + s + "\033[0m" : s; }
  [[nodiscard]] std::string dim(const std::string& s) const { return color ? "\033[2m" + s + "\033[0m" : s; }
  [[nodiscard]] std::string yellow(const std::string& s) const { return color ? "\033[33m" + s + "\033[0m" : s; }
};

// "812.4 ms ± 3.2 ms  (808.1 ms … 816.0 ms)" over runs, or the single value.
std::string metric_line(const stats::Summary& s, std::string (*f)(double), double factor) {
  std::string out = f(s.mean * factor);
  if (s.n > 1) {
    out = pad(out, 12) + " ± " + pad(f(s.stddev * factor), 11) + "  (" + f(s.min * factor) + " … " + f(s.max * factor) +
          ")";
  }
  return out;
}

std::string counter_extra(const CounterReading& c, const std::map<std::string, double>& derived) {
  std::string extra;
  if (c.is_multiplexed()) extra = "scaled, ran " + fmt("%.1f%%", c.running_pct()) + " of the time";
  const auto figure = [&](const char* key, const char* format) -> std::string {
    const auto it = derived.find(key);
    return it == derived.end() ? std::string() : fmt(format, it->second);
  };
  std::string d;
  if (c.name == "task-clock") d = figure("cpus_utilized", "%.3f CPUs utilized");
  if (c.name == "instructions") d = figure("ipc", "%.2f insn per cycle");
  if (c.name == "cache-misses") d = figure("cache_miss_pct", "%.2f%% of cache refs");
  if (c.name == "branch-misses") d = figure("branch_miss_pct", "%.2f%% of branches");
  if (!d.empty()) extra = extra.empty() ? d : d + "; " + extra;
  if (!c.note.empty()) extra += (extra.empty() ? "" : "; ") + c.note;
  return extra;
}

// Counted events grouped hardware first, then software; events that could not be counted are
// listed once per reason, so "no PMU" is said once rather than six times.
void write_counters(std::ostream& out, const RunReport& report, const MetricSummaries& sums, const Style& st) {
  const auto& first = report.runs.front();
  const auto derived = derived_metrics(first.counters, first.wall_ns);
  for (const bool hardware : {true, false}) {
    bool header = false;
    for (const auto& c : first.counters) {
      if (!c.supported || c.hardware != hardware) continue;
      if (!header) out << st.bold(hardware ? "  hardware counters" : "  software counters") << "\n";
      header = true;
      const auto it = sums.counters.find(c.name);
      const stats::Summary s = it != sums.counters.end() ? it->second : stats::Summary{};
      std::string value = format_unit_value(s.mean, c.unit);
      if (s.n > 1) value = pad(value, 12) + " ± " + format_unit_value(s.stddev, c.unit);
      out << "    " << pad(c.name, 20) << " " << pad(value, 30) << " " << st.dim(counter_extra(c, derived)) << "\n";
    }
  }
  std::vector<std::pair<std::string, std::string>> unsupported;  // reason -> names, in first-seen order
  for (const auto& c : first.counters) {
    if (c.supported) continue;
    auto it = std::find_if(unsupported.begin(), unsupported.end(), [&](const auto& u) { return u.first == c.reason; });
    if (it == unsupported.end()) {
      unsupported.emplace_back(c.reason, c.name);
    } else {
      it->second += ", " + c.name;
    }
  }
  for (const auto& [reason, names] : unsupported) {
    out << "  " << st.yellow("not supported") << ": " << names << "\n    " << st.dim(reason) << "\n";
  }
}

// Startup, the phase table and the token figures: over runs where there are several.
void write_markers(std::ostream& out, const RunReport& report, const MetricSummaries& sums, const Style& st) {
  const auto& last = report.runs.back();
  const auto ms_fmt = [](double v) { return format_duration_ns(v); };
  const auto line = [&](const std::string& label, const std::string& key, double factor, std::string (*f)(double)) {
    const auto it = sums.metrics.find(key);
    if (it != sums.metrics.end()) out << "    " << pad(label, 20) << " " << metric_line(it->second, f, factor) << "\n";
  };
  line("startup", "startup_ms", 1e6, +ms_fmt);
  if (!last.phases.empty()) {
    out << st.bold("  phases") << st.dim("                 start      duration   RSS Δ (anon / file)") << "\n";
    for (const auto& p : last.phases) {
      out << "    " << pad(p.name, 20) << " " << pad(format_duration_ns(static_cast<double>(p.start_ns)), 10) << " "
          << pad(format_duration_ns(static_cast<double>(p.end_ns - p.start_ns)), 10) << " "
          << format_bytes(static_cast<double>(p.rss_delta_bytes)) << " ("
          << format_bytes(static_cast<double>(p.rss_anon_delta_bytes)) << " / "
          << format_bytes(static_cast<double>(p.rss_file_delta_bytes)) << ")\n";
    }
  }
  if (last.tokens) {
    const auto& t = *last.tokens;
    out << st.bold("  tokens") << "   " << t.count
        << (t.stalls.empty() ? "" : ", " + std::to_string(t.stalls.size()) + " stalls")
        << (t.prompt_echo == 0 ? ""
                               : " (+" + std::to_string(t.prompt_echo) + " prompt-echo tokens before --tokens-after)")
        << "\n";
    line("time to first token", "ttft_ms", 1e6, +ms_fmt);
    const auto per_s = [](double v) { return fmt("%.1f/s", v); };
    line("tokens per second", "tokens_per_s", 1, +per_s);
    if (!t.latency_ms.empty()) {
      const auto s = stats::summarize(t.latency_ms);
      out << "    " << pad("inter-token", 20) << " p50 " << format_duration_ns(s.median * 1e6) << "  p90 "
          << format_duration_ns(s.p90 * 1e6) << "  p99 " << format_duration_ns(s.p99 * 1e6) << "  max "
          << format_duration_ns(s.max * 1e6) << "\n";
    }
    const auto cpu = t.per_token.find("cpu_ms");
    if (cpu != t.per_token.end())
      out << "    " << pad("CPU per token", 20) << " " << format_duration_ns(cpu->second * 1e6) << "\n";
  }
  if (!last.marker_counts.empty()) {
    std::string list;
    for (const auto& [name, count] : last.marker_counts)
      list += (list.empty() ? "" : ", ") + name + " " + std::to_string(count);
    out << "    " << pad("markers", 20) << " " << list << "\n";
  }
  if (last.markers_dropped > 0)
    out << st.yellow("perfprobe: warning: ") << last.markers_dropped
        << " marks kept no timestamp (the marker ring was full); their counts above are exact\n";
}

std::string exit_description(const RunResult& r) {
  if (r.signal) {
    const char* abbrev = sigabbrev_np(*r.signal);
    std::string s =
        "killed by SIG" + std::string(abbrev != nullptr ? abbrev : "?") + " (" + std::to_string(r.exit_code) + ")";
    if (r.core_dumped) s += ", core dumped";
    return s;
  }
  return std::to_string(r.exit_code);
}

}  // namespace

std::string format_duration_ns(double ns) {
  const double a = std::fabs(ns);
  if (a >= 60e9) return fmt("%.1f min", ns / 60e9);
  if (a >= 1e9) return fmt("%.3f s", ns / 1e9);
  if (a >= 1e6) return fmt("%.1f ms", ns / 1e6);
  if (a >= 1e3) return fmt("%.1f µs", ns / 1e3);
  return fmt("%.0f ns", ns);
}

std::string pad_right(std::string s, std::size_t width) {
  const std::size_t columns = columns_of(s);
  if (columns < width) s.append(width - columns, ' ');
  return s;
}

std::string pad_left(std::string s, std::size_t width) {
  const std::size_t columns = columns_of(s);
  if (columns < width) s.insert(0, width - columns, ' ');
  return s;
}

std::string format_bytes(double bytes) {
  const double a = std::fabs(bytes);
  if (a >= 1024.0 * 1024 * 1024) return fmt("%.2f GiB", bytes / (1024.0 * 1024 * 1024));
  if (a >= 1024.0 * 1024) return fmt("%.1f MiB", bytes / (1024.0 * 1024));
  if (a >= 1024.0) return fmt("%.1f KiB", bytes / 1024.0);
  return fmt("%.0f B", bytes);
}

std::string format_count(double count) {
  // Thousands separators keep large counts readable: 1,234,567.
  const auto whole = static_cast<long long>(std::llround(count));
  std::string digits = std::to_string(whole < 0 ? -whole : whole);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return whole < 0 ? "-" + out : out;
}

void write_text(std::ostream& out, const RunReport& report, const TextOptions& options) {
  const Style st{options.color};
  std::string cmd;
  for (const auto& a : report.command) cmd += (cmd.empty() ? "" : " ") + a;
  out << "\n" << st.bold("perfprobe: " + cmd);
  out << "  (" << report.runs.size() << (report.runs.size() == 1 ? " run" : " runs");
  if (report.warmup > 0) out << ", " << report.warmup << " warm-up";
  out << (report.interrupted ? ", interrupted" : "") << ")\n";
  if (report.runs.empty()) {
    out << "  no run completed\n";
    return;
  }
  const MetricSummaries sums = summarize_runs(report.runs);
  const auto ms_fmt = [](double v) { return format_duration_ns(v); };
  const auto bytes_fmt = [](double v) { return format_bytes(v); };
  // An attached target is not perfprobe's child: it has no exit status to show (it may still run).
  if (!report.attached) out << "    " << pad("exit", 20) << " " << exit_description(report.runs.back()) << "\n";
  out << "    " << pad("wall", 20) << " " << metric_line(sums.metrics.at("wall_ms"), +ms_fmt, 1e6) << "\n";
  out << "    " << pad("user", 20) << " " << metric_line(sums.metrics.at("user_ms"), +ms_fmt, 1e6) << "\n";
  out << "    " << pad("sys", 20) << " " << metric_line(sums.metrics.at("sys_ms"), +ms_fmt, 1e6) << "\n";
  out << "    " << pad("peak RSS", 20) << " " << metric_line(sums.metrics.at("peak_rss_bytes"), +bytes_fmt, 1) << "\n";
  const auto& last = report.runs.back();
  if (!last.rss.empty()) {
    out << "    " << pad("peak tree RSS", 20) << " "
        << metric_line(sums.metrics.at("peak_tree_rss_bytes"), +bytes_fmt, 1) << "  "
        << st.dim(std::to_string(last.rss.size()) + " samples every " + fmt("%.0f ms", report.interval_ms) + ", " +
                  fmt("%.0f µs", last.rss_sample_cost_us) + " each")
        << "\n";
  }
  if (last.cold) {
    out << "    " << pad("cold", 20) << " yes: evicted " << format_bytes(static_cast<double>(last.cold->evicted_bytes))
        << (last.cold->still_cached_bytes > 0
                ? ", " + format_bytes(static_cast<double>(last.cold->still_cached_bytes)) + " stayed cached (see below)"
                : "")
        << "\n";
  }
  write_markers(out, report, sums, st);
  if (!last.counters.empty()) write_counters(out, report, sums, st);
  for (const auto& u : report.unavailable) out << st.yellow("perfprobe: warning: ") << "unavailable: " << u << "\n";
  for (const auto& w : report.warnings) out << st.yellow("perfprobe: warning: ") << w << "\n";
}

}  // namespace perfprobe::report
