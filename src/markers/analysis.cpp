// Startup, phases, tokens and marker counts from a finished run's timeline (no syscalls).
#include "perfprobe/markers/analysis.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "analysis_parts.hpp"
#include "perfprobe/stats/summary.hpp"

namespace perfprobe::markers {

namespace {

using Values = std::vector<std::pair<std::string, double>>;

std::vector<const Event*> sorted_events(const std::vector<Event>& events) {
  std::vector<const Event*> out;
  out.reserve(events.size());
  for (const auto& e : events) out.push_back(&e);
  std::stable_sort(out.begin(), out.end(), [](const Event* a, const Event* b) { return a->t_ns < b->t_ns; });
  return out;
}

// Counter values at time t: the first snapshot at or after t, else the final counters.
Values counters_at(const std::vector<const Event*>& events, const RunResult& run, std::int64_t t_ns) {
  for (const Event* e : events) {
    if (e->kind == EventKind::counters && e->t_ns >= t_ns) return e->values;
  }
  Values out;
  for (const auto& c : run.counters) {
    if (c.supported) out.emplace_back(c.name, c.value);
  }
  return out;
}

std::vector<CounterReading> counter_deltas(const Values& from, const Values& to) {
  std::vector<CounterReading> out;
  for (const auto& entry : to) {
    // Not a structured binding: clang 14 cannot capture one in a lambda.
    const auto& [name, end] = entry;
    const auto it = std::find_if(from.begin(), from.end(), [&](const auto& p) { return p.first == entry.first; });
    if (it == from.end()) continue;
    CounterReading c;
    c.name = name;
    c.supported = true;
    c.value = std::max(0.0, end - it->second);
    c.raw = static_cast<std::uint64_t>(c.value);
    if (name == "task-clock" || name == "cpu-clock") c.unit = "ns";
    out.push_back(std::move(c));
  }
  return out;
}

// How a boundary's figures were taken: a marker-API phase or ready mark waited for perfprobe's
// snapshot; a probe's hit has the kernel's records of that instant when they were kept whole.
BoundaryMechanism mechanism_of(const Event& e, const RunResult& run) {
  if (e.source == EventSource::mark &&
      (e.kind == EventKind::phase_begin || e.kind == EventKind::phase_end || e.kind == EventKind::ready))
    return BoundaryMechanism::handshake;
  if ((e.source == EventSource::usdt || e.source == EventSource::uprobe) && run.kernel_records &&
      run.kernel_records->lost == 0)
    return BoundaryMechanism::kernel_records;
  return BoundaryMechanism::snapshot;
}

// The RSS deltas and page faults between two instants from the kernel's records: each address
// space's anon, file and shmem size is that of its last record at or before the instant (0 before
// its first); page faults are `period` per sample in (begin, end].
void from_kernel_records(const KernelRecords& k, PhaseResult& p) {
  using Key = std::pair<std::uint32_t, std::int32_t>;
  std::map<Key, std::int64_t> at_begin;
  std::map<Key, std::int64_t> at_end;
  for (const auto& r : k.rss) {
    if (r.t_ns > p.end_ns) break;
    if (r.t_ns <= p.start_ns) at_begin[{r.mm, r.member}] = r.bytes;
    at_end[{r.mm, r.member}] = r.bytes;
  }
  constexpr std::int32_t kFile = 0;
  constexpr std::int32_t kAnon = 1;
  constexpr std::int32_t kShmem = 3;
  p.rss_delta_bytes = p.rss_anon_delta_bytes = p.rss_file_delta_bytes = 0;
  for (const auto& entry : at_end) {
    const auto it = at_begin.find(entry.first);
    const std::int64_t delta = entry.second - (it == at_begin.end() ? 0 : it->second);
    const std::int32_t member = entry.first.second;
    if (member == kAnon) p.rss_anon_delta_bytes += delta;
    if (member == kFile) p.rss_file_delta_bytes += delta;
    if (member == kAnon || member == kFile || member == kShmem) p.rss_delta_bytes += delta;
  }
  if (!k.faults) return;
  const auto first = std::upper_bound(k.fault_times.begin(), k.fault_times.end(), p.start_ns);
  const auto last = std::upper_bound(k.fault_times.begin(), k.fault_times.end(), p.end_ns);
  const double faults = static_cast<double>(last - first) * static_cast<double>(k.period);
  for (auto& c : p.counters) {
    if (c.name == "page-faults" || c.name == "faults") {
      c.value = faults;
      c.raw = static_cast<std::uint64_t>(faults);
    }
  }
}

PhaseResult make_phase(const std::string& name, std::int64_t begin, std::int64_t end,
                       const std::vector<const Event*>& events, const RunResult& run, const detail::RssLookup& rss) {
  PhaseResult p;
  p.name = name;
  p.start_ns = begin;
  p.end_ns = end;
  const auto a = rss(begin);
  const auto b = rss(end);
  if (a && b) {
    p.rss_delta_bytes = static_cast<std::int64_t>(b->rss_bytes) - static_cast<std::int64_t>(a->rss_bytes);
    p.rss_anon_delta_bytes = static_cast<std::int64_t>(b->anon_bytes) - static_cast<std::int64_t>(a->anon_bytes);
    p.rss_file_delta_bytes = static_cast<std::int64_t>(b->file_bytes) - static_cast<std::int64_t>(a->file_bytes);
  }
  p.counters = counter_deltas(counters_at(events, run, begin), counters_at(events, run, end));
  return p;
}

// Both ends taken the same exact way, or the phase is as late as a snapshot.
void set_mechanism(const Event& begin, const Event& end, const RunResult& run, PhaseResult& p) {
  const BoundaryMechanism a = mechanism_of(begin, run);
  p.boundary = a == mechanism_of(end, run) ? a : BoundaryMechanism::snapshot;
  if (p.boundary == BoundaryMechanism::kernel_records) from_kernel_records(*run.kernel_records, p);
}

// Pairs each begin with the next end (a begin while open is ignored: phases do not nest in themselves).
void explicit_phases(const PhaseSpec& spec, const std::vector<const Event*>& events, const RunResult& run,
                     const detail::RssLookup& rss, std::vector<PhaseResult>& out) {
  const Event* open = nullptr;
  SpecHits begin(spec.begin);
  SpecHits end(spec.end);
  for (const Event* e : events) {
    const bool is_begin = begin(*e);  // both counted on every event, so /N counts every hit
    const bool is_end = end(*e);
    if (!open && is_begin) {
      open = e;
    } else if (open && is_end) {
      out.push_back(make_phase(spec.name, open->t_ns, e->t_ns, events, run, rss));
      set_mechanism(*open, *e, run, out.back());
      open = nullptr;
    }
  }
}

void api_phases(const std::vector<const Event*>& events, const RunResult& run, const detail::RssLookup& rss,
                std::vector<PhaseResult>& out) {
  std::vector<std::pair<std::string, const Event*>> open;
  for (const Event* e : events) {
    if (e->source != EventSource::mark && e->source != EventSource::drive) continue;  // the marker API, --drive
    if (e->kind == EventKind::phase_begin) {
      const std::string name = e->name.substr(0, e->name.size() - 6);  // strip ".begin"
      open.emplace_back(name, e);
    } else if (e->kind == EventKind::phase_end) {
      const std::string name = e->name.substr(0, e->name.size() - 4);  // strip ".end"
      const auto it = std::find_if(open.rbegin(), open.rend(), [&](const auto& p) { return p.first == name; });
      if (it == open.rend()) continue;
      out.push_back(make_phase(name, it->second->t_ns, e->t_ns, events, run, rss));
      set_mechanism(*it->second, *e, run, out.back());
      open.erase(std::next(it).base());
    }
  }
}

}  // namespace

namespace detail {

std::vector<PhaseResult> phases_of(const AnalysisPlan& plan, const std::vector<const Event*>& events,
                                   const RunResult& run, const RssLookup& rss) {
  std::vector<PhaseResult> out;
  api_phases(events, run, rss, out);
  for (const auto& spec : plan.phases) explicit_phases(spec, events, run, rss, out);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.start_ns < b.start_ns; });
  return out;
}

// The decode's counters run from the first reading at or after the first token (a snapshot perfprobe
// takes when it sees that token, which may come late when it is busy) to the end; they are divided
// by the tokens inside that same span, so a late reading shortens the span, never biases the cost.
void per_token_costs(const std::vector<const Event*>& events, const std::vector<std::int64_t>& tokens,
                     const RunResult& run, TokenStats& t) {
  if (!t.ttft_ns || t.count < 2) return;
  const auto first_reading = std::find_if(events.begin(), events.end(), [&](const Event* e) {
    return e->kind == EventKind::counters && e->t_ns >= *t.ttft_ns;
  });
  if (first_reading != events.end()) {
    const std::int64_t from = (*first_reading)->t_ns;
    // Tokens are in time order: those after `from` are a suffix.
    const auto after = tokens.end() - std::upper_bound(tokens.begin(), tokens.end(), from);
    const auto n = static_cast<double>(after);
    if (after > 0) {
      const auto decode = counter_deltas((*first_reading)->values, counters_at(events, run, run.wall_ns + 1));
      for (const auto& c : decode) {
        if (c.name == "task-clock") t.per_token["cpu_ms"] = c.value / 1e6 / n;
        if (c.name == "instructions" || c.name == "cycles") t.per_token[c.name] = c.value / n;
      }
    }
  }
  if (t.per_token.count("cpu_ms") == 0 && t.count > 0) {
    // No task-clock: rusage CPU time of the whole run, spread over all tokens (an upper bound).
    t.per_token["cpu_ms_whole_run"] =
        static_cast<double>(run.user_ns + run.sys_ns) / 1e6 / static_cast<double>(t.count);
  }
}

}  // namespace detail

bool AnalysisPlan::is_ready(const Event& e) const {
  return ready ? matches(*ready, e) : (e.source == EventSource::mark && e.kind == EventKind::ready);
}

bool AnalysisPlan::is_token(const Event& e) const {
  return tokens ? matches(*tokens, e) : (e.source == EventSource::mark && e.kind == EventKind::token);
}

bool AnalysisPlan::is_boundary(const Event& e) const {
  if (e.kind == EventKind::ready || e.kind == EventKind::phase_begin || e.kind == EventKind::phase_end) return true;
  if (e.kind == EventKind::rss || e.kind == EventKind::counters) return false;
  if (is_ready(e)) return true;
  return std::any_of(phases.begin(), phases.end(),
                     [&](const PhaseSpec& p) { return matches(p.begin, e) || matches(p.end, e); });
}

std::optional<RssSample> rss_at(const std::vector<RssSample>& samples, std::int64_t t_ns) {
  std::optional<RssSample> before;
  for (const auto& s : samples) {
    if (s.t_ns >= t_ns) return s;
    before = s;
  }
  return before;
}

TokenStats token_stats(const std::vector<std::int64_t>& arrivals, double stall_factor) {
  TokenStats t;
  t.count = arrivals.size();
  if (arrivals.empty()) return t;
  t.ttft_ns = arrivals.front();
  for (std::size_t i = 1; i < arrivals.size(); ++i) {
    t.latency_ms.push_back(static_cast<double>(arrivals[i] - arrivals[i - 1]) / 1e6);
  }
  const std::int64_t span = arrivals.back() - arrivals.front();
  if (span > 0) t.tokens_per_s = static_cast<double>(arrivals.size() - 1) / (static_cast<double>(span) / 1e9);
  if (t.latency_ms.size() >= 3) {
    const double median = stats::percentile(t.latency_ms, 50);
    for (std::size_t i = 0; i < t.latency_ms.size(); ++i) {
      if (median > 0 && t.latency_ms[i] > stall_factor * median)
        t.stalls.push_back(Stall{i + 1, arrivals[i + 1], t.latency_ms[i]});
    }
  }
  return t;
}

// One request at a time (a server with one slot): a request is answered by the first token before the
// next request starts; with requests served concurrently a token cannot be told apart, so none is guessed.
RequestStats request_stats(const std::vector<std::int64_t>& requests_ns, const std::vector<std::int64_t>& tokens_ns) {
  RequestStats r;
  r.count = requests_ns.size();
  for (std::size_t i = 0; i < requests_ns.size(); ++i) {
    const auto first = std::lower_bound(tokens_ns.begin(), tokens_ns.end(), requests_ns[i]);
    if (first == tokens_ns.end()) break;
    if (i + 1 < requests_ns.size() && *first >= requests_ns[i + 1]) continue;
    r.ttft_ms.push_back(static_cast<double>(*first - requests_ns[i]) / 1e6);
  }
  return r;
}

void analyze(const AnalysisPlan& plan, RunResult& run) {
  const auto events = sorted_events(run.events);
  // Sources that count exactly (the marker API's per-site counters, lost USDT records) put their
  // counts in first; the timeline may hold fewer events than that, never more.
  const auto exact = std::exchange(run.marker_counts, {});
  run.phases.clear();
  std::vector<std::int64_t> tokens;
  std::vector<std::int64_t> requests;
  std::uint64_t prompt_echo = 0;
  bool generating = !plan.tokens_after;
  // A /N spec counts every Nth hit, so ready and tokens are counted over the run's events in order.
  std::optional<SpecHits> ready_hits;
  std::optional<SpecHits> token_hits;
  if (plan.ready) ready_hits.emplace(*plan.ready);
  std::optional<SpecHits> request_hits;
  if (plan.tokens) token_hits.emplace(*plan.tokens);
  if (plan.request) request_hits.emplace(*plan.request);
  for (const Event* e : events) {
    if (request_hits && (*request_hits)(*e)) requests.push_back(e->t_ns);
    if (const auto key = marker_key(*e); !key.empty()) ++run.marker_counts[key];
    const bool ready = ready_hits ? (*ready_hits)(*e) : plan.is_ready(*e);
    if (ready && !run.startup_ns) run.startup_ns = e->t_ns;
    if (token_hits ? (*token_hits)(*e) : plan.is_token(*e)) {
      if (generating)
        tokens.push_back(e->t_ns);
      else
        ++prompt_echo;
    }
    // After the token test: a chunk that is both a token and the start marker is still the prompt's.
    if (!generating && matches(*plan.tokens_after, *e)) generating = true;
  }
  for (const auto& [key, n] : exact) run.marker_counts[key] = std::max(run.marker_counts[key], n);
  run.phases = detail::phases_of(plan, events, run, [&](std::int64_t t) { return rss_at(run.rss, t); });
  if (!tokens.empty() || plan.tokens || prompt_echo > 0) {
    TokenStats t = token_stats(tokens, plan.stall_factor);
    t.prompt_echo = prompt_echo;
    detail::per_token_costs(events, tokens, run, t);
    run.tokens = std::move(t);
  }
  if (plan.request) run.requests = request_stats(requests, tokens);
}

}  // namespace perfprobe::markers
