// The live analysis keeps, of the events handed to it, only what a figure needs: marker counts as
// counts, boundaries and counter snapshots as events (few: the run loop snapshots at boundaries),
// tokens as arrival times and their gaps in an order-statistics set. Events mostly arrive in time
// order; a token that arrives before one already taken (two sources drained out of step) folds the
// token state again from the kept arrivals, which is rare and keeps the figures exact.
#include "perfprobe/markers/live_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "analysis_parts.hpp"

namespace perfprobe::markers {

LiveAnalysis::LiveAnalysis(AnalysisPlan plan) : plan_(std::move(plan)), generating_(!plan_.tokens_after) {}

void LiveAnalysis::add(RunResult increment) {
  std::vector<Event> events = std::exchange(increment.events, {});
  for (const auto& s : increment.rss) peak_rss_bytes_ = std::max(peak_rss_bytes_, s.rss_bytes);
  rss_.insert(rss_.end(), increment.rss.begin(), increment.rss.end());
  increment.rss.clear();
  peak_rss_bytes_ = std::max(peak_rss_bytes_, increment.peak_rss_bytes);
  now_ = std::move(increment);

  // The increment in time order (ties: timeline order), as analyze() sorts the whole window.
  std::vector<std::size_t> order(events.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return events[a].t_ns < events[b].t_ns; });
  const std::uint64_t first_seq = seq_;
  seq_ += events.size();
  bool out_of_order = false;
  for (const std::size_t i : order) {
    Event& e = events[i];
    const std::uint64_t seq = first_seq + i;
    if (const auto key = marker_key(e); !key.empty()) ++counted_[key];
    const Candidate c{e.t_ns, seq, plan_.is_token(e), plan_.tokens_after && matches(*plan_.tokens_after, e)};
    if (c.token || c.starts_generation) {
      if (!candidates_.empty() && c.t_ns < candidates_.back().t_ns) {
        out_of_order = true;
        const auto at = std::upper_bound(
            candidates_.begin(), candidates_.end(), c,
            [](const Candidate& a, const Candidate& b) { return a.t_ns != b.t_ns ? a.t_ns < b.t_ns : a.seq < b.seq; });
        candidates_.insert(at, c);
      } else {
        candidates_.push_back(c);
      }
    }
    if (e.kind == EventKind::counters || plan_.is_boundary(e)) keep(std::move(e), seq);
  }
  if (out_of_order) restart_tokens();
  for (; taken_ < candidates_.size(); ++taken_) take_candidate(candidates_[taken_]);
}

void LiveAnalysis::keep(Event event, std::uint64_t seq) {
  std::size_t at = kept_.size();
  while (at > 0 && (kept_[at - 1].t_ns > event.t_ns || (kept_[at - 1].t_ns == event.t_ns && kept_seq_[at - 1] > seq)))
    --at;
  kept_.insert(kept_.begin() + static_cast<std::ptrdiff_t>(at), std::move(event));
  kept_seq_.insert(kept_seq_.begin() + static_cast<std::ptrdiff_t>(at), seq);
}

// analyze()'s token loop, one event at a time.
void LiveAnalysis::take_candidate(const Candidate& c) {
  if (c.token && (!plan_.tokens || ++token_matches_ % plan_.tokens->every == 0)) {
    if (generating_) {
      if (!arrivals_.empty()) {
        const std::int64_t gap = c.t_ns - arrivals_.back();
        latencies_.insert(gap);
        latency_sum_ns_ += gap;
      }
      arrivals_.push_back(c.t_ns);
    } else {
      ++prompt_echo_;
    }
  }
  // After the token test: a chunk that is both a token and the start marker is still the prompt's.
  if (!generating_ && c.starts_generation) generating_ = true;
}

void LiveAnalysis::restart_tokens() {
  taken_ = 0;
  token_matches_ = 0;
  generating_ = !plan_.tokens_after;
  prompt_echo_ = 0;
  arrivals_.clear();
  latencies_.clear();
  latency_sum_ns_ = 0;
}

// token_stats' rule: a gap is a stall when it exceeds stall_factor x the median, both in ms.
std::size_t LiveAnalysis::stall_count() const {
  if (latencies_.size() < 3) return 0;
  const double median = latencies_.percentile(50, 1e6);
  const double limit = plan_.stall_factor * median;
  if (!(median > 0) || !(limit * 1e6 < 9e18)) return 0;
  // The largest gap in ns that is not a stall: ns / 1e6 > limit holds exactly above it.
  auto most = static_cast<std::int64_t>(std::floor(limit * 1e6));
  while (static_cast<double>(most) / 1e6 > limit) --most;
  while (static_cast<double>(most + 1) / 1e6 <= limit) ++most;
  return latencies_.count_greater(most);
}

RunResult LiveAnalysis::figures() const {
  RunResult run = now_;
  run.peak_rss_bytes = peak_rss_bytes_;
  // Counted from the events, and at least what the sources counted exactly (analyze's rule).
  const auto exact = std::exchange(run.marker_counts, counted_);
  for (const auto& [key, n] : exact) run.marker_counts[key] = std::max(run.marker_counts[key], n);

  std::vector<const Event*> events;
  events.reserve(kept_.size());
  for (const auto& e : kept_) events.push_back(&e);
  std::optional<SpecHits> ready_hits;
  if (plan_.ready) ready_hits.emplace(*plan_.ready);
  for (const Event* e : events) {
    if (ready_hits ? (*ready_hits)(*e) : plan_.is_ready(*e)) {
      run.startup_ns = e->t_ns;
      break;
    }
  }
  // The samples come in time order: the first at or after t is found by bisection.
  const auto rss = [this](std::int64_t t) -> std::optional<RssSample> {
    if (rss_.empty()) return std::nullopt;
    const auto it =
        std::lower_bound(rss_.begin(), rss_.end(), t, [](const RssSample& s, std::int64_t x) { return s.t_ns < x; });
    return it == rss_.end() ? rss_.back() : *it;
  };
  run.phases = detail::phases_of(plan_, events, run, rss);
  if (!arrivals_.empty() || plan_.tokens || prompt_echo_ > 0) {
    TokenStats t;
    t.count = arrivals_.size();
    t.prompt_echo = prompt_echo_;
    if (!arrivals_.empty()) {
      t.ttft_ns = arrivals_.front();
      const std::int64_t span = arrivals_.back() - arrivals_.front();
      if (span > 0) t.tokens_per_s = static_cast<double>(arrivals_.size() - 1) / (static_cast<double>(span) / 1e9);
    }
    t.stalls.resize(stall_count());
    detail::per_token_costs(events, arrivals_, run, t);
    run.tokens = std::move(t);
  }
  if (!rss_.empty()) run.rss.push_back(rss_.back());
  return run;
}

}  // namespace perfprobe::markers
