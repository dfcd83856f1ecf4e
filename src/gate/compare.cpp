// compare: sides read from JSON documents, each compared with the first metric by metric, and the
// change said the way it matters ("2.60x slower", "-62.7% worse"). Pure but for the JSON parse.
#include "perfprobe/gate/compare.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "perfprobe/gate/evaluate.hpp"
#include "perfprobe/gate/files.hpp"

namespace perfprobe::gate {

Side parse_side(const std::string& text, const std::string& name) {
  Side side;
  side.name = name;
  side.samples = parse_samples(text, name);  // throws on anything that is not a run or check document
  const auto doc = nlohmann::json::parse(text);
  if (doc.contains("command") && doc["command"].is_array()) {
    for (const auto& w : doc["command"]) {
      if (w.is_string()) side.command.push_back(w.get<std::string>());
    }
  }
  for (const auto& [key, values] : side.samples) side.runs = std::max(side.runs, values.size());
  return side;
}

std::vector<Comparison> compare_sides(const std::vector<Side>& sides, const BaselineSettings& settings) {
  std::vector<Comparison> out;
  for (std::size_t i = 1; i < sides.size(); ++i) {
    Comparison c{sides.front(), sides[i], {}};
    for (const auto& id : metrics::ids_of(sides.front().samples)) {
      const auto it = sides[i].samples.find(id.key());
      if (it == sides[i].samples.end() || it->second.empty()) continue;
      c.metrics.push_back(compare_metric(id, sides.front().samples.at(id.key()), it->second, settings));
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::string describe_change(const RegressionResult& r) {
  if (r.baseline_median == 0 || r.current_median == r.baseline_median) return "same";
  const bool time = r.unit == metrics::Unit::ms || r.unit == metrics::Unit::ns;
  const bool up = r.change > 0;
  const char* word = nullptr;
  if (time) {
    word = up ? "slower" : "faster";
  } else if (r.unit == metrics::Unit::bytes) {
    word = up ? "larger" : "smaller";
  } else {
    word = r.worse_by > 0 ? "worse" : "better";
  }
  char buf[64];
  const double ratio = r.current_median / r.baseline_median;
  if (time && ratio > 0 && (ratio >= 2 || ratio <= 0.5)) {
    std::snprintf(buf, sizeof buf, "%.2fx %s", up ? ratio : 1 / ratio, word);
  } else {
    std::snprintf(buf, sizeof buf, "%+.1f%% %s", r.change * 100, word);
  }
  return buf;
}

}  // namespace perfprobe::gate
