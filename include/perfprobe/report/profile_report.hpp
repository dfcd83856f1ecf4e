// The analysed profile of `report`: top functions (self/total), per phase, per thread, hints; and
// its views (text, JSON, folded stacks, Chrome trace). Pure: fed with a ResolvedProfile.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "perfprobe/model.hpp"
#include "perfprobe/profile.hpp"

namespace perfprobe::report {

// 2: inlined code counts in its caller by default (`inline`), `tokens` (slow tokens, per-token cost),
// off-CPU time (`off_cpu`, phases' `wall`).
inline constexpr int kProfileSchemaVersion = 2;

// One source line's share of a function's samples.
struct LineShare {
  std::string file;
  int line = 0;
  double pct = 0;  // of the function's self samples (total samples when it has no self samples)
};

struct FunctionStat {
  std::string name;
  std::string module;
  std::string file;  // of the hottest line
  int line = 0;
  std::uint64_t address = 0;  // module-relative address on that line (what addr2line takes)
  std::uint64_t self_samples = 0;
  std::uint64_t total_samples = 0;
  double self_pct = 0;  // of the samples in scope (the run, a phase or a thread)
  double total_pct = 0;
  std::vector<LineShare> lines;  // its hottest lines, hottest first (up to 3)
  bool spin_wait = false;        // a barrier or lock spinning: waiting, not work
};

// Wall-clock time of a scope (the run, a phase, a thread) split into time on CPU and time off CPU
// by reason. With several threads it is thread time: summed over the threads alive in the scope.
struct WallSplit {
  double wall_ms = 0;
  double on_cpu_ms = 0;     // wall - off-CPU: running, in user space or in the kernel
  double spin_wait_ms = 0;  // of on_cpu_ms: spinning at a barrier or lock (by share of samples)
  double off_cpu_ms = 0;
  std::array<double, kOffCpuReasons> reason_ms{};  // off_cpu_ms by OffCpuReason
};

// Where threads waited: one distinct call chain of a wait with its reason, and the time spent.
struct OffCpuStack {
  OffCpuReason reason = OffCpuReason::unknown;
  std::vector<std::string> frames;  // leaf first; empty when the recording has no chains
  double ms = 0;
  double pct = 0;  // of all off-CPU time
  std::uint64_t waits = 0;
};

struct ThreadWall {
  pid_t tid = 0;
  pid_t pid = 0;
  std::string name;
  WallSplit wall;
};

struct OffCpuReport {
  bool recorded = false;  // false: a recording made with --off-cpu none or by an older perfprobe
  std::string mechanism;  // what gave the chains: "sched_switch", "context-switches", "" (none)
  bool states = false;    // sleep and io told apart
  std::uint64_t lost_waits = 0;
  std::uint64_t chained_waits = 0;    // waits with a call chain
  std::uint64_t truncated_waits = 0;  // of those: chains that stop short of a root ("[truncated]")
  double truncated_ms = 0;            // their off-CPU time
  double truncated_pct = 0;           // of all off-CPU time
  WallSplit wall;                     // the whole recording
  std::vector<WallSplit> phases;      // one per ProfileReport::phases, in its order
  std::vector<OffCpuStack> stacks;    // heaviest first
  std::vector<ThreadWall> threads;    // by wall time
};

struct PhaseProfile {
  std::string name;
  std::int64_t start_ns = 0, end_ns = 0;
  std::uint64_t samples = 0;
  double pct = 0;  // share of all samples
  std::vector<FunctionStat> functions;
};

struct ThreadProfile {
  pid_t tid = 0;
  pid_t pid = 0;
  std::string name;
  std::uint64_t samples = 0;
  double pct = 0;
  std::vector<FunctionStat> functions;
};

// What the target did during one token: the interval from the previous token to this one.
struct TokenActivity {
  std::size_t index = 0;  // token index (0 = first token), as in the run's stalls
  std::int64_t start_ns = 0, end_ns = 0;
  double latency_ms = 0;
  bool stall = false;                   // over the run's stall factor x the median latency
  std::uint64_t tokens = 1;             // tokens pooled in this entry (the typical token: all those not listed)
  std::uint64_t samples = 0;            // all threads, over the pooled tokens
  double cpu_ms = 0;                    // per token: samples x the sampling interval (0 when unknown)
  std::int64_t rss_growth_bytes = 0;    // between the RSS samples around the interval (0 for a pool)
  std::vector<FunctionStat> functions;  // top functions of those samples, by self share
  std::vector<std::string> chain;       // the top function's most frequent callers, nearest first
  // With off-CPU recording, per token: where its threads' time went, and its heaviest wait.
  std::optional<WallSplit> wall;
  std::optional<OffCpuStack> top_wait;
  std::optional<double> major_faults;  // per token, when every major fault was sampled
};

// The tokens of a recording: per-token cost, the slowest tokens and every stall explained.
struct TokenReport {
  std::uint64_t count = 0;
  double median_ms = 0;
  double sample_interval_ms = 0;            // CPU time one sample stands for (0 when unknown)
  std::uint64_t decode_samples = 0;         // samples from the first token to the last
  double cpu_ms_sampled = 0;                // decode_samples x interval / (count - 1)
  std::map<std::string, double> per_token;  // the recording's counters: cpu_ms, instructions, cycles...
  std::vector<TokenActivity> slowest;       // the slowest tokens and every stall, slowest first
  std::optional<TokenActivity> typical;     // the other tokens pooled, latency = their median
};

struct ProfileReport {
  std::vector<std::string> command;
  std::string event;
  std::uint64_t frequency_hz = 0, period = 0;
  std::string call_graph;
  std::uint64_t samples = 0, lost = 0, lost_records = 0, throttled = 0, dwarf_unwound = 0;
  std::uint64_t truncated = 0;  // samples whose call chain does not reach main or a thread's start
  double duration_ms = 0;
  double spin_wait_pct = 0;             // samples whose leaf is a spin-wait function
  std::vector<FunctionStat> functions;  // by self samples, then total
  std::vector<PhaseProfile> phases;
  std::vector<ThreadProfile> threads;
  std::vector<ModuleSummary> modules;
  std::vector<std::string> hints;     // "one function or one phase takes more than 20%"
  std::vector<std::string> warnings;  // lost samples, throttling, missing symbols
  bool inline_apart = false;          // inlined functions listed on their own (--inline), else in their caller
  std::optional<TokenReport> tokens;  // with a recording that has tokens
  OffCpuReport off_cpu;
};

struct ProfileOptions {
  std::size_t top = 20;  // functions kept per list (the JSON keeps as many)
  double hint_pct = 20;
};

[[nodiscard]] ProfileReport analyse_profile(const ResolvedProfile& profile, const std::vector<PhaseResult>& phases,
                                            const ProfileOptions& options);
// Off-CPU time of `profile` (docs/record.md, "Off-CPU time"): the whole run's, each phase's and
// each thread's wall split, the heaviest waits and the off-CPU hint. Called by analyse_profile.
void add_off_cpu(ProfileReport& report, const ResolvedProfile& profile, std::size_t top);

// The wall split of the threads of `profile` (all, or only `tid` when not 0) within [from, to).
[[nodiscard]] WallSplit wall_split(const ResolvedProfile& profile, std::int64_t from_ns, std::int64_t to_ns,
                                   pid_t tid = 0);

// A scope made of disjoint time ranges in time order (some tokens' intervals), and what its
// threads did in it: the wall split and the wait (reason and chain) that took the most time.
struct TimeRange {
  std::int64_t start_ns = 0, end_ns = 0;
};
struct ScopeWaits {
  WallSplit wall;
  std::optional<OffCpuStack> top_wait;  // `pct` of the scope's off-CPU time
};
[[nodiscard]] std::vector<ScopeWaits> scope_waits(const ResolvedProfile& profile,
                                                  const std::vector<std::vector<TimeRange>>& scopes);

// Off-CPU time in folded stacks beside the samples: the wait's chain, then a leaf frame
// "[off-cpu: REASON]", weighted in sample equivalents (docs/record.md).
[[nodiscard]] std::uint64_t off_cpu_weight(const ResolvedProfile& profile, double ns);

// Functions that spin while waiting (libgomp's barriers, ggml's barrier, spin locks, yield loops).
[[nodiscard]] bool is_spin_wait(const std::string& function);
// is_spin_wait of each frame's function, by frame id: asked once a frame rather than once a sample.
[[nodiscard]] std::vector<char> spin_wait_frames(const ResolvedProfile& profile);

// Functions of a subset of samples, by self samples then total (exposed for tests).
[[nodiscard]] std::vector<FunctionStat> top_functions(const ResolvedProfile& profile,
                                                      const std::vector<const ResolvedSample*>& samples,
                                                      std::size_t top);

// Inlined code shown inside its caller: every inlined frame is dropped from the stacks, so the
// function that was compiled gets the samples, on its own source line where the inlined call sits.
[[nodiscard]] ResolvedProfile fold_inlined(ResolvedProfile profile);

struct TokenOptions {
  std::size_t slowest = 5;    // tokens listed besides the stalls
  std::size_t functions = 3;  // functions per token
};
// Tokens of `run` matched with the samples of their intervals; nullopt without tokens.
[[nodiscard]] std::optional<TokenReport> explain_tokens(const ResolvedProfile& profile, const RunResult& run,
                                                        const TokenOptions& options);

void write_profile_text(std::ostream& out, const ProfileReport& report, bool color);
// The body of the text's "Tokens" section.
void write_tokens_text(std::ostream& out, const TokenReport& tokens);
[[nodiscard]] std::string profile_to_json(const ProfileReport& report);

// Brendan Gregg's folded stacks: "root;caller;leaf COUNT" per unique stack (flamegraph.pl,
// inferno, speedscope).
[[nodiscard]] std::string to_folded(const ResolvedProfile& profile);

// Chrome trace-event JSON (ui.perfetto.dev, chrome://tracing): phases, tokens and markers as
// slices and instants, RSS and counters as counter tracks, samples when `profile` is given.
[[nodiscard]] std::string to_trace_json(const RunResult& run, const std::vector<std::string>& command,
                                        const ResolvedProfile* profile);
// Several runs (run --trace): one trace process per run.
[[nodiscard]] std::string to_trace_json(const std::vector<RunResult>& runs, const std::vector<std::string>& command);

}  // namespace perfprobe::report
