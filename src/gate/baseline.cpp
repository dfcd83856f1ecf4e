// One metric compared between two sets of runs (check --baseline, compare). A change counts only
// when the Mann-Whitney U test confirms it at the chosen confidence AND the medians moved by more
// than the relative tolerance AND by more than the floor: the larger of the metric's absolute floor
// and the runs' own spread (either side's interquartile range). The test keeps run-to-run noise from
// alarming, the tolerance keeps tiny real changes from failing a build, and the floor keeps what the
// machine does between two invocations (a 0.3 ms drift of a 1 ms program) from reading as a
// regression (docs/check.md). Pure.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "perfprobe/gate/evaluate.hpp"
#include "perfprobe/stats/summary.hpp"

namespace perfprobe::gate {

namespace {

// The smallest p-value the exact test can reach with these sizes: 1 / C(n1+n2, n1).
double best_p(std::size_t n1, std::size_t n2) {
  double c = 1;
  for (std::size_t i = 1; i <= n2; ++i) c = c * static_cast<double>(n1 + i) / static_cast<double>(i);
  return 1 / c;
}

std::vector<double> negated(std::vector<double> v) {
  for (auto& x : v) x = -x;
  return v;
}

std::string add_runs_hint(std::size_t n_base, std::size_t n_cur, double confidence) {
  char buf[200];
  if (best_p(n_cur, n_base) >= 1 - confidence) {
    std::snprintf(buf, sizeof buf, "%zu vs %zu runs cannot reach %.3g%% confidence: add runs (--runs)", n_base, n_cur,
                  confidence * 100);
  } else {
    std::snprintf(buf, sizeof buf, "not confirmed at %.3g%% confidence: add runs (--runs) to decide", confidence * 100);
  }
  return buf;
}

// The spread of the middle half of some runs (type-7 quartiles, as every percentile here).
double interquartile_range(const std::vector<double>& v) {
  return v.size() < 2 ? 0 : stats::percentile(v, 75) - stats::percentile(v, 25);
}

}  // namespace

RegressionResult compare_metric(const metrics::MetricId& id, const std::vector<double>& base,
                                const std::vector<double>& cur, const BaselineSettings& settings) {
  RegressionResult r;
  r.metric = id.key();
  r.label = id.label();
  r.unit = id.unit();
  r.floor = id.metric->floor;
  r.higher_is_worse = !id.higher_is_better();
  r.baseline_n = base.size();
  r.current_n = cur.size();
  if (base.empty() || cur.empty()) return r;
  r.baseline_median = stats::percentile(base, 50);
  r.current_median = stats::percentile(cur, 50);
  if (r.baseline_median != 0) r.change = r.current_median / r.baseline_median - 1;
  r.worse_by = r.higher_is_worse ? r.change : -r.change;
  // Two checks taken minutes apart differ by more than their runs' noise (frequency, neighbours, where
  // the heap lands): the test, which sees only run-to-run noise, confirms such a drift. A shift smaller
  // than either side's own spread is within what the machine does; beyond it the sides' middle halves
  // part (docs/check.md).
  r.spread = std::max(interquartile_range(base), interquartile_range(cur));
  const double moved = std::fabs(r.current_median - r.baseline_median);
  const bool beyond_tolerance = std::fabs(r.change) > settings.tolerance && moved > r.floor && r.baseline_median != 0;
  const bool beyond = beyond_tolerance && moved > r.spread;
  const double alpha = 1 - settings.confidence;
  if (base.size() >= 2 && cur.size() >= 2) {
    // "Worse" is larger for lower-is-better figures and smaller for the others: test accordingly.
    const auto worse = r.higher_is_worse ? stats::mann_whitney_greater(cur, base)
                                         : stats::mann_whitney_greater(negated(cur), negated(base));
    const auto better = r.higher_is_worse ? stats::mann_whitney_greater(negated(cur), negated(base))
                                          : stats::mann_whitney_greater(cur, base);
    r.p_value = worse.p_value;
    r.p_better = better.p_value;
    r.method = worse.exact ? "exact" : "normal approximation";
  } else {
    r.method = "none";
  }
  r.significant = r.p_value < alpha;
  if (!beyond) {
    r.outcome = Outcome::same;
    if (r.significant || r.p_better < alpha) {
      r.note = beyond_tolerance ? "significant but within the runs' spread" : "significant but within the tolerance";
    }
  } else if (r.worse_by > 0 && r.significant) {
    r.outcome = Outcome::regressed;
  } else if (r.worse_by < 0 && r.p_better < alpha) {
    r.outcome = Outcome::improved;
  } else {
    r.outcome = Outcome::inconclusive;
    r.note = r.method == "none" ? "a single run on one side: add runs (--runs) to test the change"
                                : add_runs_hint(base.size(), cur.size(), settings.confidence);
  }
  r.regressed = r.outcome == Outcome::regressed;
  return r;
}

std::vector<RegressionResult> compare_to_baseline(const Samples& baseline, const Samples& current,
                                                  const BaselineSettings& settings) {
  std::vector<RegressionResult> out;
  for (const auto& [key, cur] : current) {
    const auto id = metrics::find(key);
    if (!id || !id->metric->gated) continue;
    const auto it = baseline.find(id->key());
    if (it == baseline.end() || it->second.size() < 2 || cur.size() < 2) continue;
    out.push_back(compare_metric(*id, it->second, cur, settings));
  }
  return out;
}

bool any_regressed(const std::vector<RegressionResult>& results) {
  return std::any_of(results.begin(), results.end(), [](const RegressionResult& r) { return r.regressed; });
}

void confirm_regressions(std::vector<RegressionResult>& first, const std::vector<RegressionResult>& round,
                         std::size_t round_number) {
  for (auto& r : first) {
    if (!r.regressed) continue;
    const auto again =
        std::find_if(round.begin(), round.end(), [&r](const RegressionResult& x) { return x.metric == r.metric; });
    if (again != round.end() && again->regressed) continue;
    char buf[192];
    if (again == round.end()) {
      std::snprintf(buf, sizeof buf, "not confirmed: confirmation round %zu did not measure it", round_number);
    } else {
      std::snprintf(
          buf, sizeof buf,
          "not confirmed: confirmation round %zu of %zu runs moved it %+.1f%% (p=%.2g): was the machine busy?",
          round_number, again->current_n, again->change * 100, again->p_value);
    }
    r.outcome = Outcome::inconclusive;
    r.regressed = false;
    r.note = buf;
  }
}

}  // namespace perfprobe::gate
