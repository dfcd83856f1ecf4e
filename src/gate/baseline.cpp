// Regression against a baseline: a metric regressed when the Mann-Whitney U test says the current
// runs are worse at the chosen confidence AND the medians moved by more than the tolerance. The
// first keeps noise from alarming; the second keeps tiny real changes (detectable with many runs)
// from failing a build. Pure.
#include <cmath>
#include <cstdio>

#include "perfprobe/gate/evaluate.hpp"
#include "perfprobe/stats/summary.hpp"

namespace perfprobe::gate {

namespace {

// Metrics where a larger value is better (everything else: smaller is better).
bool higher_is_better(const std::string& metric) { return metric == "tokens_per_s"; }

// The smallest p-value the exact test can reach with these sizes: 1 / C(n1+n2, n1).
double best_p(std::size_t n1, std::size_t n2) {
  double c = 1;
  for (std::size_t i = 1; i <= n2; ++i) c = c * static_cast<double>(n1 + i) / static_cast<double>(i);
  return 1 / c;
}

RegressionResult compare_metric(const std::string& metric, const std::vector<double>& base,
                                const std::vector<double>& cur, const BaselineSettings& settings) {
  RegressionResult r;
  r.metric = metric;
  r.higher_is_worse = !higher_is_better(metric);
  r.baseline_n = base.size();
  r.current_n = cur.size();
  r.baseline_median = stats::percentile(base, 50);
  r.current_median = stats::percentile(cur, 50);
  if (r.baseline_median != 0) {
    const double ratio = r.current_median / r.baseline_median - 1;
    r.change = r.higher_is_worse ? ratio : -ratio;
  }
  // For "higher is better" metrics, worse means smaller: test the negated values.
  std::vector<double> c = cur, b = base;
  if (!r.higher_is_worse) {
    for (auto& v : c) v = -v;
    for (auto& v : b) v = -v;
  }
  const stats::UTest t = stats::mann_whitney_greater(c, b);
  r.p_value = t.p_value;
  r.method = t.exact ? "exact" : "normal approximation";
  const double alpha = 1 - settings.confidence;
  r.significant = r.p_value < alpha;
  r.regressed = r.significant && r.change > settings.tolerance;
  if (!r.significant && best_p(cur.size(), base.size()) >= alpha) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "inconclusive: %zu vs %zu runs cannot reach %.3g%% confidence; use more --runs",
                  cur.size(), base.size(), settings.confidence * 100);
    r.note = buf;
  } else if (r.significant && !r.regressed) {
    r.note = "significant but within the tolerance";
  }
  return r;
}

}  // namespace

std::vector<RegressionResult> compare_to_baseline(const Samples& baseline, const Samples& current,
                                                  const BaselineSettings& settings) {
  std::vector<RegressionResult> out;
  for (const auto& [metric, cur] : current) {
    const auto it = baseline.find(metric);
    if (it == baseline.end() || it->second.size() < 2 || cur.size() < 2) continue;
    out.push_back(compare_metric(metric, it->second, cur, settings));
  }
  return out;
}

}  // namespace perfprobe::gate
