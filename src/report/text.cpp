// The human summary of run/attach on stderr: aligned columns, scaled units, ± stddev over runs.
#include <string.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "perfprobe/metrics/catalogue.hpp"
#include "perfprobe/report/derived.hpp"
#include "perfprobe/report/views.hpp"

namespace perfprobe::report {

namespace {

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
std::string metric_line(const stats::Summary& s, metrics::Unit unit) {
  std::string out = format_metric(unit, s.mean);
  if (s.n > 1) {
    out = pad(out, 12) + " ± " + pad(format_metric(unit, s.stddev), 11) + "  (" + format_metric(unit, s.min) + " … " +
          format_metric(unit, s.max) + ")";
  }
  return out;
}

// A per-run figure under a multi-run header: the median over the runs that have it, with the
// count when some runs lack it ("12.0 ms (n=3)").
std::string median_of(const MetricSummaries& sums, const std::string& key, metrics::Unit unit, std::size_t runs) {
  const auto it = sums.find(key);
  if (it == sums.end()) return "-";
  std::string out = format_metric(unit, it->second.median);
  if (it->second.n != runs) out += " (n=" + std::to_string(it->second.n) + ")";
  return out;
}

std::string counter_extra(const CounterReading& c, const std::map<std::string, double>& derived) {
  std::string extra;
  if (c.is_multiplexed()) extra = "scaled, ran " + format_double("%.1f%%", c.running_pct()) + " of the time";
  const auto figure = [&](const char* key, const char* format) -> std::string {
    const auto it = derived.find(key);
    return it == derived.end() ? std::string() : format_double(format, it->second);
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
      const auto it = sums.find("counters." + c.name);
      const stats::Summary s = it != sums.end() ? it->second : stats::Summary{};
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

// The phase table: one row per phase, the median over runs where there are several.
void write_phases(std::ostream& out, const RunReport& report, const MetricSummaries& sums, const Style& st) {
  std::vector<std::string> names;
  for (const auto& id : metrics::metrics_of(report.runs)) {
    if (id.metric->family == metrics::Family::phase && std::find(names.begin(), names.end(), id.member) == names.end())
      names.push_back(id.member);
  }
  if (names.empty()) return;
  const std::size_t n = report.runs.size();
  // Over several runs the duration carries its spread: a wider column.
  const std::size_t duration_width = n > 1 ? 21 : 10;
  out << st.bold("  phases")
      << st.dim("                 start      " + pad("duration", duration_width) + " RSS Δ (anon / file)");
  if (n > 1) out << st.dim("   median of " + std::to_string(n) + " runs, duration ± stddev");
  out << "\n";
  using metrics::Unit;
  for (const auto& name : names) {
    const std::string k = "phases." + name + ".";
    std::string duration = median_of(sums, k + "duration_ms", Unit::ms, n);
    const auto d = sums.find(k + "duration_ms");
    if (n > 1 && d != sums.end() && d->second.n > 1) duration += " ± " + format_metric(Unit::ms, d->second.stddev);
    out << "    " << pad(name, 20) << " " << pad(median_of(sums, k + "start_ms", Unit::ms, n), 10) << " "
        << pad(duration, duration_width) << " " << median_of(sums, k + "rss_delta_bytes", Unit::bytes, n) << " ("
        << median_of(sums, k + "rss_anon_delta_bytes", Unit::bytes, n) << " / "
        << median_of(sums, k + "rss_file_delta_bytes", Unit::bytes, n) << ")\n";
  }
}

// Token figures: one run's latency distribution, or the statistics over runs of each run's figures.
void write_tokens(std::ostream& out, const RunReport& report, const MetricSummaries& sums, const Style& st) {
  const std::size_t n = report.runs.size();
  const auto line = [&](const std::string& label, const std::string& key, metrics::Unit unit) {
    const auto it = sums.find(key);
    if (it != sums.end()) out << "    " << pad(label, 20) << " " << metric_line(it->second, unit) << "\n";
  };
  using metrics::Unit;
  if (n == 1) {
    const auto& t = *report.runs.front().tokens;
    out << st.bold("  tokens") << "   " << t.count
        << (t.stalls.empty() ? "" : ", " + std::to_string(t.stalls.size()) + " stalls")
        << (t.prompt_echo == 0 ? ""
                               : " (+" + std::to_string(t.prompt_echo) + " prompt-echo tokens before --tokens-after)")
        << "\n";
  } else {
    const auto stalls = sums.find("tokens.stalls");
    out << st.bold("  tokens") << "   " << median_of(sums, "tokens.count", Unit::count, n) << " per run";
    if (stalls != sums.end() && stalls->second.max > 0)
      out << ", " << format_metric(Unit::count, stalls->second.median) << " stalls (max "
          << format_metric(Unit::count, stalls->second.max) << ")";
    out << st.dim("   median of " + std::to_string(n) + " runs; below: mean ± stddev (min … max) of each run's figure")
        << "\n";
  }
  line("time to first token", "tokens.ttft_ms", Unit::ms);
  line("tokens per second", "tokens.tokens_per_s", Unit::per_s);
  if (n == 1) {
    const auto& t = *report.runs.front().tokens;
    if (!t.latency_ms.empty()) {
      const auto s = stats::summarize(t.latency_ms);
      out << "    " << pad("inter-token", 20) << " p50 " << format_duration_ns(s.median * 1e6) << "  p90 "
          << format_duration_ns(s.p90 * 1e6) << "  p95 " << format_duration_ns(s.p95 * 1e6) << "  p99 "
          << format_duration_ns(s.p99 * 1e6) << "  max " << format_duration_ns(s.max * 1e6) << "\n";
    }
  } else {
    line("inter-token p50", "tokens.latency_p50_ms", Unit::ms);
    line("inter-token p95", "tokens.latency_p95_ms", Unit::ms);
    line("inter-token p99", "tokens.latency_p99_ms", Unit::ms);
  }
  line("CPU per token", "tokens.cpu_ms_per_token", Unit::ms);
}

// --request: the last run's time from each request to its first token.
void write_requests(std::ostream& out, const RunResult& last) {
  const auto& q = *last.requests;
  out << "    " << pad("TTFT per request", 20) << " " << q.ttft_ms.size() << " of " << q.count << " requests answered";
  if (!q.ttft_ms.empty()) {
    const auto s = stats::summarize(q.ttft_ms);
    out << ", p50 " << format_duration_ns(s.median * 1e6) << "  p95 " << format_duration_ns(s.p95 * 1e6) << "  max "
        << format_duration_ns(s.max * 1e6);
  }
  out << "\n";
}

std::string window_end_words(const std::string& by) {
  if (by == "duration") return "after --duration";
  if (by == "drive") return "when the --drive client ended";
  if (by == "target_exit") return "when the target exited";
  if (by == "interrupt") return "by Ctrl-C";
  return by;
}

// Marker counts (the median per run over several runs), marks lost to a full ring, and how the last run
// was ended (--drive, --stop-after, --timeout).
void write_marker_counts(std::ostream& out, const RunReport& report, const Style& st) {
  std::map<std::string, std::vector<double>> counts;
  std::uint64_t dropped = 0;
  for (const auto& r : report.runs) {
    for (const auto& [name, count] : r.marker_counts) counts[name].push_back(static_cast<double>(count));
    dropped += r.markers_dropped;
  }
  if (!counts.empty()) {
    std::string list;
    for (const auto& [name, v] : counts)
      list += (list.empty() ? "" : ", ") + name + " " + format_metric(metrics::Unit::count, stats::percentile(v, 50));
    out << "    " << pad("markers", 20) << " " << list;
    if (report.runs.size() > 1) out << st.dim("   median per run");
    out << "\n";
  }
  if (dropped > 0)
    out << st.yellow("perfprobe: warning: ") << dropped
        << " marks kept no timestamp (the marker ring was full); their counts above are exact\n";
  if (report.runs.empty()) return;
  const RunResult& last = report.runs.back();  // how perfprobe ended a server: the last run says it
  if (last.drive) {
    const auto& d = *last.drive;
    out << "    " << pad("drive", 20) << " " << format_duration_ns(static_cast<double>(d.end_ns - d.start_ns))
        << ", exit status " << d.exit_code << (d.finished ? "" : " (killed: the target or the attach ended first)")
        << "  " << st.dim(d.command) << "\n";
  }
  if (!last.ended_by.empty()) {
    out << "    " << pad("window ended", 20) << " "
        << (last.until.empty() ? window_end_words(last.ended_by) : "by --until " + last.until) << "\n";
  }
  if (last.stopped) {
    std::string signals;
    for (const auto& sig : last.stopped->signals) signals += (signals.empty() ? "" : ", then ") + sig;
    out << "    " << pad("stopped", 20) << " by " << last.stopped->by << " at "
        << format_duration_ns(static_cast<double>(last.stopped->t_ns)) << " (" << signals << ")\n";
  }
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

std::string format_double(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

double percent_of(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::string format_duration_ns(double ns) {
  const double a = std::fabs(ns);
  if (a >= 60e9) return format_double("%.1f min", ns / 60e9);
  if (a >= 1e9) return format_double("%.3f s", ns / 1e9);
  if (a >= 1e6) return format_double("%.1f ms", ns / 1e6);
  if (a >= 1e3) return format_double("%.1f µs", ns / 1e3);
  return format_double("%.0f ns", ns);
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

std::string format_metric(metrics::Unit unit, double v) {
  switch (unit) {
    case metrics::Unit::ms:
      return format_duration_ns(v * 1e6);
    case metrics::Unit::ns:
      return format_duration_ns(v);
    case metrics::Unit::bytes:
      return format_bytes(v);
    case metrics::Unit::per_s:
      return format_double("%.1f/s", v);
    case metrics::Unit::count:
      break;
  }
  if (v == std::floor(v)) return format_count(v);
  // A median of an even number of counts can end in .5: the same separators, one decimal.
  const std::string fixed = format_double("%.1f", std::fabs(v));
  const auto dot = fixed.find('.');
  return (v < 0 ? "-" : "") + format_count(std::stod(fixed.substr(0, dot))) + fixed.substr(dot);
}

std::string format_bytes(double bytes) {
  const double a = std::fabs(bytes);
  if (a >= 1024.0 * 1024 * 1024) return format_double("%.2f GiB", bytes / (1024.0 * 1024 * 1024));
  if (a >= 1024.0 * 1024) return format_double("%.1f MiB", bytes / (1024.0 * 1024));
  if (a >= 1024.0) return format_double("%.1f KiB", bytes / 1024.0);
  return format_double("%.0f B", bytes);
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
  // An attached target is not perfprobe's child: it has no exit status to show (it may still run).
  if (!report.attached) out << "    " << pad("exit", 20) << " " << exit_description(report.runs.back()) << "\n";
  const auto& last = report.runs.back();
  for (const auto& id : metrics::metrics_of(report.runs)) {
    if (id.metric->family != metrics::Family::run || !id.metric->group.empty()) continue;
    out << "    " << pad(id.label(), 20) << " " << metric_line(sums.at(id.key()), id.unit());
    if (id.key() == "peak_tree_rss_bytes" && !last.rss.empty()) {
      out << "  "
          << st.dim(std::to_string(last.rss.size()) + " samples every " + format_double("%.0f ms", report.interval_ms) +
                    ", " + format_double("%.0f µs", last.rss_sample_cost_us) + " each");
    }
    out << "\n";
  }
  if (last.cold) {
    out << "    " << pad("cold", 20) << " yes: evicted " << format_bytes(static_cast<double>(last.cold->evicted_bytes))
        << (last.cold->still_cached_bytes > 0
                ? ", " + format_bytes(static_cast<double>(last.cold->still_cached_bytes)) + " stayed cached (see below)"
                : "")
        << "\n";
  }
  write_phases(out, report, sums, st);
  const bool tokens = std::any_of(report.runs.begin(), report.runs.end(), [](const RunResult& r) { return r.tokens; });
  if (tokens) write_tokens(out, report, sums, st);
  if (!report.runs.empty() && report.runs.back().requests) write_requests(out, report.runs.back());
  write_marker_counts(out, report, st);
  if (!last.counters.empty()) write_counters(out, report, sums, st);
  for (const auto& u : report.unavailable) out << st.yellow("perfprobe: warning: ") << "unavailable: " << u << "\n";
  for (const auto& w : report.warnings) out << st.yellow("perfprobe: warning: ") << w << "\n";
}

}  // namespace perfprobe::report
