// Flame graphs as SVG: the call tree of a set of samples and its frames, laid out left-heavy, with
// the data-* attributes the page's script uses to zoom and search.
#include "html_flame.hpp"

#include <algorithm>

#include "html_internal.hpp"
#include "perfprobe/report/html.hpp"

namespace perfprobe::report::html {

namespace {

constexpr double kRowHeight = 17;
constexpr std::size_t kMaxDepth = 160;

struct Layout {
  std::string svg;
  std::size_t depth = 0;
};

// Wider children first (left-heavy), so the biggest call paths line up at the left.
void draw(const FlameTree& nodes, std::size_t at, double x, std::size_t depth, double total, double min_w,
          const FlamePaint& paint, Layout& out) {
  const FlameNode& n = nodes[at];
  const double w = static_cast<double>(n.value) / total;
  if (w < min_w) return;
  out.depth = std::max(out.depth, depth);
  const double px = x * kWidth, pw = w * kWidth, y = static_cast<double>(depth) * kRowHeight;
  const std::size_t chars = pw > 6 ? static_cast<std::size_t>((pw - 6) / 6.2) : 0;
  std::string label;
  if (chars >= 3) label = n.name.size() <= chars ? n.name : n.name.substr(0, chars - 1) + "…";
  std::string fill = paint.fill ? paint.fill(at) : std::string();
  if (fill.empty()) fill = at == 0 ? std::string("hsl(210,15%,62%)") : color_of(n.name, true);
  std::string title = n.name + "\n" + std::to_string(n.value) + " samples, " + num(w * 100, 1) + "%";
  if (paint.note) title += paint.note(at);
  out.svg += "<g class=\"n\" data-x=\"" + num(x, 6) + "\" data-w=\"" + num(w, 6) + "\" data-d=\"" +
             std::to_string(depth) + "\" data-n=\"" + html_escape(n.name) + "\"" +
             (paint.attrs ? paint.attrs(at) : std::string()) + "><rect x=\"" + num(px, 2) + "\" y=\"" + num(y) +
             "\" width=\"" + num(std::max(pw - 0.5, 0.1), 2) + "\" height=\"" + num(kRowHeight - 1) + "\" fill=\"" +
             fill + "\"/><text x=\"" + num(px + 3, 2) + "\" y=\"" + num(y + 12) + "\">" + html_escape(label) +
             "</text><title>" + html_escape(title) + "</title></g>";
  std::vector<std::size_t> kids;
  kids.reserve(n.children.size());
  for (const auto& [name, idx] : n.children) kids.push_back(idx);
  std::stable_sort(kids.begin(), kids.end(),
                   [&](std::size_t a, std::size_t b) { return nodes[a].value > nodes[b].value; });
  double cx = x;
  for (const auto k : kids) {
    draw(nodes, k, cx, depth + 1, total, min_w, paint, out);
    cx += static_cast<double>(nodes[k].value) / total;
  }
}

}  // namespace

FlameTree flame_tree(const ResolvedProfile& p, const std::vector<const ResolvedSample*>& samples) {
  FlameTree nodes(1);
  nodes[0].name = "all";
  for (const auto* s : samples) {
    std::size_t at = 0;
    ++nodes[0].value;
    std::size_t depth = 0;
    const auto& stack = p.stack_of(*s);
    for (auto it = stack.rbegin(); it != stack.rend() && depth < kMaxDepth; ++it, ++depth) {
      const std::string& fn = p.frames[*it].function;
      const auto found = nodes[at].children.find(fn);
      std::size_t child = 0;
      if (found == nodes[at].children.end()) {
        child = nodes.size();
        nodes[at].children.emplace(fn, child);
        nodes.push_back(FlameNode{fn, 0, {}});
      } else {
        child = found->second;
      }
      ++nodes[child].value;
      at = child;
    }
  }
  return nodes;
}

std::vector<std::uint64_t> path_values(const FlameTree& a, const FlameTree& b) {
  std::vector<std::uint64_t> out(a.size(), 0);
  if (a.empty() || b.empty()) return out;
  // Walk both trees together; a path `b` lacks leaves its whole subtree at 0.
  std::vector<std::pair<std::size_t, std::size_t>> todo{{0, 0}};
  while (!todo.empty()) {
    const auto [ia, ib] = todo.back();
    todo.pop_back();
    out[ia] = b[ib].value;
    for (const auto& [name, child] : a[ia].children) {
      const auto found = b[ib].children.find(name);
      if (found != b[ib].children.end()) todo.emplace_back(child, found->second);
    }
  }
  return out;
}

std::string flame_scope(const FlameTree& tree, const std::string& scope, const std::string& caption, double min_w,
                        const FlamePaint& paint) {
  Layout l;
  if (!tree.empty() && tree[0].value > 0) draw(tree, 0, 0, 0, static_cast<double>(tree[0].value), min_w, paint, l);
  const double height = static_cast<double>(l.depth + 1) * kRowHeight;
  return "<div class=\"fg-scope\" data-scope=\"" + html_escape(scope) + "\"><h3>" + html_escape(caption) +
         "</h3><svg class=\"fg\" viewBox=\"0 0 " + num(kWidth) + " " + num(height) + "\" role=\"img\" aria-label=\"" +
         html_escape("flame graph: " + caption) + "\">" + l.svg + "</svg></div>";
}

std::string flame_box(const std::string& options, const std::string& scopes) {
  return "<div class=\"fg-box\"><div class=\"tools\"><label>show <select>" + options +
         "</select></label><input type=\"search\" placeholder=\"search functions\" aria-label=\"search "
         "functions\"><button class=\"reset\" type=\"button\">zoom out</button><span class=\"fg-match "
         "dim\"></span></div>" +
         scopes + "</div>";
}

}  // namespace perfprobe::report::html
