// The HTML sections of a run beside its timeline: token latency (per-token plot, histogram with
// p50/p90/p99), distributions over runs (box and whisker per figure), counters per phase and per
// token with derived figures, and the whole page of `run` and `attach`.
#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "html_internal.hpp"
#include "perfprobe/metrics/catalogue.hpp"
#include "perfprobe/report/derived.hpp"
#include "perfprobe/report/html.hpp"

namespace perfprobe::report {

using namespace html;

namespace {

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

std::string th_num(const std::string& s) { return "<th class=\"num\">" + html_escape(s) + "</th>"; }
std::string td_num(const std::string& s) { return "<td class=\"num\">" + html_escape(s) + "</td>"; }

// y axis lines and labels of a value chart between `top` and `base`.
std::string y_grid(const std::vector<double>& ticks, double y_max, double top, double base, std::string (*f)(double)) {
  std::string s;
  for (const double v : ticks) {
    const double y = base - v / y_max * (base - top);
    s += "<line class=\"grid\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + kPlot) + "\" y1=\"" + num(y) +
         "\" y2=\"" + num(y) + "\"/><text class=\"muted\" x=\"" + num(kLeft - 8) + "\" y=\"" + num(y + 4) +
         "\" text-anchor=\"end\">" + html_escape(v == 0 ? "0" : f(v)) + "</text>";
  }
  return s;
}

std::string pline(const char* cls, double y, const std::string& label) {
  return "<line class=\"pline " + std::string(cls) + "\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + kPlot) +
         "\" y1=\"" + num(y) + "\" y2=\"" + num(y) + "\"/><text x=\"" + num(kLeft + kPlot - 2) + "\" y=\"" +
         num(y - 3) + "\" text-anchor=\"end\">" + html_escape(label) + "</text>";
}

// Latency of each token after the first, in arrival order; long runs drawn as a per-column band.
std::string latency_plot(const TokenStats& t, const stats::Summary& s) {
  const auto& v = t.latency_ms;
  constexpr double kTop = 10, kBase = 190;
  const auto ticks = nice_ticks(0, s.max * 1.05, 4);
  const double y_max = std::max(ticks.back(), s.max);
  const auto y = [&](double ms_v) { return kBase - ms_v / y_max * (kBase - kTop); };
  const auto x = [&](std::size_t i) {
    return kLeft + (v.size() > 1 ? static_cast<double>(i) / static_cast<double>(v.size() - 1) : 0) * kPlot;
  };
  std::string out =
      "<svg class=\"latplot\" viewBox=\"0 0 1000 220\" data-src=\"lat-data\" role=\"img\" "
      "aria-label=\"latency of each token\">" +
      y_grid(ticks, y_max, kTop, kBase, &ms_text);
  if (v.size() <= 3000) {
    std::string pts;
    for (std::size_t i = 0; i < v.size(); ++i) pts += num(x(i), 2) + "," + num(y(v[i]), 1) + " ";
    out += "<polyline class=\"lat\" points=\"" + pts + "\"/>";
  } else {
    std::string d;  // min..max of the tokens that fall in each of 900 columns
    const std::size_t per = v.size() / 900 + 1;
    for (std::size_t i = 0; i < v.size(); i += per) {
      const auto [lo, hi] = std::minmax_element(v.begin() + static_cast<std::ptrdiff_t>(i),
                                                v.begin() + static_cast<std::ptrdiff_t>(std::min(v.size(), i + per)));
      d += "M" + num(x(i), 2) + " " + num(y(*hi), 1) + "V" + num(y(*lo) + 0.5, 1);
    }
    out += "<path class=\"lat\" d=\"" + d + "\"/>";
  }
  for (const auto& st : t.stalls) {
    if (st.index == 0 || st.index > v.size()) continue;
    out += "<circle class=\"dot-stall\" cx=\"" + num(x(st.index - 1)) + "\" cy=\"" + num(y(st.latency_ms)) +
           "\" r=\"3\"><title>" +
           html_escape("stall: token " + std::to_string(st.index + 1) + " came " + ms_text(st.latency_ms) + " late") +
           "</title></circle>";
  }
  out += pline("p50", y(s.median), "p50 " + ms_text(s.median)) + pline("p99", y(s.p99), "p99 " + ms_text(s.p99));
  for (const double i : nice_ticks(0, static_cast<double>(v.size() + 1), 8)) {
    if (i < 2) continue;
    out += "<text class=\"muted\" x=\"" + num(x(static_cast<std::size_t>(i) - 2)) + "\" y=\"" + num(kBase + 16) +
           "\" text-anchor=\"middle\">" + num(i, 0) + "</text>";
  }
  out += "<text class=\"muted\" x=\"" + num(kLeft) + "\" y=\"" + num(kBase + 28) + "\">token number</text>";
  out += "<line class=\"cross\" y1=\"" + num(kTop) + "\" y2=\"" + num(kBase) + "\" style=\"display:none\"/></svg>";
  nlohmann::json d{{"first", 2}, {"lat", nlohmann::json::array()}};
  for (std::size_t i = 0; i < v.size() && i < 100000; ++i) d["lat"].push_back(std::round(v[i] * 1e4) / 1e4);
  return out + script_json("lat-data", d.dump());
}

// Histogram of the latencies with the p50, p90 and p99 lines; a long tail goes in the last bin.
std::string latency_histogram(const std::vector<double>& v, const stats::Summary& s) {
  if (v.empty()) return {};
  const double hi = std::max({s.max > s.p99 * 3 ? s.p99 * 1.5 : s.max, s.min + 1e-6, 1e-6});
  const double lo = s.min > hi * 0.2 ? s.min : 0;
  constexpr int kBins = 40;
  std::vector<std::size_t> bins(kBins, 0);
  const double width = (hi - lo) / kBins;
  for (const double x : v) bins[static_cast<std::size_t>(std::clamp((x - lo) / width, 0.0, kBins - 1.0))]++;
  const double top_count = static_cast<double>(*std::max_element(bins.begin(), bins.end()));
  constexpr double kTop = 34, kBase = 190;
  const auto xv = [&](double ms_v) { return kLeft + std::clamp((ms_v - lo) / (hi - lo), 0.0, 1.0) * kPlot; };
  std::string out = "<svg class=\"hist\" viewBox=\"0 0 1000 212\" role=\"img\" aria-label=\"latency histogram\">";
  out += y_grid(nice_ticks(0, top_count, 4), std::max(top_count, nice_ticks(0, top_count, 4).back()), kTop, kBase,
                [](double c) { return num(c, 0); });
  const double y_max = std::max(top_count, nice_ticks(0, top_count, 4).back());
  for (int b = 0; b < kBins; ++b) {
    const double h = static_cast<double>(bins[static_cast<std::size_t>(b)]) / y_max * (kBase - kTop);
    const double b0 = lo + b * width;
    const bool last = b == kBins - 1 && s.max > hi;
    out += "<rect class=\"bar\" x=\"" + num(xv(b0) + 0.5) + "\" y=\"" + num(kBase - h) + "\" width=\"" +
           num(kPlot / kBins - 1) + "\" height=\"" + num(h) + "\"><title>" +
           html_escape(std::to_string(bins[static_cast<std::size_t>(b)]) + " tokens, " + ms_text(b0) + " – " +
                       (last ? ms_text(s.max) + " (the tail)" : ms_text(b0 + width))) +
           "</title></rect>";
  }
  // Each line's label sits above the bars, on a row of its own so close percentiles stay legible.
  const auto vline = [&](const char* cls, double at, const std::string& label, double y) {
    const double x = xv(at);
    const bool right = x > kLeft + kPlot - 110;
    return "<line class=\"pline " + std::string(cls) + "\" x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" +
           num(y + 3) + "\" y2=\"" + num(kBase) + "\"/><text x=\"" + num(right ? x - 4 : x + 4) + "\" y=\"" +
           num(y + 4) + "\"" + (right ? " text-anchor=\"end\"" : "") + ">" + html_escape(label) + "</text>";
  };
  out += vline("p50", s.median, "p50 " + ms_text(s.median), 4) + vline("p90", s.p90, "p90 " + ms_text(s.p90), 15) +
         vline("p99", std::min(s.p99, hi), "p99 " + ms_text(s.p99), 26);
  for (const double t : nice_ticks(lo, hi, 8)) {
    out += "<text class=\"muted\" x=\"" + num(xv(t)) + "\" y=\"" + num(kBase + 15) + "\" text-anchor=\"middle\">" +
           html_escape(ms_text(t)) + "</text>";
  }
  return out + "</svg>";
}

std::string token_figures(const TokenStats& t, const stats::Summary& s) {
  std::string out = "<table><tbody>";
  const auto row = [&out](const std::string& name, const std::string& cell) {
    out += "<tr><th scope=\"row\">" + html_escape(name) + "</th>" + cell + "</tr>";
  };
  row("tokens", html_value_cell("tokens.count", static_cast<double>(t.count), std::to_string(t.count)));
  if (t.ttft_ns) row("time to first token", html_value_cell("ttft_ms", ms(*t.ttft_ns), ms_text(ms(*t.ttft_ns))));
  row("decode rate", html_value_cell("tokens_per_s", t.tokens_per_s, num(t.tokens_per_s, 1) + " tokens/s"));
  if (s.n > 0) {
    row("latency p50", html_value_cell("token_latency_p50_ms", s.median, ms_text(s.median)));
    row("latency p90", html_value_cell("token_latency_p90_ms", s.p90, ms_text(s.p90)));
    row("latency p95", html_value_cell("token_latency_p95_ms", s.p95, ms_text(s.p95)));
    row("latency p99", html_value_cell("token_latency_p99_ms", s.p99, ms_text(s.p99)));
    row("latency max", html_value_cell("token_latency_max_ms", s.max, ms_text(s.max)));
  }
  row("stalls",
      html_value_cell("tokens.stalls", static_cast<double>(t.stalls.size()), std::to_string(t.stalls.size())));
  out += "</tbody></table>";
  if (!t.stalls.empty()) {
    out += "<details><summary>" + std::to_string(t.stalls.size()) +
           " stalls</summary><table><thead><tr><th class=\"num\">token</th><th class=\"num\">at</th><th "
           "class=\"num\">latency</th></tr></thead><tbody>";
    for (std::size_t i = 0; i < t.stalls.size() && i < 200; ++i) {
      const auto& st = t.stalls[i];
      out += "<tr>" + td_num(std::to_string(st.index + 1)) + td_num(ms_text(ms(st.t_ns))) +
             td_num(ms_text(st.latency_ms)) + "</tr>";
    }
    out += "</tbody></table></details>";
  }
  return out;
}

// One metric of the catalogue and its value in each run that has it.
struct Figure {
  metrics::MetricId id;
  std::vector<double> values;
};

// Per-run values of the figures worth comparing across runs: the catalogue's run-wide metrics and
// each phase's duration, in the catalogue's order (docs/metrics.md).
std::vector<Figure> per_run_figures(const std::vector<RunResult>& runs) {
  std::vector<Figure> out;
  for (auto& id : metrics::metrics_of(runs)) {
    const auto family = id.metric->family;
    if (family == metrics::Family::counter) continue;
    if (family == metrics::Family::phase && id.metric->field != "duration_ms") continue;
    auto values = metrics::values_of(id, runs);
    out.push_back({std::move(id), std::move(values)});
  }
  return out;
}

// The catalogue's label, cut short where a long phase name would not fit beside the plot.
std::string figure_label(const metrics::MetricId& id) {
  const std::string label = id.label();
  if (label.size() <= 24) return label;
  std::size_t cut = 23;  // not inside a UTF-8 sequence
  while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;
  return label.substr(0, cut) + "…";
}

std::string figure_text(const metrics::MetricId& id, double v) {
  switch (id.unit()) {
    case metrics::Unit::bytes:
      return bytes_text(v);
    case metrics::Unit::ms:
      return ms_text(v);
    case metrics::Unit::ns:
      return ms_text(v / 1e6);
    case metrics::Unit::per_s:
      return num(v, 1) + "/s";
    case metrics::Unit::count:
      break;
  }
  return num(v, std::abs(v) >= 100 ? 0 : 1);
}

// One box-and-whisker row per figure, each on its own scale (min..max of that figure).
std::string whiskers(const std::vector<Figure>& figures) {
  constexpr double kRow = 34;
  std::string out = "<svg class=\"whiskers\" viewBox=\"0 0 1000 " +
                    num(kRow * static_cast<double>(figures.size()) + 8) +
                    "\" role=\"img\" aria-label=\"distribution of each figure over the runs\">";
  double y = 4;
  for (const auto& [id, values] : figures) {
    auto v = values;
    std::sort(v.begin(), v.end());
    const double lo = v.front(), hi = v.back();
    const double span = hi > lo ? hi - lo : std::max(std::abs(hi) * 0.01, 1e-9);
    const double a = lo - span * 0.08, b = hi + span * 0.08;
    const auto x = [&](double val) { return kLeft + 70 + (val - a) / (b - a) * (kPlot - 140); };
    const double q1 = stats::percentile_sorted(v, 25), q2 = stats::percentile_sorted(v, 50),
                 q3 = stats::percentile_sorted(v, 75);
    const double mid = y + kRow / 2 - 2;
    out += "<text x=\"" + num(kLeft - 8) + "\" y=\"" + num(mid + 4) + "\" text-anchor=\"end\">" +
           html_escape(figure_label(id)) + "</text><text class=\"muted\" x=\"" + num(x(lo) - 8) + "\" y=\"" +
           num(mid + 4) + "\" text-anchor=\"end\">" + html_escape(figure_text(id, lo)) +
           "</text><text class=\"muted\" x=\"" + num(x(hi) + 8) + "\" y=\"" + num(mid + 4) + "\">" +
           html_escape(figure_text(id, hi)) + "</text>";
    out += "<line class=\"whisker\" x1=\"" + num(x(lo)) + "\" x2=\"" + num(x(hi)) + "\" y1=\"" + num(mid) + "\" y2=\"" +
           num(mid) + "\"/><rect class=\"box\" x=\"" + num(x(q1)) + "\" y=\"" + num(mid - 8) + "\" width=\"" +
           num(std::max(x(q3) - x(q1), 1.0)) + "\" height=\"16\"><title>" +
           html_escape(id.label() + ": quartiles " + figure_text(id, q1) + " – " + figure_text(id, q3) + ", median " +
                       figure_text(id, q2)) +
           "</title></rect><line class=\"median\" x1=\"" + num(x(q2)) + "\" x2=\"" + num(x(q2)) + "\" y1=\"" +
           num(mid - 8) + "\" y2=\"" + num(mid + 8) + "\"/>";
    for (std::size_t i = 0; i < values.size(); ++i) {
      out += "<circle class=\"pt\" cx=\"" + num(x(values[i])) + "\" cy=\"" + num(mid + 11) + "\" r=\"2\"><title>" +
             html_escape("run " + std::to_string(i + 1) + ": " + figure_text(id, values[i])) + "</title></circle>";
    }
    y += kRow;
  }
  return out + "</svg>";
}

std::string counter_text(const CounterReading& c, double value) {
  return c.unit == "ns" ? ms_text(value / 1e6) : count_text(value);
}

std::string derived_text(const std::string& key, double v) {
  if (key == "ipc") return num(v, 2) + " insn/cycle";
  if (key == "cpus_utilized") return num(v, 3) + " CPUs";
  return num(v, 2) + "%";
}

std::string whole_run_counters(const RunResult& run) {
  std::string out;
  std::map<std::string, std::vector<std::string>> unsupported;  // reason -> names
  std::string rows;
  for (const auto& c : run.counters) {
    if (!c.supported) {
      unsupported[c.reason].push_back(c.name);
      continue;
    }
    std::string notes = c.exclude_kernel ? "user space" : "user+kernel";
    if (c.is_multiplexed()) notes += ", scaled: counted " + num(c.running_pct(), 1) + "% of the time";
    if (!c.note.empty()) notes += "; " + c.note;
    rows += "<tr><td>" + html_escape(c.name) + "</td>" +
            html_value_cell("counter." + c.name, c.value, counter_text(c, c.value)) + "<td>" +
            (c.hardware ? "hardware" : "software") + "</td><td class=\"dim\">" + html_escape(notes) + "</td></tr>";
  }
  if (!rows.empty()) {
    out +=
        "<table><thead><tr><th>counter</th><th "
        "class=\"num\">value</th><th>kind</th><th>notes</th></tr></thead><tbody>" +
        rows + "</tbody></table>";
  }
  const auto derived = derived_metrics(run.counters, run.wall_ns);
  if (!derived.empty()) {
    out += "<table><thead><tr><th>derived</th><th class=\"num\">value</th></tr></thead><tbody>";
    for (const auto& [k, v] : derived)
      out += "<tr><td>" + html_escape(k) + "</td>" + html_value_cell("derived." + k, v, derived_text(k, v)) + "</tr>";
    out += "</tbody></table>";
  }
  for (const auto& [reason, names] : unsupported) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    out += "<p class=\"note\">not counted (" + html_escape(reason) + "): " + html_escape(list) + "</p>";
  }
  return out;
}

std::string phase_counters(const RunResult& run) {
  std::vector<std::string> names;
  for (const auto& p : run.phases) {
    for (const auto& c : p.counters) {
      if (c.supported && std::find(names.begin(), names.end(), c.name) == names.end()) names.push_back(c.name);
    }
  }
  if (run.phases.empty() || names.empty()) return {};
  std::vector<std::string> derived_keys;
  for (const auto& p : run.phases) {
    for (const auto& [k, v] : derived_metrics(p.counters, p.end_ns - p.start_ns)) {
      if (std::find(derived_keys.begin(), derived_keys.end(), k) == derived_keys.end()) derived_keys.push_back(k);
    }
  }
  std::string out = "<h3>Per phase</h3><table><thead><tr><th>phase</th>" + th_num("duration");
  for (const auto& n : names) out += th_num(n);
  for (const auto& k : derived_keys) out += th_num(k);
  out += "</tr></thead><tbody>";
  for (const auto& p : run.phases) {
    out += "<tr><td>" + html_escape(p.name) + "</td>" + td_num(ms_text(ms(p.end_ns - p.start_ns)));
    for (const auto& n : names) {
      const auto it = std::find_if(p.counters.begin(), p.counters.end(), [&](const auto& c) { return c.name == n; });
      out += it != p.counters.end() && it->supported
                 ? html_value_cell("phase." + p.name + "." + n, it->value, counter_text(*it, it->value))
                 : "<td class=\"num dim\">–</td>";
    }
    const auto d = derived_metrics(p.counters, p.end_ns - p.start_ns);
    for (const auto& k : derived_keys) {
      const auto it = d.find(k);
      out += it != d.end() ? td_num(derived_text(k, it->second)) : "<td class=\"num dim\">–</td>";
    }
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

std::string join(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : ", ") + w;
  return s;
}

}  // namespace

std::size_t html_focus_run(const RunReport& report) {
  if (report.runs.empty()) return 0;
  std::vector<std::size_t> idx(report.runs.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(),
            [&](std::size_t a, std::size_t b) { return report.runs[a].wall_ns < report.runs[b].wall_ns; });
  return idx[(idx.size() - 1) / 2];
}

std::string html_tokens(const RunReport& report, std::size_t focus) {
  if (focus >= report.runs.size() || !report.runs[focus].tokens) return {};
  const TokenStats& t = *report.runs[focus].tokens;
  const auto s = stats::summarize(t.latency_ms);
  std::string out = "<section id=\"tokens\"><h2>Token latency</h2>";
  if (report.runs.size() > 1)
    out += "<p class=\"note\">Run " + std::to_string(focus + 1) + ", the median run by wall time.</p>";
  out += token_figures(t, s);
  if (!t.latency_ms.empty()) {
    out += "<h3>Each token</h3><p class=\"note\">The time since the token before; red dots are stalls.</p><figure>" +
           latency_plot(t, s) + "</figure><h3>Histogram</h3><figure>" + latency_histogram(t.latency_ms, s) +
           "</figure>";
  }
  if (!t.per_token.empty()) {
    out += "<h3>Cost per token</h3><table><tbody>";
    for (const auto& [k, v] : t.per_token)
      out += "<tr><th scope=\"row\">" + html_escape(k) + "</th>" + html_value_cell("per_token." + k, v, num(v, 3)) +
             "</tr>";
    out += "</tbody></table>";
  }
  return out + "</section>";
}

std::string html_distributions(const RunReport& report) {
  if (report.runs.size() < 2) return {};
  const auto figures = per_run_figures(report.runs);
  const MetricSummaries sums = summarize_runs(report.runs);
  std::string out = "<section id=\"runs\"><h2>Over " + std::to_string(report.runs.size()) +
                    " runs</h2><p class=\"note\">Each figure on its own scale, from its smallest to its largest run: "
                    "the box holds the middle half of the runs, the thick line is the median, dots are runs.</p>"
                    "<figure>" +
                    whiskers(figures) + "</figure>";
  out += "<table><thead><tr><th>figure</th>" + th_num("median") + th_num("mean") + th_num("± stddev") + th_num("min") +
         th_num("max") + th_num("p95") + th_num("runs") + "</tr></thead><tbody>";
  for (const auto& id : metrics::metrics_of(report.runs)) {
    const std::string key = id.key();
    const stats::Summary& s = sums.at(key);
    out += "<tr><td title=\"" + html_escape(key) + "\">" + html_escape(id.label()) + "</td>" +
           html_value_cell("summary." + key + ".median", s.median, figure_text(id, s.median)) +
           td_num(figure_text(id, s.mean)) + td_num(figure_text(id, s.stddev)) + td_num(figure_text(id, s.min)) +
           td_num(figure_text(id, s.max)) + td_num(figure_text(id, s.p95)) + td_num(std::to_string(s.n)) + "</tr>";
  }
  out += "</tbody></table><details><summary>every run</summary><table><thead><tr><th class=\"num\">run</th>" +
         th_num("exit") + th_num("wall") + th_num("user") + th_num("sys") + th_num("peak RSS") + th_num("TTFT") +
         th_num("tokens/s") + "</tr></thead><tbody>";
  for (std::size_t i = 0; i < report.runs.size(); ++i) {
    const auto& r = report.runs[i];
    const bool tok = r.tokens && r.tokens->ttft_ns;
    out += "<tr>" + td_num(std::to_string(i + 1)) + td_num(std::to_string(r.exit_code)) +
           td_num(ms_text(ms(r.wall_ns))) + td_num(ms_text(ms(r.user_ns))) + td_num(ms_text(ms(r.sys_ns))) +
           td_num(bytes_text(static_cast<double>(r.peak_rss_bytes))) +
           td_num(tok ? ms_text(ms(*r.tokens->ttft_ns)) : "–") + td_num(tok ? num(r.tokens->tokens_per_s, 1) : "–") +
           "</tr>";
  }
  return out + "</tbody></table></details></section>";
}

std::string html_counters(const RunReport& report, std::size_t focus) {
  if (focus >= report.runs.size()) return {};
  const RunResult& run = report.runs[focus];
  if (run.counters.empty() && run.phases.empty()) return {};
  std::string out = "<section id=\"counters\"><h2>Counters</h2>";
  if (report.runs.size() > 1)
    out += "<p class=\"note\">Run " + std::to_string(focus + 1) + ", the median run by wall time.</p>";
  out += whole_run_counters(run) + phase_counters(run);
  if (run.counters.empty()) out += "<p class=\"note\">No counters were read (--no-counters).</p>";
  return out + "</section>";
}

std::string run_to_html(const RunReport& report, HtmlMeta meta) {
  for (const auto& w : report.warnings) meta.warnings.push_back(w);
  for (const auto& u : report.unavailable) meta.warnings.push_back("unavailable: " + u);
  HtmlPage page(std::move(meta));
  const std::size_t focus = html_focus_run(report);
  page.fact("runs", std::to_string(report.runs.size()) +
                        (report.warmup > 0 ? " (after " + std::to_string(report.warmup) + " warm-up)" : ""));
  std::vector<std::string> exits;
  for (const auto& r : report.runs) {
    std::string e = r.signal ? "signal " + std::to_string(*r.signal) : "exit " + std::to_string(r.exit_code);
    if (std::find(exits.begin(), exits.end(), e) == exits.end()) exits.push_back(e);
  }
  page.fact("exit status", join(exits) + (report.interrupted ? " (interrupted)" : ""));
  if (!report.runs.empty()) {
    const auto& r = report.runs[focus];
    page.fact("wall time", ms_text(ms(r.wall_ns)) + (report.runs.size() > 1 ? " (median run)" : ""));
    page.fact("peak RSS", bytes_text(static_cast<double>(std::max(r.peak_rss_bytes, r.peak_tree_rss_bytes))));
    if (r.startup_ns) page.fact("ready after", ms_text(ms(*r.startup_ns)));
    page.add(html_timeline(r, report.runs.size() > 1
                                  ? "Run " + std::to_string(focus + 1) + " of " + std::to_string(report.runs.size()) +
                                        ", the median by wall time."
                                  : "Time since the target's exec."));
  }
  page.add(html_tokens(report, focus));
  page.add(html_distributions(report));
  page.add(html_counters(report, focus));
  return page.str();
}

}  // namespace perfprobe::report
