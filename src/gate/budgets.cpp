// Budgets of `perfprobe check` checked against the measured runs and the binaries' sizes. Pure.
// p95 is the type-7 percentile of stats (numpy's default); see docs/check.md for each metric.
#include <algorithm>

#include "perfprobe/gate/evaluate.hpp"
#include "perfprobe/stats/summary.hpp"

namespace perfprobe::gate {

std::string budget_key(BudgetKind kind) {
  switch (kind) {
    case BudgetKind::file_size:
      return "file_size";
    case BudgetKind::stripped_size:
      return "stripped_size";
    case BudgetKind::startup_p95:
      return "startup_p95";
    case BudgetKind::wall_p95:
      return "wall_p95";
    case BudgetKind::peak_rss:
      return "peak_rss";
    case BudgetKind::token_latency_p95:
      return "token_latency_p95";
    case BudgetKind::tokens_per_s_min:
      return "tokens_per_s_min";
    case BudgetKind::phase_p95:
      return "phase_p95";
  }
  return "?";
}

std::string budget_unit(BudgetKind kind) {
  switch (kind) {
    case BudgetKind::file_size:
    case BudgetKind::stripped_size:
    case BudgetKind::peak_rss:
      return "bytes";
    case BudgetKind::tokens_per_s_min:
      return "tokens/s";
    default:
      return "ns";
  }
}

bool is_maximum(BudgetKind kind) { return kind != BudgetKind::tokens_per_s_min; }

namespace {

double ns_to_ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

std::uint64_t peak_rss_of(const RunResult& r) { return std::max(r.peak_rss_bytes, r.peak_tree_rss_bytes); }

// The value a budget is checked against, or a note saying why there is none.
std::optional<double> measure(const Budget& b, const std::vector<RunResult>& runs,
                              const std::vector<elf::BinarySize>& binaries, std::string& note) {
  std::vector<double> values;
  switch (b.kind) {
    case BudgetKind::file_size:
    case BudgetKind::stripped_size:
      for (const auto& bin : binaries) {
        if (bin.path == b.subject)
          return static_cast<double>(b.kind == BudgetKind::file_size ? bin.file_bytes : bin.stripped_bytes);
      }
      note = "binary not measured";
      return std::nullopt;
    case BudgetKind::startup_p95:
      for (const auto& r : runs) {
        if (r.startup_ns) values.push_back(static_cast<double>(*r.startup_ns));
      }
      if (values.size() < runs.size()) note = std::to_string(runs.size() - values.size()) + " run(s) never got ready";
      if (values.empty()) note = runs.empty() ? "no runs" : "no run reported ready: give a ready marker (--ready)";
      break;
    case BudgetKind::wall_p95:
      for (const auto& r : runs) values.push_back(static_cast<double>(r.wall_ns));
      break;
    case BudgetKind::peak_rss:
      for (const auto& r : runs) values.push_back(static_cast<double>(peak_rss_of(r)));
      if (values.empty()) break;
      return *std::max_element(values.begin(), values.end());
    case BudgetKind::token_latency_p95:
      for (const auto& r : runs) {
        if (r.tokens) {
          for (double ms : r.tokens->latency_ms) values.push_back(ms * 1e6);
        }
      }
      if (values.empty()) note = "no token latencies: give a token marker (--tokens) and at least 2 tokens";
      break;
    case BudgetKind::tokens_per_s_min:
      for (const auto& r : runs) {
        if (r.tokens && r.tokens->count >= 2) values.push_back(r.tokens->tokens_per_s);
      }
      if (values.empty()) {
        note = "no token rate: give a token marker (--tokens) and at least 2 tokens";
        return std::nullopt;
      }
      return stats::percentile(values, 50);
    case BudgetKind::phase_p95:
      for (const auto& r : runs) {
        for (const auto& p : r.phases) {
          if (p.name == b.subject) values.push_back(static_cast<double>(p.end_ns - p.start_ns));
        }
      }
      if (values.empty()) note = "phase '" + b.subject + "' never completed: check its --phase markers";
      break;
  }
  if (values.empty()) {
    if (note.empty()) note = "no runs";
    return std::nullopt;
  }
  return stats::percentile(values, 95);
}

}  // namespace

Samples samples_of(const std::vector<RunResult>& runs) {
  Samples s;
  for (const auto& r : runs) {
    s["wall_ms"].push_back(ns_to_ms(r.wall_ns));
    s["peak_rss_bytes"].push_back(static_cast<double>(peak_rss_of(r)));
    if (r.startup_ns) s["startup_ms"].push_back(ns_to_ms(*r.startup_ns));
    if (r.tokens && r.tokens->count >= 2) {
      s["tokens_per_s"].push_back(r.tokens->tokens_per_s);
      if (!r.tokens->latency_ms.empty())
        s["token_latency_p95_ms"].push_back(stats::percentile(r.tokens->latency_ms, 95));
    }
    for (const auto& p : r.phases) s["phase_ms." + p.name].push_back(ns_to_ms(p.end_ns - p.start_ns));
  }
  return s;
}

std::vector<BudgetResult> check_budgets(const std::vector<Budget>& budgets, const std::vector<RunResult>& runs,
                                        const std::vector<elf::BinarySize>& binaries) {
  std::vector<BudgetResult> results;
  for (const auto& b : budgets) {
    BudgetResult r;
    r.budget = b;
    r.measured = measure(b, runs, binaries, r.note);
    if (r.measured) {
      r.margin = is_maximum(b.kind) ? b.limit - *r.measured : *r.measured - b.limit;
      r.passed = r.margin >= 0;
    }
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace perfprobe::gate
