// The timeline of one run as inline SVG: phases as bars, readiness, every token as a tick (stalls
// in red), marker events, and RSS (anon, file, total) on one time axis. Geometry that zooms sits in
// `.zt` groups the script rescales; labels (`.zl`) are placed again by the script.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "html_internal.hpp"
#include "perfprobe/report/html.hpp"

namespace perfprobe::report {

using namespace html;

namespace {

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

struct Axis {
  double total_ms;
  [[nodiscard]] double x(double t_ms) const { return kLeft + std::clamp(t_ms / total_ms, 0.0, 1.0) * kPlot; }
};

double total_ms_of(const RunResult& run) {
  std::int64_t end = run.wall_ns;
  for (const auto& e : run.events) end = std::max(end, e.t_ns);
  for (const auto& s : run.rss) end = std::max(end, s.t_ns);
  for (const auto& p : run.phases) end = std::max(end, p.end_ns);
  return std::max(ms(end), 0.001);
}

// Phases that overlap (nesting, repeats) go on rows of their own: the first row free at their start.
std::vector<int> phase_rows(const std::vector<PhaseResult>& phases, int& rows) {
  std::vector<std::int64_t> row_end;
  std::vector<int> out;
  for (const auto& p : phases) {
    std::size_t r = 0;
    while (r < row_end.size() && row_end[r] > p.start_ns) ++r;
    if (r == row_end.size()) row_end.push_back(0);
    row_end[r] = p.end_ns;
    out.push_back(static_cast<int>(r));
  }
  rows = static_cast<int>(row_end.size());
  return out;
}

std::string lane_label(double y, const std::string& text) {
  return "<text class=\"muted\" x=\"" + num(kLeft - 8) + "\" y=\"" + num(y) + "\" text-anchor=\"end\">" +
         html_escape(text) + "</text>";
}

// Ticks as one path ("M x y v h" per tick): a few bytes per token even for tens of thousands.
std::string tick_path(const std::vector<double>& xs, double y, double h, const char* cls) {
  if (xs.empty()) return {};
  std::string d;
  std::string last;
  for (const double x : xs) {
    std::string sx = num(x, 3);
    if (sx == last) continue;
    d += "M" + sx + " " + num(y) + "v" + num(h);
    last = std::move(sx);
  }
  return "<path class=\"" + std::string(cls) + "\" d=\"" + d + "\"/>";
}

struct Drawing {
  std::string zoomed;  // inside the .zt group: rescaled when zoomed
  std::string labels;  // .zl texts inside the plot: placed again when zoomed
  std::string fixed;   // lane names, grid lines: never move
  double y = 8;
};

void draw_phases(const RunResult& run, const Axis& ax, Drawing& dr) {
  if (run.phases.empty()) return;
  int rows = 0;
  const auto row = phase_rows(run.phases, rows);
  constexpr double kRow = 20;
  dr.fixed += lane_label(dr.y + 14, "phases");
  for (std::size_t i = 0; i < run.phases.size(); ++i) {
    const auto& p = run.phases[i];
    const double y = dr.y + row[i] * kRow;
    const double x0 = ax.x(ms(p.start_ns));
    const double x1 = std::max(ax.x(ms(p.end_ns)), x0 + 0.3);
    dr.zoomed += "<rect class=\"phase\" x=\"" + num(x0, 3) + "\" y=\"" + num(y) + "\" width=\"" + num(x1 - x0, 3) +
                 "\" height=\"" + num(kRow - 3) + "\" fill=\"" + color_of(p.name, false) + "\"><title>" +
                 html_escape("phase " + p.name + ": " + ms_text(ms(p.start_ns)) + " – " + ms_text(ms(p.end_ns)) + " (" +
                             ms_text(ms(p.end_ns - p.start_ns)) + ")") +
                 "</title></rect>";
    dr.labels += "<text class=\"zl\" x=\"" + num(x0 + 3) + "\" y=\"" + num(y + 12.5) + "\" data-t0=\"" +
                 num(ms(p.start_ns), 4) + "\" data-t1=\"" + num(ms(p.end_ns), 4) + "\" data-label=\"" +
                 html_escape(p.name) + "\">" + html_escape(p.name) + "</text>";
  }
  dr.y += rows * kRow + 6;
}

void draw_tokens(const RunResult& run, const Axis& ax, Drawing& dr) {
  std::vector<double> ticks;
  for (const auto& e : run.events) {
    if (e.kind == EventKind::token) ticks.push_back(ax.x(ms(e.t_ns)));
  }
  if (ticks.empty()) return;
  std::vector<double> stalls;
  if (run.tokens) {
    for (const auto& s : run.tokens->stalls) stalls.push_back(ax.x(ms(s.t_ns)));
  }
  dr.fixed += lane_label(dr.y + 13, "tokens");
  dr.zoomed += tick_path(ticks, dr.y, 18, "tick") + tick_path(stalls, dr.y - 2, 22, "stall");
  dr.y += 26;
}

// Marker events (and output lines, warnings) by name: the most frequent names get a row each.
void draw_markers(const RunResult& run, const Axis& ax, Drawing& dr) {
  std::map<std::string, std::vector<const Event*>> by_name;
  for (const auto& e : run.events) {
    if (e.kind == EventKind::marker || e.kind == EventKind::output || e.kind == EventKind::warning) {
      by_name[e.name.empty() ? (e.kind == EventKind::output ? "output" : "event") : e.name].push_back(&e);
    }
  }
  std::vector<std::pair<std::string, std::vector<const Event*>>> rows(by_name.begin(), by_name.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  constexpr std::size_t kRows = 6;
  if (rows.size() > kRows) {
    for (std::size_t i = kRows; i < rows.size(); ++i)
      rows[kRows - 1].second.insert(rows[kRows - 1].second.end(), rows[i].second.begin(), rows[i].second.end());
    rows[kRows - 1].first = "other markers";
    rows.resize(kRows);
  }
  for (const auto& [name, events] : rows) {
    dr.fixed += lane_label(dr.y + 11, name.size() > 16 ? name.substr(0, 15) + "…" : name);
    if (events.size() <= 400) {
      for (const auto* e : events) {
        const double x = ax.x(ms(e->t_ns));
        std::string title = e->name.empty() ? name : e->name;
        title += " at " + ms_text(ms(e->t_ns));
        if (!e->text.empty()) title += ": " + e->text.substr(0, 200);
        for (const auto a : e->args) title.append(" ").append(std::to_string(a));
        dr.zoomed += "<line class=\"mark\" x1=\"" + num(x, 3) + "\" x2=\"" + num(x, 3) + "\" y1=\"" + num(dr.y) +
                     "\" y2=\"" + num(dr.y + 14) + "\"><title>" + html_escape(title) + "</title></line>";
      }
    } else {
      std::vector<double> xs;
      for (const auto* e : events) xs.push_back(ax.x(ms(e->t_ns)));
      dr.zoomed += tick_path(xs, dr.y, 14, "mark");
    }
    dr.y += 18;
  }
}

// Every k-th sample so a long run stays a few thousand points; the largest total is always kept.
std::vector<const RssSample*> thin(const std::vector<RssSample>& rss, std::size_t limit) {
  std::vector<const RssSample*> out;
  const std::size_t step = rss.size() / limit + 1;
  std::size_t peak = 0;
  for (std::size_t i = 0; i < rss.size(); ++i) {
    if (rss[i].rss_bytes > rss[peak].rss_bytes) peak = i;
  }
  for (std::size_t i = 0; i < rss.size(); ++i) {
    if (i % step == 0 || i == peak || i + 1 == rss.size()) out.push_back(&rss[i]);
  }
  return out;
}

void draw_rss(const std::vector<const RssSample*>& rss, const Axis& ax, Drawing& dr) {
  if (rss.empty()) return;
  constexpr double kHeight = 120;
  double top_bytes = 1;
  for (const auto* s : rss) top_bytes = std::max(top_bytes, static_cast<double>(s->rss_bytes));
  // Round numbers of the unit the peak is shown in (KiB, MiB, GiB), not of bytes.
  double unit = 1;
  while (top_bytes / unit >= 1024 && unit < 1099511627776.0) unit *= 1024;
  auto ticks = nice_ticks(0, top_bytes * 1.05 / unit, 4);
  for (auto& t : ticks) t *= unit;
  const double y_max = std::max(ticks.back(), top_bytes);
  const double y0 = dr.y + 4;
  const double base = y0 + kHeight;
  const auto y = [&](double v) { return base - v / y_max * kHeight; };
  for (const double v : ticks) {
    dr.fixed += "<line class=\"grid\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + kPlot) + "\" y1=\"" + num(y(v)) +
                "\" y2=\"" + num(y(v)) + "\"/><text class=\"muted\" x=\"" + num(kLeft - 8) + "\" y=\"" + num(y(v) + 4) +
                "\" text-anchor=\"end\">" + html_escape(v == 0 ? "0" : bytes_text(v)) + "</text>";
  }
  const auto line = [&](const char* cls, auto get) {
    std::string pts;
    for (const auto* s : rss) pts += num(ax.x(ms(s->t_ns)), 3) + "," + num(y(static_cast<double>(get(*s))), 1) + " ";
    return "<polyline class=\"" + std::string(cls) + "\" points=\"" + pts + "\"/>";
  };
  dr.zoomed += line("rss-file", [](const RssSample& s) { return s.file_bytes; }) +
               line("rss-anon", [](const RssSample& s) { return s.anon_bytes; }) +
               line("rss-total", [](const RssSample& s) { return s.rss_bytes; });
  dr.y = base + 4;
}

std::string hover_data(const RunResult& run, const std::vector<const RssSample*>& rss, const std::string& id) {
  using nlohmann::json;
  json d = json::object();
  json phases = json::array();
  for (const auto& p : run.phases) phases.push_back(json::array({p.name, ms(p.start_ns), ms(p.end_ns)}));
  d["phases"] = std::move(phases);
  json tokens = json::array();
  for (const auto& e : run.events) {
    if (e.kind == EventKind::token && tokens.size() < 100000) tokens.push_back(std::round(ms(e.t_ns) * 1e3) / 1e3);
  }
  d["tokens"] = std::move(tokens);
  json r = json::array();
  for (const auto* s : rss) r.push_back(json::array({ms(s->t_ns), s->anon_bytes, s->file_bytes, s->rss_bytes}));
  d["rss"] = std::move(r);
  if (run.startup_ns) d["ready"] = ms(*run.startup_ns);
  return script_json(id, d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string legend(const RunResult& run, bool has_rss, bool has_tokens) {
  std::string s = "<div class=\"legend\">";
  for (const auto& p : run.phases) {
    const std::string label = "</i>" + html_escape(p.name) + "</span>";
    if (s.find(label) != std::string::npos) continue;  // one entry per phase name
    s += "<span><i style=\"background:" + color_of(p.name, false) + ";height:10px\"></i>" + html_escape(p.name) +
         "</span>";
  }
  if (run.startup_ns) s += "<span><i style=\"background:var(--ok)\"></i>ready</span>";
  if (has_tokens)
    s += "<span><i style=\"background:var(--token)\"></i>token</span><span><i "
         "style=\"background:var(--stall)\"></i>stall</span>";
  if (has_rss)
    s += "<span><i style=\"background:var(--total)\"></i>RSS total</span><span><i "
         "style=\"background:var(--anon)\"></i>anon</span><span><i style=\"background:var(--file)\"></i>file</span>";
  return s + "</div>";
}

std::string phase_table(const RunResult& run) {
  if (run.phases.empty() && !run.startup_ns && run.marker_counts.empty()) return {};
  std::string s =
      "<div class=\"row\"><table><thead><tr><th>phase</th><th class=\"num\">start</th><th class=\"num\">end</th><th "
      "class=\"num\">duration</th><th class=\"num\">RSS Δ</th><th class=\"num\">anon Δ</th><th class=\"num\">file "
      "Δ</th></tr></thead><tbody>";
  if (run.startup_ns) {
    s += "<tr><td>exec → ready</td><td class=\"num\">0</td>" +
         html_value_cell("startup_ms", ms(*run.startup_ns), ms_text(ms(*run.startup_ns))) +
         html_value_cell("startup_ms", ms(*run.startup_ns), ms_text(ms(*run.startup_ns))) +
         "<td></td><td></td><td></td></tr>";
  }
  for (const auto& p : run.phases) {
    const double d = ms(p.end_ns - p.start_ns);
    s += "<tr><td>" + html_escape(p.name) + "</td><td class=\"num\">" + html_escape(ms_text(ms(p.start_ns))) +
         "</td><td class=\"num\">" + html_escape(ms_text(ms(p.end_ns))) + "</td>" +
         html_value_cell("phase." + p.name + ".duration_ms", d, ms_text(d)) + "<td class=\"num\">" +
         html_escape(bytes_text(static_cast<double>(p.rss_delta_bytes))) + "</td><td class=\"num\">" +
         html_escape(bytes_text(static_cast<double>(p.rss_anon_delta_bytes))) + "</td><td class=\"num\">" +
         html_escape(bytes_text(static_cast<double>(p.rss_file_delta_bytes))) + "</td></tr>";
  }
  s += "</tbody></table>";
  if (!run.marker_counts.empty()) {
    s += "<table><thead><tr><th>marker</th><th class=\"num\">count</th></tr></thead><tbody>";
    for (const auto& [name, count] : run.marker_counts)
      s += "<tr><td>" + html_escape(name) + "</td><td class=\"num\">" + std::to_string(count) + "</td></tr>";
    s += "</tbody></table>";
  }
  return s + "</div>";
}

}  // namespace

std::string html_timeline(const RunResult& run, const std::string& caption) {
  const std::string id = "tl";  // one timeline per page
  const Axis ax{total_ms_of(run)};
  const auto rss = thin(run.rss, 3000);
  Drawing dr;
  draw_phases(run, ax, dr);
  draw_tokens(run, ax, dr);
  draw_markers(run, ax, dr);
  draw_rss(rss, ax, dr);
  if (dr.y < 30) dr.y = 30;  // a run with nothing to draw still gets its axis
  const double height = dr.y + 22;
  if (run.startup_ns) {
    const double x = ax.x(ms(*run.startup_ns));
    dr.zoomed += "<line class=\"ready\" x1=\"" + num(x, 3) + "\" x2=\"" + num(x, 3) + "\" y1=\"2\" y2=\"" + num(dr.y) +
                 "\"><title>" + html_escape("ready at " + ms_text(ms(*run.startup_ns))) + "</title></line>";
  }
  std::string s = "<section id=\"timeline\"><h2>Timeline</h2><p class=\"note\">" + html_escape(caption) +
                  " Drag across the chart to zoom in, double-click (or the button) to zoom out; hover for the values "
                  "at a moment.</p><figure><div class=\"tools\"><button class=\"reset\" type=\"button\">zoom "
                  "out</button></div>";
  s += "<svg class=\"tl\" viewBox=\"0 0 " + num(kWidth) + " " + num(height) + "\" data-t=\"" + num(ax.total_ms, 4) +
       "\" data-src=\"" + id + "-data\" role=\"img\" aria-label=\"timeline\">";
  s += "<clipPath id=\"" + id + "-clip\"><rect x=\"" + num(kLeft) + "\" y=\"0\" width=\"" + num(kPlot) +
       "\" height=\"" + num(height) + "\"/></clipPath>";
  s += time_axis(ax.total_ms, dr.y, 0);
  s += "<g clip-path=\"url(#" + id + "-clip)\"><g class=\"zt\">" + dr.zoomed + "</g>";
  s += dr.labels + "</g>" + dr.fixed;
  s += "<line class=\"cross\" y1=\"0\" y2=\"" + num(dr.y) +
       "\" style=\"display:none\"/><rect class=\"sel\" y=\"0\" "
       "height=\"" +
       num(dr.y) + "\" width=\"0\" style=\"display:none\"/></svg>";
  s += legend(run, !rss.empty(), run.tokens.has_value()) + "</figure>" + hover_data(run, rss, id + "-data");
  s += phase_table(run) + "</section>";
  return s;
}

}  // namespace perfprobe::report
