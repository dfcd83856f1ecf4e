// The HTML sections of a recording: flame graphs (all samples, per phase, per thread) drawn as SVG
// with click-to-zoom and search, the top functions with file:line, and the hot lines of the top
// functions; and the whole page of `report --html`.
#include <algorithm>
#include <map>

#include "html_flame.hpp"
#include "html_internal.hpp"
#include "perfprobe/report/html.hpp"

namespace perfprobe::report {

using namespace html;

namespace {

std::string scope_graph(const ResolvedProfile& p, const std::vector<const ResolvedSample*>& samples,
                        const std::string& scope, const std::string& caption, double min_w) {
  return html::flame_scope(flame_tree(p, samples), scope, caption, min_w, FlamePaint{});
}

std::string basename(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string where(const FunctionStat& f) {
  if (f.file.empty()) return {};
  return basename(f.file) + (f.line > 0 ? ":" + std::to_string(f.line) : "");
}

std::string hot_lines(const ProfileReport& report, const ResolvedProfile& p) {
  std::string out;
  std::size_t shown = 0;
  for (const auto& f : report.functions) {
    if (shown == 5 || f.self_samples == 0) break;
    if (f.file.empty()) continue;  // no line information to show
    std::map<std::pair<std::string, int>, std::uint64_t> lines;
    for (const auto& s : p.samples) {
      const auto& stack = p.stack_of(s);
      if (stack.empty()) continue;
      const auto& leaf = p.frames[stack.front()];
      if (leaf.function == f.name && leaf.module == f.module) ++lines[{leaf.file, leaf.line}];
    }
    std::vector<std::pair<std::pair<std::string, int>, std::uint64_t>> sorted(lines.begin(), lines.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    out += "<h3><code>" + html_escape(f.name) +
           "</code></h3><table><thead><tr><th>line</th><th class=\"num\">self "
           "samples</th><th class=\"num\">of the function</th></tr></thead><tbody>";
    for (std::size_t i = 0; i < sorted.size() && i < 8; ++i) {
      const auto& [key, n] = sorted[i];
      const std::string loc = key.first.empty() ? "(no line info)" : key.first + ":" + std::to_string(key.second);
      out += "<tr><td class=\"fn\" title=\"" + html_escape(loc) + "\">" +
             html_escape(key.first.empty() ? loc : basename(key.first) + ":" + std::to_string(key.second)) +
             "</td><td class=\"num\">" + std::to_string(n) + "</td><td class=\"num\">" +
             num(100.0 * static_cast<double>(n) / static_cast<double>(f.self_samples), 1) + "%</td></tr>";
    }
    out += "</tbody></table>";
    ++shown;
  }
  return out.empty() ? out
                     : "<section id=\"hot-lines\"><h2>Hot lines</h2><p class=\"note\">Where the top functions "
                       "spend their own samples, by source line.</p>" +
                           out + "</section>";
}

std::string scope_table(const char* what,
                        const std::vector<std::pair<std::string, const std::vector<FunctionStat>*>>& rows,
                        const std::vector<std::pair<std::uint64_t, double>>& counts) {
  std::string out =
      "<table><thead><tr><th>" + std::string(what) +
      "</th><th class=\"num\">samples</th><th class=\"num\">share</th><th>top function</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto* fns = rows[i].second;
    out += "<tr><td>" + html_escape(rows[i].first) + "</td><td class=\"num\">" + std::to_string(counts[i].first) +
           "</td><td class=\"num\">" + num(counts[i].second, 1) + "%</td><td class=\"fn\">" +
           (fns->empty() ? ""
                         : html_escape(fns->front().name) + " <span class=\"dim\">" + num(fns->front().self_pct, 1) +
                               "%</span>") +
           "</td></tr>";
  }
  return out + "</tbody></table>";
}

}  // namespace

std::string html_flame_graphs(const ResolvedProfile& profile, const ProfileReport& report) {
  std::vector<const ResolvedSample*> all;
  for (const auto& s : profile.samples) {
    if (!profile.stack_of(s).empty()) all.push_back(&s);
  }
  if (all.empty())
    return "<section id=\"flame\"><h2>Flame graph</h2><p class=\"note\">No samples with a stack.</p></section>";
  std::string options = "<option value=\"all\">all samples</option>";
  std::string scopes = scope_graph(profile, all, "all", "all samples (" + std::to_string(all.size()) + ")", 0.001);
  std::size_t n = 0;
  for (const auto& ph : report.phases) {
    if (ph.samples == 0 || ++n > 8) continue;
    std::vector<const ResolvedSample*> in;
    for (const auto* s : all) {
      if (s->t_ns >= ph.start_ns && s->t_ns < ph.end_ns) in.push_back(s);
    }
    const std::string key = "phase:" + std::to_string(n);
    const std::string caption = "phase " + ph.name + " (" + std::to_string(in.size()) + " samples)";
    options += "<option value=\"" + key + "\">" + html_escape(caption) + "</option>";
    scopes += scope_graph(profile, in, key, caption, 0.0025);
  }
  std::vector<const ThreadProfile*> threads;
  for (const auto& t : report.threads) threads.push_back(&t);
  std::stable_sort(threads.begin(), threads.end(),
                   [](const auto* a, const auto* b) { return a->samples > b->samples; });
  if (threads.size() > 1) {
    for (std::size_t i = 0; i < threads.size() && i < 8; ++i) {
      const auto* t = threads[i];
      std::vector<const ResolvedSample*> in;
      for (const auto* s : all) {
        if (s->tid == t->tid) in.push_back(s);
      }
      const std::string key = "thread:" + std::to_string(t->tid);
      const std::string caption =
          "thread " + t->name + " " + std::to_string(t->tid) + " (" + std::to_string(in.size()) + " samples)";
      options += "<option value=\"" + key + "\">" + html_escape(caption) + "</option>";
      scopes += scope_graph(profile, in, key, caption, 0.0025);
    }
  }
  return "<section id=\"flame\"><h2>Flame graph</h2><p class=\"note\">Callers above callees; a frame's width is its "
         "share of the samples. Click a frame to zoom into it, search to highlight functions (a regular "
         "expression), pick a phase or a thread.</p>" +
         flame_box(options, scopes) + "</section>";
}

std::string html_top_functions(const ProfileReport& report, const ResolvedProfile& profile) {
  std::string out =
      "<section id=\"functions\"><h2>Top functions</h2><table><thead><tr><th "
      "class=\"num\">#</th><th>function</th><th class=\"num\">self</th><th "
      "class=\"num\">total</th><th class=\"num\">self samples</th><th>hottest line</th><th>module</th>"
      "</tr></thead><tbody>";
  for (std::size_t i = 0; i < report.functions.size(); ++i) {
    const auto& f = report.functions[i];
    out += "<tr><td class=\"num\">" + std::to_string(i + 1) + "</td><td class=\"fn\"" +
           (i == 0 ? " data-metric=\"top_function\"" : "") + ">" + html_escape(f.name) + "</td>" +
           (i == 0 ? html_value_cell("top_function.self_pct", f.self_pct, num(f.self_pct, 1) + "%")
                   : "<td class=\"num\">" + num(f.self_pct, 1) + "%</td>") +
           "<td class=\"num\">" + num(f.total_pct, 1) + "%</td><td class=\"num\">" + std::to_string(f.self_samples) +
           "</td><td class=\"fn\" title=\"" + html_escape(f.file) + "\">" + html_escape(where(f)) +
           "</td><td class=\"fn\" title=\"" + html_escape(f.module) + "\">" + html_escape(basename(f.module)) +
           "</td></tr>";
  }
  out += "</tbody></table>";
  if (!report.phases.empty()) {
    std::vector<std::pair<std::string, const std::vector<FunctionStat>*>> rows;
    std::vector<std::pair<std::uint64_t, double>> counts;
    for (const auto& p : report.phases) {
      rows.emplace_back(p.name, &p.functions);
      counts.emplace_back(p.samples, p.pct);
    }
    out += "<h3>Per phase</h3>" + scope_table("phase", rows, counts);
  }
  if (report.threads.size() > 1) {
    std::vector<std::pair<std::string, const std::vector<FunctionStat>*>> rows;
    std::vector<std::pair<std::uint64_t, double>> counts;
    for (const auto& t : report.threads) {
      rows.emplace_back(t.name + " " + std::to_string(t.tid), &t.functions);
      counts.emplace_back(t.samples, t.pct);
    }
    out += "<h3>Per thread</h3>" + scope_table("thread", rows, counts);
  }
  if (!report.hints.empty()) {
    out += "<h3>Hints</h3><ul>";
    for (const auto& h : report.hints) out += "<li>" + html_escape(h) + "</li>";
    out += "</ul>";
  }
  out += "</section>" + hot_lines(report, profile);
  if (!report.modules.empty()) {
    out +=
        "<section id=\"modules\"><h2>Modules</h2><table><thead><tr><th>module</th><th class=\"num\">samples</th>"
        "<th>symbols</th><th>line info</th></tr></thead><tbody>";
    for (const auto& m : report.modules) {
      out += "<tr><td class=\"fn\">" + html_escape(m.path) +
             (m.build_id_mismatch ? " <span class=\"fail\">changed since the recording</span>" : "") +
             "</td><td class=\"num\">" + std::to_string(m.samples) + "</td><td>" + (m.has_symbols ? "yes" : "no") +
             "</td><td>" + (m.has_debuginfo ? "yes" : "no") + "</td></tr>";
    }
    out += "</tbody></table></section>";
  }
  return out;
}

std::string profile_to_html(const ProfileReport& report, const ResolvedProfile& profile, const RunResult& run,
                            HtmlMeta meta) {
  for (const auto& w : report.warnings) meta.warnings.push_back(w);
  HtmlPage page(std::move(meta));
  page.fact("samples", std::to_string(report.samples) + " of " + report.event +
                           (report.frequency_hz > 0 ? " at " + std::to_string(report.frequency_hz) + " Hz"
                                                    : ", one every " + std::to_string(report.period)) +
                           ", call graph " + report.call_graph);
  if (report.lost > 0) page.fact("lost", std::to_string(report.lost) + " samples");
  page.fact("exit status",
            run.signal ? "signal " + std::to_string(*run.signal) : "exit " + std::to_string(run.exit_code));
  page.fact("wall time", ms_text(static_cast<double>(run.wall_ns) / 1e6));
  if (!report.functions.empty())
    page.fact("top function",
              report.functions.front().name + " (" + num(report.functions.front().self_pct, 1) + "% self)");
  page.add(html_flame_graphs(profile, report));
  page.add(html_top_functions(report, profile));
  page.add(html_timeline(run, "Time since the target's exec (or since the attach)."));
  RunReport one;
  one.runs.push_back(run);
  page.add(html_tokens(one, 0));
  page.add(html_counters(one, 0));
  return page.str();
}

}  // namespace perfprobe::report
