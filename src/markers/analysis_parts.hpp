// The parts of a timeline's analysis that the final analysis (analysis.cpp) and the live one of an
// open window (live_analysis.cpp) share, so that both say the same of the same events.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "perfprobe/markers/analysis.hpp"
#include "perfprobe/model.hpp"

namespace perfprobe::markers::detail {

// The RSS at a time (rss_at's rule), over whatever keeps the samples.
using RssLookup = std::function<std::optional<RssSample>(std::int64_t)>;

// The marker API's phases and those of plan.phases over `events` (time order), by start time. Only
// the boundary events and the counter snapshots among `events` matter.
[[nodiscard]] std::vector<PhaseResult> phases_of(const AnalysisPlan& plan, const std::vector<const Event*>& events,
                                                 const RunResult& run, const RssLookup& rss);

// Fills t.per_token from the counter snapshots among `events` (time order) and the token arrivals
// (ascending); run.counters are the counters at the end.
void per_token_costs(const std::vector<const Event*>& events, const std::vector<std::int64_t>& tokens,
                     const RunResult& run, TokenStats& t);

}  // namespace perfprobe::markers::detail
