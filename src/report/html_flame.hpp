// The flame graph drawing shared by the recording page and the differential page (not part of the
// report API): a call tree built from samples, drawn as SVG frames the page's script zooms and
// searches (html_assets.cpp), inside a box with a scope picker.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "perfprobe/profile.hpp"

namespace perfprobe::report::html {

struct FlameNode {
  std::string name;
  std::uint64_t value = 0;                      // samples through this call path
  std::map<std::string, std::size_t> children;  // by function name, into the tree
};
// Callers above callees: [0] is the root, "all", one node per distinct call path.
using FlameTree = std::vector<FlameNode>;

[[nodiscard]] FlameTree flame_tree(const ResolvedProfile& p, const std::vector<const ResolvedSample*>& samples);

// For each node of `a`, the value of the same call path in `b` (0 where `b` never took it).
[[nodiscard]] std::vector<std::uint64_t> path_values(const FlameTree& a, const FlameTree& b);

// How a frame looks beyond its size; each is called with the node's index, and may be empty.
struct FlamePaint {
  std::function<std::string(std::size_t)> fill;   // an SVG colour
  std::function<std::string(std::size_t)> note;   // more lines for its tooltip
  std::function<std::string(std::size_t)> attrs;  // more attributes of its <g>, e.g. ` data-c="1.5"`
};

// One scope (all samples, a phase, a thread): frames narrower than `min_w` of the root are left out.
[[nodiscard]] std::string flame_scope(const FlameTree& tree, const std::string& scope, const std::string& caption,
                                      double min_w, const FlamePaint& paint);
// The tools (scope picker from `options`, search, zoom out) around the scopes.
[[nodiscard]] std::string flame_box(const std::string& options, const std::string& scopes);

}  // namespace perfprobe::report::html
