// A symbolized profile: what `report` analyses and renders. Plain data made by symbols/ from a
// sampling::Profile; report/ reads it without knowing about perf records or DWARF.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perfprobe {

// One frame of a call stack after symbolization (an inlined call is a frame of its own).
struct FrameInfo {
  std::string function;  // demangled; "[unknown]" or "module+0xoffset" when no symbol covers it
  std::string file;      // source file, empty without line info
  int line = 0;
  std::string module;         // path of the ELF file
  std::uint64_t address = 0;  // in the module's own address space (what addr2line takes)
  bool inlined = false;       // this frame was inlined into the next one
};

struct ResolvedSample {
  std::int64_t t_ns = 0;  // since the run's time zero
  pid_t pid = 0;
  pid_t tid = 0;
  std::uint32_t stack = 0;  // index into ResolvedProfile::stacks
};

struct ModuleSummary {
  std::string path;
  std::string build_id;
  bool has_symbols = false;
  bool has_debuginfo = false;      // DWARF line info, in the file or separate
  std::string debug_file;          // separate debug info used, e.g. under /usr/lib/debug
  bool build_id_mismatch = false;  // the file on disk is not the one that was recorded
  std::uint64_t samples = 0;       // samples whose leaf is in this module
};

// Why a thread was off CPU, as far as the recording tells (docs/record.md, "Off-CPU time"):
// runnable (preempted or yielding: it wanted a CPU), sleep (futex, nanosleep, poll, a pipe or
// socket read), io (uninterruptible: disk I/O), major_fault (I/O of a page fault), unknown (it
// blocked, and the privilege level does not tell why).
enum class OffCpuReason : std::uint8_t { runnable, sleep, io, major_fault, unknown };
inline constexpr std::size_t kOffCpuReasons = 5;

[[nodiscard]] inline const char* off_cpu_reason_name(OffCpuReason r) {
  switch (r) {
    case OffCpuReason::runnable:
      return "runnable";
    case OffCpuReason::sleep:
      return "sleep";
    case OffCpuReason::io:
      return "io";
    case OffCpuReason::major_fault:
      return "major-fault";
    case OffCpuReason::unknown:
      break;
  }
  return "unknown";
}

// The outermost frame of a wait's chain that stops short of a root (main, a thread's start): its
// frame-pointer walk ran out of the wait sample's stack copy (docs/record.md, "Off-CPU time").
inline constexpr std::string_view kTruncatedFrame = "[truncated]";

// One stretch of a thread's time off CPU, from its switch-out to its next switch-in.
struct OffCpuInterval {
  std::int64_t start_ns = 0, end_ns = 0;  // since the run's time zero
  pid_t pid = 0, tid = 0;
  OffCpuReason reason = OffCpuReason::unknown;
  std::vector<std::uint32_t> stack;  // the wait's call chain, leaf first; empty when not recorded
};

// A thread's life within the recording: from its creation (or time zero) to its exit (or the end).
struct ThreadSpan {
  pid_t pid = 0, tid = 0;
  std::int64_t start_ns = 0, end_ns = 0;
};

// The length of [a0, a1) within [b0, b1): how much of an interval falls in a phase or a window.
[[nodiscard]] inline std::int64_t overlap_ns(std::int64_t a0, std::int64_t a1, std::int64_t b0, std::int64_t b1) {
  const std::int64_t lo = a0 > b0 ? a0 : b0;
  const std::int64_t hi = a1 < b1 ? a1 : b1;
  return hi > lo ? hi - lo : 0;
}

struct ResolvedProfile {
  std::string event;
  std::uint64_t frequency_hz = 0;
  std::uint64_t period = 0;
  std::string call_graph;  // "fp" or "dwarf"
  std::uint64_t lost_samples = 0;
  std::uint64_t lost_records = 0;
  std::uint64_t throttled = 0;
  std::uint64_t dwarf_unwound = 0;  // samples whose stack was (partly) unwound with DWARF CFI
  std::uint64_t truncated = 0;      // samples whose chain stops before a thread's or process's root
  std::vector<FrameInfo> frames;
  // Call stacks (indices into frames, leaf first), each kept once for all the samples that share
  // it: a profile has few distinct stacks and many samples of each.
  std::vector<std::vector<std::uint32_t>> stacks;
  std::vector<ResolvedSample> samples;
  std::map<pid_t, std::string> thread_names;  // tid -> comm
  std::vector<ModuleSummary> modules;
  // Off-CPU time: empty (off_cpu_recorded false) for recordings without switch records.
  bool off_cpu_recorded = false;
  std::string off_cpu_mechanism;  // what gave the waits' call chains; "" when none (docs/record.md)
  bool off_cpu_states = false;    // sleep and io told apart (sched_switch's prev_state)
  std::uint64_t lost_waits = 0;   // wait samples lost in ring overruns
  std::vector<OffCpuInterval> off_cpu;
  std::vector<ThreadSpan> thread_spans;
  bool major_faults_recorded = false;           // every major fault was sampled (period 1)
  std::vector<std::int64_t> major_fault_times;  // ns since time zero, all threads, in time order

  [[nodiscard]] const std::vector<std::uint32_t>& stack_of(const ResolvedSample& s) const { return stacks[s.stack]; }
  // A stack added as it is, without looking for an equal one (symbols/ interns its own).
  std::uint32_t add_stack(std::vector<std::uint32_t> stack) {
    stacks.push_back(std::move(stack));
    return static_cast<std::uint32_t>(stacks.size() - 1);
  }
};

}  // namespace perfprobe
