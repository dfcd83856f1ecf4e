// The "Tokens" section of `report`'s text: cost per token, then each slow token with what the
// target did during it ("token 37 took 190 ms (median 14 ms): 82% in matmul ← llama_decode"),
// then the other tokens pooled, for comparison; with off-CPU recording each starts with where the
// threads' time went ("off-CPU 82.0% (major-fault 80.0%) in ...; on-CPU 18.0%: ...").
#include <cstdint>
#include <cstdio>

#include "perfprobe/report/profile_report.hpp"
#include "perfprobe/report/views.hpp"

namespace perfprobe::report {

namespace {

std::string count(double v) {
  if (v >= 1e9) return format_double("%.2f G", v / 1e9);
  if (v >= 1e6) return format_double("%.2f M", v / 1e6);
  if (v >= 1e3) return format_double("%.1f k", v / 1e3);
  return format_double("%.0f", v);
}

// "+29.2 MiB", "+128 KiB": the unit that keeps a page or two readable.
std::string signed_size(std::int64_t bytes) {
  const auto b = static_cast<double>(bytes);
  return b >= 1048576.0 || b <= -1048576.0 ? format_double("%+.1f MiB", b / 1048576.0)
                                           : format_double("%+.0f KiB", b / 1024.0);
}

std::string cost_line(const TokenReport& t) {
  std::string s;
  const auto add = [&](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
  if (t.sample_interval_ms > 0) {
    add(format_double("%.2f ms CPU from samples", t.cpu_ms_sampled) + " (" + std::to_string(t.decode_samples) +
        " samples during decode)");
  }
  if (const auto it = t.per_token.find("cpu_ms"); it != t.per_token.end())
    add(format_double("%.2f ms task-clock", it->second));
  if (const auto it = t.per_token.find("cpu_ms_whole_run"); it != t.per_token.end())
    add(format_double("%.2f ms CPU (whole run's rusage, an upper bound)", it->second));
  for (const char* name : {"instructions", "cycles"}) {
    if (const auto it = t.per_token.find(name); it != t.per_token.end()) add(count(it->second) + " " + name);
  }
  return s;
}

// "82.0% in matmul ← llama_decode ← main, 9.0% in softmax"
std::string doing(const TokenActivity& a) {
  if (a.samples == 0) return "no samples (off CPU, or shorter than the sampling interval)";
  std::string s;
  for (const auto& f : a.functions) {
    if (!s.empty()) s += ", ";
    s += format_double("%.1f%% in ", f.self_pct) + f.name;
    if (&f == &a.functions.front()) {
      for (const auto& caller : a.chain) s += " \u2190 " + caller;
    }
  }
  return s;
}

double pct_of(double part, double whole) { return whole <= 0 ? 0 : 100 * part / whole; }

// "off-CPU 94.9% (sleep 94.8%) in clock_nanosleep ← wait_step ← main; on-CPU 5.1%: " (empty
// without off-CPU recording): where the token's threads spent their time, before what they ran.
std::string wall_text(const TokenActivity& a) {
  if (!a.wall) return "";
  const auto& w = *a.wall;
  std::string s = format_double("off-CPU %.1f%%", pct_of(w.off_cpu_ms, w.wall_ms));
  std::string reasons;
  for (std::size_t k = 0; k < kOffCpuReasons; ++k) {
    if (w.reason_ms[k] < 0.001 * w.wall_ms || w.reason_ms[k] <= 0) continue;
    reasons += (reasons.empty() ? "" : ", ") + std::string(off_cpu_reason_name(static_cast<OffCpuReason>(k))) +
               format_double(" %.1f%%", pct_of(w.reason_ms[k], w.wall_ms));
  }
  if (!reasons.empty()) s += " (" + reasons + ")";
  if (a.top_wait && !a.top_wait->frames.empty() && w.off_cpu_ms >= 0.01 * w.wall_ms) {
    s += " in ";
    for (std::size_t i = 0; i < a.top_wait->frames.size() && i < 4; ++i) {
      s += (i == 0 ? "" : " \u2190 ") + a.top_wait->frames[i];
    }
  }
  return s + format_double("; on-CPU %.1f%%: ", pct_of(w.on_cpu_ms, w.wall_ms));
}

std::string on_cpu(const TokenActivity& a, double interval_ms) {
  const double per_token = static_cast<double>(a.samples) / static_cast<double>(a.tokens);
  std::string s =
      a.tokens == 1 ? std::to_string(a.samples) + " samples" : format_double("%.1f samples per token", per_token);
  if (interval_ms > 0)
    s +=
        format_double(", %.1f ms on CPU", a.cpu_ms) + (a.tokens == 1 ? format_double(" of %.1f ms", a.latency_ms) : "");
  if (a.rss_growth_bytes != 0) s += ", RSS " + signed_size(a.rss_growth_bytes);
  if (a.major_faults) {
    s += a.tokens == 1 ? format_double(", %.0f major faults", *a.major_faults)
                       : format_double(", %.1f major faults per token", *a.major_faults);
  }
  return s;
}

}  // namespace

void write_tokens_text(std::ostream& out, const TokenReport& t) {
  out << "  " << t.count << " tokens" << format_double(", median %.1f ms apart", t.median_ms) << "\n";
  if (const auto costs = cost_line(t); !costs.empty()) out << "  per token: " << costs << "\n";
  for (const auto& a : t.slowest) {
    out << "  token " << a.index << format_double(" took %.1f ms", a.latency_ms)
        << format_double(" (median %.1f ms", t.median_ms) << (a.stall ? ", a stall" : "") << "): " << wall_text(a)
        << doing(a) << "; " << on_cpu(a, t.sample_interval_ms) << "\n";
  }
  if (t.typical) {
    out << "  the other " << t.typical->tokens << " tokens"
        << format_double(" (median %.1f ms): ", t.typical->latency_ms) << wall_text(*t.typical) << doing(*t.typical)
        << "; " << on_cpu(*t.typical, t.sample_interval_ms) << "\n";
  }
}

}  // namespace perfprobe::report
