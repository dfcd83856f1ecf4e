// Series are told apart by family name, suffix and labels; a target's labels (command, host, run)
// stay those of the first target, so the same series continues from one target to the next.
#include "counter_totals.hpp"

#include <algorithm>
#include <set>

namespace perfprobe::app {

namespace {

bool is_cumulative(const report::MetricFamily& f, const report::MetricPoint& p) {
  if (f.type == report::MetricType::counter) return true;
  return f.type == report::MetricType::summary && (p.suffix == "_sum" || p.suffix == "_count");
}

std::string key_of(const report::MetricFamily& f, const report::MetricPoint& p) {
  std::string key = f.name + p.suffix + "{";
  for (const auto& [name, value] : p.labels) key.append(name).append("=").append(value).append(",");
  return key + "}";
}

}  // namespace

void CounterTotals::carry(const std::vector<report::MetricFamily>& finished) {
  for (const auto& f : finished) {
    for (const auto& p : f.points) {
      if (!is_cumulative(f, p)) continue;
      kinds_.try_emplace(f.name, report::MetricFamily{f.name, f.type, f.unit, f.help, {}});
      series_.try_emplace(key_of(f, p), Series{f.name, p, 0, 0}).first->second.carried += p.value;
    }
  }
}

void CounterTotals::apply(std::vector<report::MetricFamily>& families) {
  std::set<std::string> listed;
  for (auto& f : families) {
    for (auto& p : f.points) {
      if (!is_cumulative(f, p)) continue;
      kinds_.try_emplace(f.name, report::MetricFamily{f.name, f.type, f.unit, f.help, {}});
      const std::string key = key_of(f, p);
      Series& s = series_.try_emplace(key, Series{f.name, p, 0, 0}).first->second;
      s.shown = std::max(s.shown, s.carried + p.value);
      p.value = s.shown;
      listed.insert(key);
    }
  }
  for (auto& [key, s] : series_) {
    if (listed.count(key) != 0) continue;
    s.shown = std::max(s.shown, s.carried);
    const std::string& name = s.family;  // clang 14 cannot capture a structured binding
    auto family = std::find_if(families.begin(), families.end(),
                               [&name](const report::MetricFamily& f) { return f.name == name; });
    if (family == families.end()) family = families.insert(families.end(), kinds_.at(s.family));
    report::MetricPoint p = s.point;
    p.value = s.shown;
    family->points.push_back(std::move(p));
  }
}

}  // namespace perfprobe::app
