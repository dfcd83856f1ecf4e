// The raw profile of one recorded run (docs/architecture.md): samples with user call chains, and the
// side-band records (mmap, comm, fork, exit) needed to symbolize them later, possibly on another day.
// Plain data: sampling/ fills it, the data file stores it, symbols/ and report/ read it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace perfprobe::sampling {

// fp: the kernel's frame-pointer walk (plus a small stack copy for frameless leaves); dwarf:
// stack copies unwound with DWARF CFI; automatic: frame pointers where the code keeps them,
// DWARF where it does not (decided per sample from the modules its chain passes through).
enum class CallGraph { fp, dwarf, automatic };

[[nodiscard]] inline const char* call_graph_name(CallGraph g) {
  return g == CallGraph::dwarf ? "dwarf" : g == CallGraph::automatic ? "auto" : "fp";
}

// How the samples were taken: what `report` must say next to the figures.
struct SamplingConfig {
  std::string event = "cpu-clock";  // "cycles" where a PMU exists, else "cpu-clock"
  std::uint64_t frequency_hz = 0;   // -F (0 when a fixed period is used)
  std::uint64_t period = 0;         // -c (0 when a frequency is used)
  CallGraph call_graph = CallGraph::fp;
  std::uint32_t stack_bytes = 0;  // user stack copied with each sample (0 = none)
  std::uint32_t ring_pages = 0;   // data pages of each per-CPU ring, as finally mapped
  bool exclude_kernel = true;
};

// One sample. Times are ns since the target's exec (the run's time zero, CLOCK_MONOTONIC).
struct Sample {
  std::int64_t t_ns = 0;
  pid_t pid = 0;
  pid_t tid = 0;
  std::uint32_t cpu = 0;
  std::uint64_t period = 0;
  std::vector<std::uint64_t> callchain;  // user addresses, leaf first (the sampled ip is [0])
  std::uint64_t bp = 0, sp = 0, ip = 0;  // user registers, when a stack was copied
  std::vector<std::uint8_t> stack;       // user stack copied from sp upwards (DWARF unwinding)
};

// A file mapped executable into one process (PERF_RECORD_MMAP2).
struct Mapping {
  std::int64_t t_ns = 0;
  pid_t pid = 0;
  std::uint64_t start = 0;
  std::uint64_t length = 0;
  std::uint64_t pgoff = 0;  // file offset of `start`
  std::string path;
  std::string build_id;  // lower-case hex; empty when unknown
};

struct TaskEvent {
  enum class Kind { comm, fork, exit };
  Kind kind = Kind::comm;
  std::int64_t t_ns = 0;
  pid_t pid = 0, tid = 0;
  pid_t ppid = 0, ptid = 0;  // fork/exit
  std::string comm;          // comm
  bool exec = false;         // a comm that comes from an exec
};

// A thread leaving or entering a CPU (PERF_RECORD_SWITCH on the sampling events).
struct Switch {
  std::int64_t t_ns = 0;
  pid_t pid = 0, tid = 0;
  bool out = false;        // switch-out; else switch-in
  bool preempted = false;  // switched out while still runnable (PERF_RECORD_MISC_SWITCH_OUT_PREEMPT)
};

// A thread's scheduler state as it left the CPU (sched:sched_switch's prev_state), where the
// privilege level lets perfprobe read it.
enum class WaitState : std::uint8_t { unknown, runnable, sleeping, disk, other };

// A sample whose call chain explains a wait: taken as a thread left the CPU (switch_out), or at a
// major page fault (major_fault: counted by the kernel once the fault's I/O is done).
struct WaitSample {
  enum class Kind : std::uint8_t { switch_out, major_fault };
  Kind kind = Kind::switch_out;
  WaitState state = WaitState::unknown;
  Sample sample;
};

// How off-CPU time was recorded (docs/record.md, "Off-CPU time"). `mechanism` names what gave the
// call chains of waits: "sched_switch" (tracepoint, root), "context-switches" (software event),
// or "" (switch records only: times and the preempt flag, no chains).
struct OffCpuConfig {
  bool switches = false;      // switch records were asked for
  std::string mechanism;      // see above
  bool states = false;        // WaitSample::state is known (sched_switch)
  bool major_faults = false;  // major faults were sampled
  std::int64_t end_ns = 0;    // end of the recording, ns since time zero (threads still waiting then)
};

// An attached thread's scheduler state in /proc at the window's start and end ('R', 'S', 'D'...; '?'
// not read): a thread that waits through the whole window has no switch record in it.
struct WindowState {
  pid_t pid = 0, tid = 0;
  char start = '?', end = '?';
};

struct Profile {
  SamplingConfig config;
  OffCpuConfig off_cpu;
  std::vector<Switch> switches;
  std::vector<WaitSample> waits;
  std::vector<Sample> samples;
  std::vector<Mapping> mappings;
  std::vector<TaskEvent> tasks;
  std::vector<WindowState> window_states;  // attach: every thread found at the start
  std::uint64_t lost_samples = 0;          // summed over PERF_RECORD_LOST records
  std::uint64_t lost_records = 0;          // how many LOST records (ring overruns)
  std::uint64_t throttled = 0;             // PERF_RECORD_THROTTLE
  std::uint64_t unthrottled = 0;
  std::uint64_t unknown_records = 0;
  std::uint64_t lost_waits = 0;  // wait samples lost in their rings' overruns
};

}  // namespace perfprobe::sampling
