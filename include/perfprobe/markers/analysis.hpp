// Analysis of one run's timeline (pure, docs/architecture.md step 5): startup, phases with their RSS and
// counter deltas, tokens with time to first token, inter-token latency and stalls, marker counts.
#pragma once

#include <optional>
#include <vector>

#include "perfprobe/markers/spec.hpp"
#include "perfprobe/model.hpp"

namespace perfprobe::markers {

struct AnalysisPlan {
  std::optional<MarkerSpec> ready;   // default: the marker API's PERFPROBE_READY()
  std::vector<PhaseSpec> phases;     // in addition to the marker API's PHASE_BEGIN/END pairs
  std::optional<MarkerSpec> tokens;  // default: the marker API's PERFPROBE_TOKEN()
  // Tokens before the first hit of this spec are the prompt's echo: counted apart, not in TTFT.
  std::optional<MarkerSpec> tokens_after;
  std::optional<MarkerSpec> request;  // --request: where each request starts (TTFT per request)
  double stall_factor = 3.0;          // a token is a stall when its latency exceeds this x the median

  // The one rule for what an event means, shared by the analysis and the run loop.
  [[nodiscard]] bool is_ready(const Event& e) const;
  [[nodiscard]] bool is_token(const Event& e) const;
  // A phase begins or ends, or the target is ready: the run loop snapshots RSS and counters at once.
  [[nodiscard]] bool is_boundary(const Event& e) const;
};

// Fills run.startup_ns, phases, tokens and marker_counts from run.events, run.rss and the
// counter snapshots (events of kind counters) taken at marker hits.
void analyze(const AnalysisPlan& plan, RunResult& run);

// Token figures from arrival times (ns since exec, ascending).
[[nodiscard]] TokenStats token_stats(const std::vector<std::int64_t>& arrivals_ns, double stall_factor);

// Each request's time to its first token: the first token at or after the request's marker. Both
// lists in ns, ascending; a request with no token after it is not answered (not in ttft_ms).
[[nodiscard]] RequestStats request_stats(const std::vector<std::int64_t>& requests_ns,
                                         const std::vector<std::int64_t>& tokens_ns);

// The RSS at time t: the first sample at or after t, else the last one before it.
[[nodiscard]] std::optional<RssSample> rss_at(const std::vector<RssSample>& samples, std::int64_t t_ns);

}  // namespace perfprobe::markers
