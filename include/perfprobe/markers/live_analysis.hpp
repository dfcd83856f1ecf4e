// The analysis of a window that is still open (attach --serve), fed in increments: what analyze()
// says of all the events so far, at a cost per increment that follows what is new in it rather
// than the whole window (docs/exports.md, "Freshness").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "perfprobe/markers/analysis.hpp"
#include "perfprobe/model.hpp"
#include "perfprobe/stats/order_statistics.hpp"

namespace perfprobe::markers {

class LiveAnalysis {
 public:
  explicit LiveAnalysis(AnalysisPlan plan);
  LiveAnalysis(const LiveAnalysis&) = delete;
  LiveAnalysis& operator=(const LiveAnalysis&) = delete;

  // `increment` holds the events that came since the previous increment, in the timeline's order,
  // the RSS samples likewise, and the rest (times, counters read now, exact marker counts, peaks)
  // as it stands now.
  void add(RunResult increment);

  // analyze()'s figures of everything added so far, but lean: no events, the last RSS sample only,
  // tokens->latency_ms empty (latency_percentile_ms() and the sums below give them) and
  // tokens->stalls as many empty entries as there are stalls (only their count is kept).
  [[nodiscard]] RunResult figures() const;

  // The inter-token latencies so far: stats::percentile's value over tokens->latency_ms.
  [[nodiscard]] double latency_percentile_ms(double q) const { return latencies_.percentile(q, 1e6); }
  [[nodiscard]] std::size_t latency_count() const noexcept { return latencies_.size(); }
  [[nodiscard]] double latency_sum_ms() const noexcept { return static_cast<double>(latency_sum_ns_) / 1e6; }

 private:
  // An event that may be a token or may start the generation (--tokens-after): all the token
  // figures need of it. `seq` is its place in the timeline, which breaks ties of time.
  struct Candidate {
    std::int64_t t_ns = 0;
    std::uint64_t seq = 0;
    bool token = false;
    bool starts_generation = false;
  };
  void keep(Event event, std::uint64_t seq);
  void take_candidate(const Candidate& c);
  void restart_tokens();
  [[nodiscard]] std::size_t stall_count() const;

  AnalysisPlan plan_;
  RunResult now_;  // the latest increment's figures as they stand, without events and samples
  std::vector<RssSample> rss_;
  std::uint64_t peak_rss_bytes_ = 0;
  std::uint64_t seq_ = 0;                         // events taken so far
  std::map<std::string, std::uint64_t> counted_;  // marker hits counted from the events
  std::vector<Event> kept_;                       // boundaries and counter snapshots, time order
  std::vector<std::uint64_t> kept_seq_;           // their places in the timeline
  std::vector<Candidate> candidates_;             // time order
  std::size_t taken_ = 0;                         // candidates_ folded into the token state
  std::uint64_t token_matches_ = 0;               // for a /N token spec
  bool generating_ = true;                        // false until --tokens-after's marker
  std::uint64_t prompt_echo_ = 0;
  std::vector<std::int64_t> arrivals_;  // tokens, ascending
  stats::OrderStatistics latencies_;    // ns between consecutive arrivals
  std::int64_t latency_sum_ns_ = 0;
};

}  // namespace perfprobe::markers
