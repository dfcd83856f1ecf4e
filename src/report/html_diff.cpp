// The page of `report --diff OLD NEW --html FILE`: differential flame graphs (the new recording's
// call tree coloured by each call path's change of share, and the old one's, where what shrank or
// went away shows) for the whole run and each phase both have, and the tables of functions that
// gained or lost share.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "html_flame.hpp"
#include "html_internal.hpp"
#include "perfprobe/report/html.hpp"
#include "perfprobe/report/views.hpp"

namespace perfprobe::report {

using namespace html;

namespace {

constexpr std::size_t kMaxPhases = 8;
constexpr double kMinScalePp = 1;  // changes below a point stay pale whatever the largest one

std::vector<const ResolvedSample*> samples_in(const ResolvedProfile& p, std::int64_t from, std::int64_t to) {
  std::vector<const ResolvedSample*> out;
  for (const auto& s : p.samples) {
    if (!p.stack_of(s).empty() && s.t_ns >= from && s.t_ns < to) out.push_back(&s);
  }
  return out;
}

std::string fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string signed_pp(double pp) { return (pp >= 0 ? "+" : "−") + fixed(std::fabs(pp)) + " pp"; }

// Red where the share grew, blue where it fell; full colour at `scale` percentage points.
std::string change_fill(double pp, double scale) {
  const double t = std::min(1.0, std::fabs(pp) / scale);
  return std::string("hsl(") + (pp >= 0 ? "0" : "215") + ",78%," + num(96 - 46 * t, 1) + "%)";
}

// Both recordings' call trees of one scope; `shares` give a node's share of its own tree.
struct ScopeTrees {
  FlameTree old_tree, new_tree;
  std::vector<std::uint64_t> old_in_new, new_in_old;  // the other side's value of each node's path
};

// Each side's samples of the scope from its own interval: the runs need not be equally long.
ScopeTrees scope_trees(const ResolvedProfile& o, std::pair<std::int64_t, std::int64_t> old_span,
                       const ResolvedProfile& n, std::pair<std::int64_t, std::int64_t> new_span) {
  ScopeTrees t{flame_tree(o, samples_in(o, old_span.first, old_span.second)),
               flame_tree(n, samples_in(n, new_span.first, new_span.second)),
               {},
               {}};
  t.old_in_new = path_values(t.old_tree, t.new_tree);
  t.new_in_old = path_values(t.new_tree, t.old_tree);
  return t;
}

// One side's graph: `shown` sized by its samples, each frame coloured by new share − old share.
std::string side_graph(const FlameTree& shown, const std::vector<std::uint64_t>& other, std::uint64_t other_total,
                       bool shown_is_new, double scale, const std::string& key, const std::string& caption,
                       double min_w) {
  const std::uint64_t total = shown[0].value;
  const auto shares = [&](std::size_t i) {
    const double mine = percent_of(shown[i].value, total), theirs = percent_of(other[i], other_total);
    return shown_is_new ? std::make_pair(theirs, mine) : std::make_pair(mine, theirs);
  };
  FlamePaint paint;
  paint.fill = [&](std::size_t i) {
    if (i == 0) return std::string();
    const auto [o, n] = shares(i);
    return change_fill(n - o, scale);
  };
  paint.note = [&](std::size_t i) {
    const auto [o, n] = shares(i);
    return "\nold " + num(o, 1) + "% → new " + num(n, 1) + "% (" + signed_pp(n - o) + ")";
  };
  paint.attrs = [&](std::size_t i) {
    const auto [o, n] = shares(i);
    return " data-c=\"" + num(n - o, 3) + "\"";
  };
  return flame_scope(shown, key, caption, min_w, paint);
}

// The largest change of any call path of the scope, on either side.
double largest_change(const ScopeTrees& t) {
  double most = kMinScalePp;
  const std::uint64_t o = t.old_tree[0].value, n = t.new_tree[0].value;
  for (std::size_t i = 1; i < t.new_tree.size(); ++i)
    most = std::max(most, std::fabs(percent_of(t.new_tree[i].value, n) - percent_of(t.new_in_old[i], o)));
  for (std::size_t i = 1; i < t.old_tree.size(); ++i)
    most = std::max(most, std::fabs(percent_of(t.old_in_new[i], n) - percent_of(t.old_tree[i].value, o)));
  return most;
}

struct Graphs {
  std::string options, scopes;
};

void add_scope(Graphs& g, const ScopeTrees& t, const std::string& key, const std::string& name, double min_w) {
  const double scale = largest_change(t);
  const std::uint64_t o = t.old_tree[0].value, n = t.new_tree[0].value;
  const std::string counts = " (old " + std::to_string(o) + ", new " + std::to_string(n) + " samples)";
  const std::string new_caption = name + ": new recording" + counts;
  const std::string old_caption = name + ": old recording" + counts;
  g.options += "<option value=\"new:" + key + "\">" + html_escape(new_caption) + "</option><option value=\"old:" + key +
               "\">" + html_escape(old_caption) + "</option>";
  g.scopes += side_graph(t.new_tree, t.new_in_old, o, true, scale, "new:" + key, new_caption, min_w);
  g.scopes += side_graph(t.old_tree, t.old_in_new, n, false, scale, "old:" + key, old_caption, min_w);
}

std::string flame_section(const DiffSide& o, const DiffSide& n) {
  Graphs g;
  constexpr std::pair<std::int64_t, std::int64_t> kAll{INT64_MIN, INT64_MAX};
  const auto whole = scope_trees(*o.profile, kAll, *n.profile, kAll);
  if (whole.old_tree[0].value == 0 || whole.new_tree[0].value == 0)
    return "<section id=\"flame\"><h2>Differential flame graph</h2><p class=\"note\">One of the recordings has no "
           "samples with a stack: nothing to compare.</p></section>";
  add_scope(g, whole, "all", "all samples", 0.001);
  std::size_t shown = 0;
  for (const auto& op : o.report->phases) {
    const auto np = std::find_if(n.report->phases.begin(), n.report->phases.end(),
                                 [&](const PhaseProfile& p) { return p.name == op.name; });
    if (np == n.report->phases.end() || op.samples == 0 || np->samples == 0 || ++shown > kMaxPhases) continue;
    const auto t = scope_trees(*o.profile, {op.start_ns, op.end_ns}, *n.profile, {np->start_ns, np->end_ns});
    add_scope(g, t, "phase:" + std::to_string(shown), "phase " + op.name, 0.0025);
  }
  return "<section id=\"flame\"><h2>Differential flame graph</h2><p class=\"note\">Callers above callees. A frame's "
         "width is its call path's share of the recording shown (the new one first; pick the old one to see what "
         "shrank or went away). <span class=\"grew\">Red</span>: the path's share of all samples grew, "
         "<span class=\"fell\">blue</span>: it fell, pale: about the same; the colour is full at the scope's "
         "largest change. Hover a frame for both shares. Click to zoom, search to highlight.</p>" +
         flame_box(g.options, g.scopes) + "</section>";
}

std::string pct(double v) { return fixed(v) + "%"; }

std::string scope_table(const ScopeDiff& s, bool cells) {
  std::string out = "<h3>" + html_escape(s.name) + " <span class=\"dim\">(" + std::to_string(s.old_samples) + " → " +
                    std::to_string(s.new_samples) +
                    " samples)</span></h3><table><thead><tr><th>function</th><th class=\"num\">self old</th><th "
                    "class=\"num\">self new</th><th class=\"num\">change</th><th class=\"num\">total old</th><th "
                    "class=\"num\">total new</th></tr></thead><tbody>";
  for (const auto& f : s.functions) {
    const double d = f.self_delta();
    const std::string change = signed_pp(d);
    out += "<tr><td class=\"fn\">" + html_escape(f.name) + "</td><td class=\"num\">" + pct(f.old_self_pct) +
           "</td><td class=\"num\">" + pct(f.new_self_pct) + "</td>" +
           (cells ? html_value_cell("self_change_pp." + f.name, d, change)
                  : "<td class=\"num\">" + html_escape(change) + "</td>") +
           "<td class=\"num\">" + pct(f.old_total_pct) + "</td><td class=\"num\">" + pct(f.new_total_pct) +
           "</td></tr>";
  }
  return out + "</tbody></table>";
}

}  // namespace

std::string profile_diff_to_html(const ProfileDiff& diff, const DiffSide& old_side, const DiffSide& new_side,
                                 HtmlMeta meta) {
  for (const auto& w : old_side.report->warnings) meta.warnings.push_back("old: " + w);
  for (const auto& w : new_side.report->warnings) meta.warnings.push_back("new: " + w);
  HtmlPage page(std::move(meta));
  page.fact("old", command_text(diff.old_command));
  page.fact("new", command_text(diff.new_command));
  page.fact("samples", "old " + std::to_string(old_side.report->samples) + ", new " +
                           std::to_string(new_side.report->samples) + " (shares are compared, not counts)");
  page.add(flame_section(old_side, new_side));
  std::string tables =
      "<section id=\"functions\"><h2>Functions that gained or lost share</h2><p class=\"note\">Self and total "
      "(with callees) shares of each scope's samples; largest change of self share first.</p>";
  for (std::size_t i = 0; i < diff.scopes.size(); ++i) tables += scope_table(diff.scopes[i], i == 0);
  page.add(tables + "</section>");
  return page.str();
}

}  // namespace perfprobe::report
