// Plain data that crosses module lines: the timeline of one run and what was measured on it.
// Sources write these, analysis reads them, views render them (docs/architecture.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfprobe {

// One counter of one run (or one phase). Unsupported counters carry the reason instead of a value.
struct CounterReading {
  std::string name;  // as the user spelled it (e.g. "cycles", "perf::task-clock")
  bool supported = false;
  std::string reason;     // why not supported, empty when supported
  std::string note;       // e.g. "user space only: kernel counting needs CAP_PERFMON"
  std::uint64_t raw = 0;  // the kernel's count
  double value = 0;       // raw scaled by time_enabled / time_running
  std::uint64_t time_enabled_ns = 0;
  std::uint64_t time_running_ns = 0;
  bool exclude_kernel = false;  // true when only user space was counted
  std::string unit;             // "ns" for task-clock/cpu-clock, empty for plain counts
  bool hardware = false;        // counted by a CPU PMU (cycles, caches, raw events), not the kernel

  [[nodiscard]] double running_pct() const {
    return time_enabled_ns == 0 ? 100.0
                                : 100.0 * static_cast<double>(time_running_ns) / static_cast<double>(time_enabled_ns);
  }
  [[nodiscard]] bool is_multiplexed() const { return supported && time_running_ns < time_enabled_ns; }
};

// Resident memory of the whole process tree at one moment, summed over its processes.
struct RssSample {
  std::int64_t t_ns = 0;  // since exec
  std::uint64_t rss_bytes = 0;
  std::uint64_t anon_bytes = 0;
  std::uint64_t file_bytes = 0;
  std::uint64_t shmem_bytes = 0;
  std::uint32_t processes = 0;
};

enum class EventKind { marker, token, output, rss, counters, phase_begin, phase_end, ready, warning };

// What produced an event: the marker API's ring, an SDT probe, the target's output, a readiness
// probe, the RSS timeline (/proc samples and its --rss-warn), a boundary snapshot of the counters.
enum class EventSource { none, mark, usdt, output, listen, file, proc, rss, boundary, uprobe, tcp, http, drive };

// The name of a source in JSON, JSONL, traces and data files ("" for none).
[[nodiscard]] inline std::string_view to_string(EventSource s) {
  switch (s) {
    case EventSource::none:
      return "";
    case EventSource::mark:
      return "mark";
    case EventSource::usdt:
      return "usdt";
    case EventSource::output:
      return "output";
    case EventSource::listen:
      return "listen";
    case EventSource::file:
      return "file";
    case EventSource::proc:
      return "proc";
    case EventSource::rss:
      return "rss";
    case EventSource::boundary:
      return "boundary";
    case EventSource::uprobe:
      return "uprobe";
    case EventSource::tcp:
      return "tcp";
    case EventSource::http:
      return "http";
    case EventSource::drive:
      return "drive";
  }
  return "";
}

// The source named `name`; none for a name this version does not know.
[[nodiscard]] inline EventSource event_source_named(std::string_view name) {
  for (const auto s : {EventSource::mark, EventSource::usdt, EventSource::output, EventSource::listen,
                       EventSource::file, EventSource::proc, EventSource::rss, EventSource::boundary,
                       EventSource::uprobe, EventSource::tcp, EventSource::http, EventSource::drive}) {
    if (to_string(s) == name) return s;
  }
  return EventSource::none;
}

// One timestamped thing that happened during a run. Time zero is the target's exec.
struct Event {
  std::int64_t t_ns = 0;
  EventKind kind = EventKind::marker;
  EventSource source = EventSource::none;
  std::string name;  // e.g. "llm:token", "load"
  std::vector<std::int64_t> args;
  std::optional<RssSample> rss;                        // for kind == rss
  std::vector<std::pair<std::string, double>> values;  // counter snapshot, for kind == counters
  std::string text;                                    // free text (warnings)
};

// A named phase between two markers, with what it cost.
// How a phase's RSS and page-fault figures were taken at its boundaries (docs/accuracy.md):
// snapshot: when perfprobe read the marker (late); handshake: the marker API's mark waited for the
// snapshot; kernel_records: the kernel's own records of every RSS change and page fault, read at the
// marker's timestamp (USDT and function probes as root).
enum class BoundaryMechanism { snapshot, handshake, kernel_records };

[[nodiscard]] inline std::string_view to_string(BoundaryMechanism m) {
  switch (m) {
    case BoundaryMechanism::handshake:
      return "handshake";
    case BoundaryMechanism::kernel_records:
      return "kernel-records";
    case BoundaryMechanism::snapshot:
      break;
  }
  return "snapshot";
}

struct PhaseResult {
  std::string name;
  std::int64_t start_ns = 0;  // since exec
  std::int64_t end_ns = 0;
  std::int64_t rss_delta_bytes = 0;
  std::int64_t rss_anon_delta_bytes = 0;
  std::int64_t rss_file_delta_bytes = 0;
  std::vector<CounterReading> counters;  // deltas over the phase
  BoundaryMechanism boundary = BoundaryMechanism::snapshot;
};

// The kernel's records of a launched target's memory (kmem:rss_stat) and page faults, sampled one in
// `period` (docs/kernel-facts.md §11): phase boundaries of USDT and function probes are read from
// them at the probe's own timestamp.
struct KernelRecords {
  struct Rss {
    std::int64_t t_ns = 0;    // since time zero, as events
    std::uint32_t mm = 0;     // the kernel's hash of the address space: one per process
    std::int32_t member = 0;  // MM_FILEPAGES 0, MM_ANONPAGES 1, MM_SWAPENTS 2, MM_SHMEMPAGES 3
    std::int64_t bytes = 0;   // that member's size after the change
  };
  std::uint64_t period = 1;
  std::vector<Rss> rss;                   // in time order
  std::vector<std::int64_t> fault_times;  // one per `period` page faults, in time order
  bool faults = false;                    // page faults were sampled (the counter was asked for)
  std::uint64_t lost = 0;                 // records the rings had no room for: the figures are not used
};

struct Stall {
  std::size_t index = 0;  // token index (0 = first token)
  std::int64_t t_ns = 0;  // when the late token arrived, since exec
  double latency_ms = 0;
};

// Tokens of one run: arrival times and what follows from them.
struct TokenStats {
  std::uint64_t count = 0;
  std::uint64_t prompt_echo = 0;        // tokens before --tokens-after's marker, not in count
  std::optional<std::int64_t> ttft_ns;  // first token, since exec
  double tokens_per_s = 0;              // (count-1) / (last - first), the decode rate
  std::vector<double> latency_ms;       // inter-token latencies, count-1 of them
  std::vector<Stall> stalls;
  // Cost per token over the decode (first token to the end of the run): "cpu_ms" (task-clock),
  // "instructions", "cycles": counter deltas divided by the tokens after the first; without
  // task-clock, "cpu_ms_whole_run" (rusage CPU time over all tokens, an upper bound).
  std::map<std::string, double> per_token;
};

// --request: each request's time to its first token (the first token at or after its marker).
struct RequestStats {
  std::uint64_t count = 0;      // hits of the request marker
  std::vector<double> ttft_ms;  // one per request answered by a token, in order
};

// Everything measured on one run of the target.
// A new field must also be added to src/sampling/run_codec.cpp (the `record` data file).
// --cold: what the eviction before a run achieved, checked with mincore (docs/json-schema.md, "cold").
struct ColdStart {
  std::uint64_t evicted_bytes = 0;       // resident before minus resident after the eviction
  std::uint64_t still_cached_bytes = 0;  // resident after it (mapped by another process, dirty, locked)
};

// perfprobe ended the target: why, when, and the signals it sent (SIGTERM, then SIGKILL after the grace).
struct StopRecord {
  std::string by;         // "--stop-after ready", "--timeout 30s", "--drive"
  std::int64_t t_ns = 0;  // since exec
  std::vector<std::string> signals;
  bool timed_out = false;  // --timeout: the run failed
};

// The --drive client: its command, when it ran (since exec) and how it ended.
struct DriveRecord {
  std::string command;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  int exit_code = 0;      // 128+signal when killed
  bool finished = false;  // false: the target ended first and the client was killed
};

struct RunResult {
  int exit_code = 0;          // the target's exit status, or 128+signal
  std::optional<int> signal;  // the signal that ended it, if any
  bool core_dumped = false;
  bool interrupted = false;  // perfprobe got Ctrl-C/SIGTERM during this run
  std::int64_t wall_ns = 0;
  std::int64_t user_ns = 0;
  std::int64_t sys_ns = 0;
  std::uint64_t peak_rss_bytes = 0;       // wait4 ru_maxrss: the largest process of the tree
  std::uint64_t peak_tree_rss_bytes = 0;  // largest sum over the tree seen by the RSS sampler
  std::uint64_t minor_faults = 0;         // rusage
  std::uint64_t major_faults = 0;
  std::uint64_t voluntary_ctxt_switches = 0;
  std::uint64_t involuntary_ctxt_switches = 0;
  std::vector<CounterReading> counters;
  std::vector<RssSample> rss;
  std::vector<Event> events;
  double rss_sample_cost_us = 0;  // mean cost of one RSS sample of the tree

  // Markers: filled when --ready/--phase/--tokens or marker sources are in use.
  std::optional<std::int64_t> startup_ns;  // exec -> ready
  std::vector<PhaseResult> phases;
  std::optional<TokenStats> tokens;
  std::optional<RequestStats> requests;  // with --request
  std::map<std::string, std::uint64_t> marker_counts;
  std::uint64_t markers_dropped = 0;  // marker-API marks lost because the ring was full

  std::optional<KernelRecords> kernel_records;  // root, phases of USDT/function probes: exact boundaries
  std::optional<ColdStart> cold;                // set when --cold evicted files before this run
  // Servers: perfprobe ended the target (--stop-after, --timeout, --drive) and a --drive client ran.
  std::optional<StopRecord> stopped;
  std::optional<DriveRecord> drive;
  // attach: what closed the window ("duration", "until", "drive", "target_exit", "interrupt"; empty for a
  // launch) and, for until, the spec that fired.
  std::string ended_by;
  std::string until;
};

}  // namespace perfprobe
