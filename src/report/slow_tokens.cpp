// Slow tokens explained: each token's interval (previous token -> this one) matched with the samples
// taken in it, so a slow token shows what the target did meanwhile, next to what the other tokens did.
// Pure: fed with the run's token figures and the symbolized samples (docs/record.md, "Tokens").
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>

#include "perfprobe/report/profile_report.hpp"
#include "perfprobe/stats/summary.hpp"

namespace perfprobe::report {

namespace {

// The run keeps the first token's time and the latencies after it: the arrivals follow exactly,
// since each latency is a difference of integer nanoseconds divided by 1e6.
std::vector<std::int64_t> arrivals(const TokenStats& t) {
  std::vector<std::int64_t> out;
  if (!t.ttft_ns) return out;
  out.push_back(*t.ttft_ns);
  for (const double ms : t.latency_ms) out.push_back(out.back() + static_cast<std::int64_t>(std::llround(ms * 1e6)));
  return out;
}

// CPU time one sample stands for: the timer's period for cpu-clock, else 1/frequency (the kernel
// adjusts a frequency-mode period to give that many samples per second of CPU time).
double sample_interval_ms(const ResolvedProfile& p) {
  if (p.frequency_hz > 0) return 1000.0 / static_cast<double>(p.frequency_hz);
  if (p.event == "cpu-clock" || p.event == "task-clock") return static_cast<double>(p.period) / 1e6;
  return 0;
}

class Intervals {
 public:
  explicit Intervals(const ResolvedProfile& p) {
    for (const auto& s : p.samples) by_time_.push_back(&s);
    std::sort(by_time_.begin(), by_time_.end(), [](const auto* a, const auto* b) { return a->t_ns < b->t_ns; });
  }

  // Samples with start <= t < end, appended to `out`.
  void collect(std::int64_t start, std::int64_t end, std::vector<const ResolvedSample*>& out) const {
    const auto lo = std::lower_bound(by_time_.begin(), by_time_.end(), start,
                                     [](const ResolvedSample* s, std::int64_t t) { return s->t_ns < t; });
    for (auto it = lo; it != by_time_.end() && (*it)->t_ns < end; ++it) out.push_back(*it);
  }

 private:
  std::vector<const ResolvedSample*> by_time_;
};

// The callers of `leaf` seen most often under it (up to three, nearest first, recursion skipped,
// none beyond main: the C library's start code under it says nothing).
std::vector<std::string> top_chain(const ResolvedProfile& p, const std::vector<const ResolvedSample*>& samples,
                                   const std::string& leaf) {
  std::map<std::vector<std::string>, std::uint64_t> chains;
  for (const auto* s : samples) {
    const auto& stack = p.stack_of(*s);
    if (stack.empty() || p.frames[stack.front()].function != leaf) continue;
    std::vector<std::string> chain;
    std::string previous = leaf;
    for (std::size_t i = 1; i < stack.size() && chain.size() < 3; ++i) {
      const auto& name = p.frames[stack[i]].function;
      if (name != previous) chain.push_back(name);
      if (name == "main") break;
      previous = name;
    }
    ++chains[chain];
  }
  const auto best =
      std::max_element(chains.begin(), chains.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return best == chains.end() ? std::vector<std::string>{} : best->first;
}

// RSS growth from the last RSS sample at or before `start` to the first at or after `end`.
std::int64_t rss_growth(const std::vector<RssSample>& rss, std::int64_t start, std::int64_t end) {
  const RssSample* before = nullptr;
  const RssSample* after = nullptr;
  for (const auto& r : rss) {
    if (r.t_ns <= start) before = &r;
    if (r.t_ns >= end && after == nullptr) after = &r;
  }
  if (before == nullptr || after == nullptr) return 0;
  return static_cast<std::int64_t>(after->rss_bytes) - static_cast<std::int64_t>(before->rss_bytes);
}

struct Context {
  const ResolvedProfile& profile;
  const RunResult& run;
  const TokenOptions& options;
  Intervals intervals;
  double interval_ms;
};

TokenActivity activity(const Context& c, const std::vector<const ResolvedSample*>& samples, std::uint64_t tokens) {
  TokenActivity a;
  a.tokens = tokens;
  a.samples = samples.size();
  a.cpu_ms =
      static_cast<double>(samples.size()) * c.interval_ms / static_cast<double>(std::max<std::uint64_t>(tokens, 1));
  // Functions where the samples were, by self share: a caller with no samples of its own says nothing.
  a.functions = top_functions(c.profile, samples, SIZE_MAX);
  std::erase_if(a.functions, [](const FunctionStat& f) { return f.self_samples == 0; });
  if (a.functions.size() > c.options.functions) a.functions.resize(c.options.functions);
  if (!a.functions.empty()) a.chain = top_chain(c.profile, samples, a.functions.front().name);
  return a;
}

TokenActivity one_token(const Context& c, const std::vector<std::int64_t>& at, std::size_t index, bool stall) {
  std::vector<const ResolvedSample*> in;
  c.intervals.collect(at[index - 1], at[index], in);
  TokenActivity a = activity(c, in, 1);
  a.index = index;
  a.start_ns = at[index - 1];
  a.end_ns = at[index];
  a.latency_ms = static_cast<double>(at[index] - at[index - 1]) / 1e6;
  a.stall = stall;
  a.rss_growth_bytes = rss_growth(c.run.rss, a.start_ns, a.end_ns);
  return a;
}

// The tokens to explain: the `slowest` by latency, and every stall.
std::vector<std::size_t> listed_tokens(const TokenStats& t, std::size_t slowest) {
  std::vector<std::size_t> by_latency;
  for (std::size_t i = 1; i <= t.latency_ms.size(); ++i) by_latency.push_back(i);
  std::stable_sort(by_latency.begin(), by_latency.end(),
                   [&](std::size_t a, std::size_t b) { return t.latency_ms[a - 1] > t.latency_ms[b - 1]; });
  std::set<std::size_t> listed(by_latency.begin(),
                               by_latency.begin() + static_cast<std::ptrdiff_t>(std::min(slowest, by_latency.size())));
  for (const auto& s : t.stalls) {
    if (s.index >= 1 && s.index <= t.latency_ms.size()) listed.insert(s.index);
  }
  std::vector<std::size_t> out;
  for (const auto i : by_latency) {
    if (listed.contains(i)) out.push_back(i);
  }
  return out;
}

TokenActivity typical_token(const Context& c, const std::vector<std::int64_t>& at,
                            const std::set<std::size_t>& listed) {
  std::vector<const ResolvedSample*> in;
  std::vector<double> latencies;
  for (std::size_t i = 1; i < at.size(); ++i) {
    if (listed.contains(i)) continue;
    c.intervals.collect(at[i - 1], at[i], in);
    latencies.push_back(static_cast<double>(at[i] - at[i - 1]) / 1e6);
  }
  TokenActivity a = activity(c, in, latencies.size());
  a.latency_ms = latencies.empty() ? 0 : stats::percentile(latencies, 50);
  return a;
}

void decode_cost(const Context& c, const std::vector<std::int64_t>& at, TokenReport& r) {
  if (at.size() < 2) return;
  std::vector<const ResolvedSample*> in;
  c.intervals.collect(at.front(), at.back(), in);
  r.decode_samples = in.size();
  r.cpu_ms_sampled = static_cast<double>(in.size()) * c.interval_ms / static_cast<double>(at.size() - 1);
}

std::uint64_t faults_within(const std::vector<std::int64_t>& times, std::int64_t start, std::int64_t end) {
  const auto lo = std::lower_bound(times.begin(), times.end(), start);
  return static_cast<std::uint64_t>(std::lower_bound(lo, times.end(), end) - lo);
}

// Per token: a pooled entry's figures are its tokens' sums divided by how many.
void set_waits(const ResolvedProfile& p, TokenActivity& a, ScopeWaits w, std::uint64_t faults) {
  const auto n = static_cast<double>(std::max<std::uint64_t>(a.tokens, 1));
  if (p.off_cpu_recorded) {
    for (double* v : {&w.wall.wall_ms, &w.wall.on_cpu_ms, &w.wall.spin_wait_ms, &w.wall.off_cpu_ms}) *v /= n;
    for (auto& v : w.wall.reason_ms) v /= n;
    if (w.top_wait) w.top_wait->ms /= n;
    a.wall = w.wall;
    a.top_wait = std::move(w.top_wait);
  }
  if (p.major_faults_recorded) a.major_faults = static_cast<double>(faults) / n;
}

// On and off CPU over each listed token's interval and over the other tokens' (docs/record.md,
// "Tokens"), with the major faults counted in them.
void add_waits(const ResolvedProfile& p, const std::vector<std::int64_t>& at, const std::set<std::size_t>& listed,
               TokenReport& r) {
  if (!p.off_cpu_recorded && !p.major_faults_recorded) return;
  std::vector<std::vector<TimeRange>> scopes;
  scopes.reserve(r.slowest.size() + 1);
  for (const auto& a : r.slowest) scopes.push_back({TimeRange{a.start_ns, a.end_ns}});
  std::vector<TimeRange> others;
  std::uint64_t other_faults = 0;
  for (std::size_t i = 1; i < at.size(); ++i) {
    if (listed.contains(i)) continue;
    others.push_back({at[i - 1], at[i]});
    other_faults += faults_within(p.major_fault_times, at[i - 1], at[i]);
  }
  scopes.push_back(std::move(others));
  auto waits = scope_waits(p, scopes);
  for (std::size_t i = 0; i < r.slowest.size(); ++i) {
    auto& a = r.slowest[i];
    set_waits(p, a, std::move(waits[i]), faults_within(p.major_fault_times, a.start_ns, a.end_ns));
  }
  if (r.typical) set_waits(p, *r.typical, std::move(waits.back()), other_faults);
}

}  // namespace

std::optional<TokenReport> explain_tokens(const ResolvedProfile& profile, const RunResult& run,
                                          const TokenOptions& options) {
  if (!run.tokens || run.tokens->count == 0) return std::nullopt;
  const TokenStats& t = *run.tokens;
  const Context c{profile, run, options, Intervals(profile), sample_interval_ms(profile)};
  TokenReport r;
  r.count = t.count;
  r.per_token = t.per_token;
  r.sample_interval_ms = c.interval_ms;
  if (!t.latency_ms.empty()) r.median_ms = stats::percentile(t.latency_ms, 50);
  const auto at = arrivals(t);
  if (at.size() != t.latency_ms.size() + 1) return r;
  decode_cost(c, at, r);
  std::set<std::size_t> stalls;
  for (const auto& s : t.stalls) stalls.insert(s.index);
  const auto listed = listed_tokens(t, options.slowest);
  for (const auto i : listed) r.slowest.push_back(one_token(c, at, i, stalls.contains(i)));
  const std::set<std::size_t> listed_set(listed.begin(), listed.end());
  if (listed.size() < t.latency_ms.size()) r.typical = typical_token(c, at, listed_set);
  add_waits(profile, at, listed_set, r);
  return r;
}

}  // namespace perfprobe::report
