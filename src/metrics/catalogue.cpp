// The catalogue's rows and the lookups over them. Adding a metric is adding a row here; every view,
// the gate, compare and the exports pick it up (docs/metrics.md).
#include "perfprobe/metrics/catalogue.hpp"

#include <algorithm>

namespace perfprobe::metrics {

namespace {

using Value = std::optional<double>;

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

// Sum over the phases of that name: a phase that repeats within a run counts as its total.
Value phase_sum(const RunResult& r, const std::string& name, double (*of)(const PhaseResult&)) {
  Value total;
  for (const auto& p : r.phases) {
    if (p.name == name) total = total.value_or(0) + of(p);
  }
  return total;
}

Value first_phase_start(const RunResult& r, const std::string& name) {
  for (const auto& p : r.phases) {
    if (p.name == name) return ms(p.start_ns);
  }
  return std::nullopt;
}

bool has_rate(const RunResult& r) { return r.tokens && r.tokens->count >= 2; }
bool has_latencies(const RunResult& r) { return r.tokens && !r.tokens->latency_ms.empty(); }

Value latency_pct(const RunResult& r, double q) {
  if (!has_latencies(r)) return std::nullopt;
  return stats::percentile(r.tokens->latency_ms, q);
}

constexpr double kTimeFloorMs = 0.25;
constexpr double kTokenTimeFloorMs = 0.1;
constexpr double kBytesFloor = 512.0 * 1024;

std::vector<Metric> make_catalogue() {
  std::vector<Metric> c;
  const auto row = [&](Metric m) { c.push_back(m); };
  // The run as a whole.
  row({"wall_ms", "", "wall", Unit::ms, Better::lower, Family::run, kTimeFloorMs, "wall_p95", BudgetStat::p95, true,
       [](const RunResult& r, const std::string&) -> Value { return ms(r.wall_ns); }});
  row({"user_ms", "", "user", Unit::ms, Better::lower, Family::run, kTimeFloorMs, "", BudgetStat::none, false,
       [](const RunResult& r, const std::string&) -> Value { return ms(r.user_ns); }});
  row({"sys_ms", "", "sys", Unit::ms, Better::lower, Family::run, kTimeFloorMs, "", BudgetStat::none, false,
       [](const RunResult& r, const std::string&) -> Value { return ms(r.sys_ns); }});
  row({"peak_rss_bytes", "", "peak RSS", Unit::bytes, Better::lower, Family::run, kBytesFloor, "peak_rss",
       BudgetStat::max, true,
       [](const RunResult& r, const std::string&) -> Value { return static_cast<double>(r.peak_rss_bytes); }});
  row({"peak_tree_rss_bytes", "", "peak tree RSS", Unit::bytes, Better::lower, Family::run, kBytesFloor, "",
       BudgetStat::none, false, [](const RunResult& r, const std::string&) -> Value {
         if (r.rss.empty() && r.peak_tree_rss_bytes == 0) return std::nullopt;
         return static_cast<double>(r.peak_tree_rss_bytes);
       }});
  row({"startup_ms", "", "startup", Unit::ms, Better::lower, Family::run, kTimeFloorMs, "startup_p95", BudgetStat::p95,
       true, [](const RunResult& r, const std::string&) -> Value {
         if (!r.startup_ns) return std::nullopt;
         return ms(*r.startup_ns);
       }});
  // Tokens (summary.tokens in the JSON).
  row({"count", "tokens", "tokens", Unit::count, Better::higher, Family::run, 1, "", BudgetStat::none, false,
       [](const RunResult& r, const std::string&) -> Value {
         if (!r.tokens) return std::nullopt;
         return static_cast<double>(r.tokens->count);
       }});
  row({"ttft_ms", "tokens", "time to first token", Unit::ms, Better::lower, Family::run, kTimeFloorMs, "",
       BudgetStat::none, true, [](const RunResult& r, const std::string&) -> Value {
         if (!r.tokens || !r.tokens->ttft_ns) return std::nullopt;
         return ms(*r.tokens->ttft_ns);
       }});
  row({"tokens_per_s", "tokens", "tokens/s", Unit::per_s, Better::higher, Family::run, 0.1, "tokens_per_s_min",
       BudgetStat::median, true, [](const RunResult& r, const std::string&) -> Value {
         if (!has_rate(r)) return std::nullopt;
         return r.tokens->tokens_per_s;
       }});
  row({"latency_p50_ms", "tokens", "token p50", Unit::ms, Better::lower, Family::run, kTokenTimeFloorMs, "",
       BudgetStat::none, false, [](const RunResult& r, const std::string&) { return latency_pct(r, 50); }});
  Metric p95{"latency_p95_ms",
             "tokens",
             "token p95",
             Unit::ms,
             Better::lower,
             Family::run,
             kTokenTimeFloorMs,
             "token_latency_p95",
             BudgetStat::pooled_p95,
             true,
             [](const RunResult& r, const std::string&) { return latency_pct(r, 95); }};
  p95.pooled = [](const RunResult& r) { return r.tokens ? r.tokens->latency_ms : std::vector<double>{}; };
  row(p95);
  row({"latency_p99_ms", "tokens", "token p99", Unit::ms, Better::lower, Family::run, kTokenTimeFloorMs, "",
       BudgetStat::none, false, [](const RunResult& r, const std::string&) { return latency_pct(r, 99); }});
  row({"stalls", "tokens", "stalls", Unit::count, Better::lower, Family::run, 1, "", BudgetStat::none, false,
       [](const RunResult& r, const std::string&) -> Value {
         if (!r.tokens) return std::nullopt;
         return static_cast<double>(r.tokens->stalls.size());
       }});
  row({"cpu_ms_per_token", "tokens", "CPU per token", Unit::ms, Better::lower, Family::run, 0.001, "", BudgetStat::none,
       false, [](const RunResult& r, const std::string&) -> Value {
         if (!r.tokens) return std::nullopt;
         const auto it = r.tokens->per_token.find("cpu_ms");
         if (it == r.tokens->per_token.end()) return std::nullopt;
         return it->second;
       }});
  // Phases (summary.phases.NAME).
  row({"start_ms", "phases", "start", Unit::ms, Better::lower, Family::phase, kTimeFloorMs, "", BudgetStat::none, false,
       first_phase_start});
  row({"duration_ms", "phases", "duration", Unit::ms, Better::lower, Family::phase, kTimeFloorMs, "phase_p95",
       BudgetStat::p95, true, [](const RunResult& r, const std::string& n) {
         return phase_sum(r, n, [](const PhaseResult& p) { return ms(p.end_ns - p.start_ns); });
       }});
  row({"rss_delta_bytes", "phases", "RSS Δ", Unit::bytes, Better::lower, Family::phase, kBytesFloor, "",
       BudgetStat::none, false, [](const RunResult& r, const std::string& n) {
         return phase_sum(r, n, [](const PhaseResult& p) { return static_cast<double>(p.rss_delta_bytes); });
       }});
  row({"rss_anon_delta_bytes", "phases", "anon RSS Δ", Unit::bytes, Better::lower, Family::phase, kBytesFloor, "",
       BudgetStat::none, false, [](const RunResult& r, const std::string& n) {
         return phase_sum(r, n, [](const PhaseResult& p) { return static_cast<double>(p.rss_anon_delta_bytes); });
       }});
  row({"rss_file_delta_bytes", "phases", "file RSS Δ", Unit::bytes, Better::lower, Family::phase, kBytesFloor, "",
       BudgetStat::none, false, [](const RunResult& r, const std::string& n) {
         return phase_sum(r, n, [](const PhaseResult& p) { return static_cast<double>(p.rss_file_delta_bytes); });
       }});
  // Counters (summary.counters.NAME): the scaled value, over the runs where the counter was supported.
  row({"", "counters", "", Unit::count, Better::lower, Family::counter, 10, "", BudgetStat::none, false,
       [](const RunResult& r, const std::string& n) -> Value {
         for (const auto& ctr : r.counters) {
           if (ctr.name == n && ctr.supported) return ctr.value;
         }
         return std::nullopt;
       }});
  return c;
}

const Metric* row_of(std::string_view group, std::string_view field) {
  for (const auto& m : catalogue()) {
    if (m.group == group && m.field == field) return &m;
  }
  return nullptr;
}

std::optional<MetricId> phase_key(const std::string& rest) {
  // "NAME.FIELD": the field is the part after the last dot, since a phase name may hold dots.
  const auto dot = rest.rfind('.');
  if (dot == std::string::npos || dot == 0) return std::nullopt;
  const Metric* m = row_of("phases", std::string_view(rest).substr(dot + 1));
  if (m == nullptr) return std::nullopt;
  return MetricId{m, rest.substr(0, dot)};
}

}  // namespace

const std::vector<Metric>& catalogue() {
  static const std::vector<Metric> table = make_catalogue();
  return table;
}

std::string MetricId::key() const {
  switch (metric->family) {
    case Family::phase:
      return "phases." + member + "." + std::string(metric->field);
    case Family::counter:
      return "counters." + member;
    case Family::run:
      break;
  }
  if (metric->group.empty()) return std::string(metric->field);
  return std::string(metric->group) + "." + std::string(metric->field);
}

std::string MetricId::label() const {
  switch (metric->family) {
    case Family::phase:
      return member + " " + std::string(metric->label);
    case Family::counter:
      return member;
    case Family::run:
      break;
  }
  return std::string(metric->label);
}

Unit MetricId::unit() const {
  if (metric->family == Family::counter && (member.ends_with("task-clock") || member.ends_with("cpu-clock")))
    return Unit::ns;
  return metric->unit;
}

std::optional<MetricId> find(const std::string& key) {
  if (key.starts_with("phases.")) return phase_key(key.substr(7));
  if (key.starts_with("counters.") && key.size() > 9) return MetricId{row_of("counters", ""), key.substr(9)};
  const auto dot = key.find('.');
  if (dot != std::string::npos && !key.starts_with("phase.") && !key.starts_with("phase_ms.")) {
    const Metric* m = row_of(std::string_view(key).substr(0, dot), std::string_view(key).substr(dot + 1));
    if (m != nullptr && m->family == Family::run) return MetricId{m, ""};
    return std::nullopt;
  }
  // schema_version 1 spellings.
  if (key.starts_with("phase_ms.") && key.size() > 9) return MetricId{row_of("phases", "duration_ms"), key.substr(9)};
  if (key.starts_with("phase.")) return phase_key(key.substr(6));
  if (key == "ttft_ms" || key == "tokens_per_s") return MetricId{row_of("tokens", key), ""};
  if (key.starts_with("token_latency_")) {
    const Metric* m = row_of("tokens", "latency_" + key.substr(14));
    if (m != nullptr) return MetricId{m, ""};
  }
  const Metric* m = row_of("", key);
  if (m != nullptr) return MetricId{m, ""};
  return std::nullopt;
}

const Metric* by_budget(std::string_view budget_key) {
  for (const auto& m : catalogue()) {
    if (m.budget == budget_key) return &m;
  }
  return nullptr;
}

std::vector<MetricId> metrics_of(const std::vector<RunResult>& runs) {
  std::vector<std::string> phases, counters;
  const auto add = [](std::vector<std::string>& v, const std::string& name) {
    if (std::find(v.begin(), v.end(), name) == v.end()) v.push_back(name);
  };
  for (const auto& r : runs) {
    for (const auto& p : r.phases) add(phases, p.name);
    for (const auto& c : r.counters) {
      if (c.supported) add(counters, c.name);
    }
  }
  std::vector<MetricId> out;
  for (const auto& m : catalogue()) {
    std::vector<MetricId> ids;
    if (m.family == Family::run) ids.push_back({&m, ""});
    for (const auto& name : m.family == Family::phase ? phases : std::vector<std::string>{}) ids.push_back({&m, name});
    for (const auto& name : m.family == Family::counter ? counters : std::vector<std::string>{})
      ids.push_back({&m, name});
    for (auto& id : ids) {
      const bool present = std::any_of(runs.begin(), runs.end(), [&](const RunResult& r) { return id.value(r); });
      if (present) out.push_back(std::move(id));
    }
  }
  // Each phase's figures together: its start, duration and RSS rows side by side.
  std::stable_sort(out.begin(), out.end(), [&](const MetricId& a, const MetricId& b) {
    const auto rank = [&](const MetricId& id) -> std::size_t {
      if (id.metric->family != Family::phase) return id.metric->family == Family::run ? 0 : phases.size() + 1;
      return 1 + static_cast<std::size_t>(std::find(phases.begin(), phases.end(), id.member) - phases.begin());
    };
    return rank(a) < rank(b);
  });
  return out;
}

std::vector<double> values_of(const MetricId& id, const std::vector<RunResult>& runs) {
  std::vector<double> v;
  for (const auto& r : runs) {
    if (const auto x = id.value(r)) v.push_back(*x);
  }
  return v;
}

Samples samples_of(const std::vector<RunResult>& runs) {
  Samples s;
  for (const auto& id : metrics_of(runs)) s[id.key()] = values_of(id, runs);
  return s;
}

std::vector<MetricId> ids_of(const Samples& samples) {
  std::vector<MetricId> ids;
  for (const auto& [key, values] : samples) {
    if (auto id = find(key)) ids.push_back(std::move(*id));
  }
  const auto row = [](const MetricId& id) { return id.metric - catalogue().data(); };
  std::stable_sort(ids.begin(), ids.end(), [&](const MetricId& a, const MetricId& b) {
    const auto fa = a.metric->family, fb = b.metric->family;
    if (fa != fb) return fa < fb;
    if (fa == Family::phase && a.member != b.member) return a.member < b.member;
    return row(a) < row(b);
  });
  return ids;
}

std::map<std::string, stats::Summary> summaries_of(const std::vector<RunResult>& runs) {
  std::map<std::string, stats::Summary> out;
  for (const auto& id : metrics_of(runs)) out[id.key()] = stats::summarize(values_of(id, runs));
  return out;
}

std::string_view unit_name(Unit unit) {
  switch (unit) {
    case Unit::ms:
      return "ms";
    case Unit::ns:
      return "ns";
    case Unit::bytes:
      return "bytes";
    case Unit::per_s:
      return "per_s";
    case Unit::count:
      return "count";
  }
  return "?";
}

}  // namespace perfprobe::metrics
