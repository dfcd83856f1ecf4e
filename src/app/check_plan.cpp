// Merging `perfprobe check` flags over its config file into a CheckPlan.
#include "check_plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <tuple>

#include "perfprobe/cli/units.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/gate/files.hpp"
#include "perfprobe/sys/input_file.hpp"

namespace perfprobe::app {

namespace {

using gate::BudgetKind;

// One budget setting: the flag's text (origin "--max-x") or else the config's.
struct Setting {
  std::string text;
  std::string origin;
};

double parse_limit(BudgetKind kind, const Setting& s) {
  const std::string unit = gate::budget_unit(kind);
  if (unit == "bytes") return static_cast<double>(cli::parse_size_bytes(s.text, s.origin));
  if (unit == "ns") return static_cast<double>(cli::parse_duration_ns(s.text, s.origin));
  const auto [v, rest] = cli::parse_number(s.text, s.origin);
  if (!rest.empty()) {
    throw UsageError("invalid " + s.origin + " '" + s.text + "': expected a number of tokens per second", "e.g. 20");
  }
  return v;
}

std::optional<Setting> pick(const std::string& flag_text, const char* flag, const gate::CheckConfig& c,
                            const std::string& key) {
  if (!flag_text.empty()) return Setting{flag_text, flag};
  for (const auto& [k, v] : c.budgets) {
    if (k == key) return Setting{v, "config budgets." + key};
  }
  return std::nullopt;
}

void add_budgets(const cli::CheckOptions& o, const gate::CheckConfig& c, CheckPlan& plan) {
  const auto add = [&](BudgetKind kind, const std::optional<Setting>& s, const std::string& subject) {
    if (s) plan.budgets.push_back({kind, subject, parse_limit(kind, *s), s->origin});
  };
  for (const auto& [kind, text, flag] :
       {std::tuple{BudgetKind::file_size, o.max_size, "--max-size"},
        std::tuple{BudgetKind::stripped_size, o.max_stripped_size, "--max-stripped-size"}}) {
    const auto s = pick(text, flag, c, gate::budget_key(kind));
    if (s && plan.binaries.empty())
      throw UsageError(s->origin + " needs a binary", "add --binary FILE (or \"binary\" in the config)");
    for (const auto& bin : plan.binaries) add(kind, s, bin);
  }
  add(BudgetKind::startup_p95, pick(o.max_startup, "--max-startup", c, "startup_p95"), "");
  add(BudgetKind::wall_p95, pick(o.max_wall, "--max-wall", c, "wall_p95"), "");
  add(BudgetKind::peak_rss, pick(o.max_peak_rss, "--max-peak-rss", c, "peak_rss"), "");
  add(BudgetKind::token_latency_p95, pick(o.max_token_p95, "--max-token-p95", c, "token_latency_p95"), "");
  add(BudgetKind::tokens_per_s_min, pick(o.min_tokens_per_s, "--min-tokens-per-s", c, "tokens_per_s_min"), "");
  std::vector<std::pair<std::string, Setting>> phases;
  for (const auto& spec : o.max_phase) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      throw UsageError("invalid --max-phase '" + spec + "'", "write NAME=TIME, e.g. --max-phase load=200ms");
    }
    phases.emplace_back(spec.substr(0, eq), Setting{spec.substr(eq + 1), "--max-phase " + spec.substr(0, eq)});
  }
  if (o.max_phase.empty()) {
    for (const auto& [name, text] : c.phase_budgets)
      phases.emplace_back(name, Setting{text, "config budgets.phase_p95." + name});
  }
  for (const auto& [name, s] : phases) add(BudgetKind::phase_p95, s, name);
}

void merge_run(const cli::CheckOptions& o, const gate::CheckConfig& c, CheckPlan& plan) {
  plan.run = o.run;
  if (plan.run.command.empty()) plan.run.command = c.command;
  if (!o.runs_given && c.runs) plan.run.runs = *c.runs;
  if (!o.warmup_given && c.warmup) plan.run.warmup = *c.warmup;
  if (plan.run.runs < 1) throw UsageError("config runs must be at least 1");
  if (plan.run.ready.empty() && c.ready) plan.run.ready = *c.ready;
  if (plan.run.tokens.empty() && c.tokens) plan.run.tokens = *c.tokens;
  if (!plan.run.cold && c.cold) plan.run.cold = *c.cold;
  plan.binaries = o.binaries.empty() ? c.binaries : o.binaries;
}

// The file a command runs: its first word, looked up in PATH when it has no slash.
std::optional<std::filesystem::path> program_of(const std::string& word) {
  if (word.find('/') != std::string::npos) return std::filesystem::path(word);
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    const auto colon = std::min(dirs.find(':', start), dirs.size());
    const std::filesystem::path candidate =
        std::filesystem::path(colon == start ? "." : dirs.substr(start, colon - start)) / word;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
    start = colon + 1;
  }
  return std::nullopt;
}

// Size budgets measure `binary`, run budgets the command: say so when they are different files.
std::optional<std::string> binary_mismatch(const std::vector<std::string>& binaries,
                                           const std::vector<std::string>& command) {
  if (binaries.empty() || command.empty()) return std::nullopt;
  const auto program = program_of(command.front());
  if (!program) return std::nullopt;
  for (const auto& b : binaries) {
    std::error_code ec;
    if (std::filesystem::equivalent(b, *program, ec)) return std::nullopt;
  }
  std::string list;
  for (const auto& b : binaries) list += (list.empty() ? "'" : ", '") + b + "'";
  return "binary " + list + " is not the program the command runs ('" + program->string() +
         "'): the size budgets measure one file and the run budgets another";
}

}  // namespace

double parse_fraction(const std::string& text, const std::string& what) {
  auto [v, rest] = cli::parse_number(text, what);
  const bool percent = rest == "%";
  if (!rest.empty() && !percent) {
    throw UsageError("invalid " + what + " '" + text + "'", "write a percentage such as 10% or a fraction such as 0.1");
  }
  if (percent) v /= 100;
  if (!percent && v > 1) {
    throw UsageError("invalid " + what + " '" + text + "': a bare number is a fraction",
                     "write " + text + "% for a percentage");
  }
  return v;
}

CheckPlan make_check_plan(const cli::CheckOptions& o) {
  gate::CheckConfig c;
  if (!o.config_path.empty()) {
    constexpr std::uint64_t kMaxConfig = 64ULL << 20;  // a config is a few KiB
    c = gate::parse_check_config(sys::read_input(o.config_path, "--config file", kMaxConfig), o.config_path);
  }
  CheckPlan plan;
  merge_run(o, c, plan);
  add_budgets(o, c, plan);
  const std::string baseline = !o.baseline_path.empty() ? o.baseline_path : c.baseline.value_or("");
  if (!baseline.empty()) {
    gate::BaselineSettings b;
    b.path = baseline;
    if (!o.confidence_text.empty())
      b.confidence = parse_fraction(o.confidence_text, "--confidence");
    else if (c.confidence)
      b.confidence = *c.confidence;
    if (!(b.confidence > 0.5 && b.confidence < 1))
      throw UsageError("the confidence must lie between 0.5 and 1 (exclusive)", "e.g. 0.99 or 99%");
    if (!o.tolerance_text.empty())
      b.tolerance = parse_fraction(o.tolerance_text, "--tolerance");
    else if (c.tolerance)
      b.tolerance = parse_fraction(*c.tolerance, "config tolerance");
    b.fail_on_inconclusive = o.fail_on_inconclusive;
    b.confirm = o.confirm >= 0 ? o.confirm : c.confirm.value_or(1);
    plan.baseline = b;
  } else if (o.fail_on_inconclusive) {
    throw UsageError("--fail-on-inconclusive needs a --baseline", "add --baseline FILE");
  }
  const bool has_run_budget = std::any_of(plan.budgets.begin(), plan.budgets.end(), [](const gate::Budget& b) {
    return b.kind != BudgetKind::file_size && b.kind != BudgetKind::stripped_size;
  });
  if ((has_run_budget || plan.baseline) && plan.run.command.empty()) {
    throw UsageError("run budgets and --baseline need a command to run",
                     "add -- CMD [ARGS...] (or \"command\" in the config)");
  }
  if (plan.budgets.empty() && !plan.baseline) {
    if (o.json_path.empty() || plan.run.command.empty()) {
      throw UsageError("nothing to check: no budget and no --baseline",
                       "e.g. perfprobe check --max-wall 1s -- CMD, or record a baseline with --json FILE -- CMD");
    }
    plan.record_only = true;
  }
  if (const auto w = binary_mismatch(plan.binaries, plan.run.command)) plan.warnings.push_back(*w);
  return plan;
}

}  // namespace perfprobe::app
