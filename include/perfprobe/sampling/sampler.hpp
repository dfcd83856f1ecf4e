// Sampling a target through perf_event_open: one event per CPU on each task, inherited by the
// threads and processes it creates, each CPU's samples in one small ring (docs/kernel-facts.md §4:
// per-task + inherit cannot be mmap'd). Cycles where a PMU exists, cpu-clock otherwise.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "perfprobe/sampling/profile.hpp"

namespace perfprobe::sampling {

inline constexpr std::uint64_t kDefaultFrequencyHz = 999;  // "about 1 kHz", off the 1 kHz timer tick
inline constexpr std::uint32_t kDefaultRingPages = 64;     // 256 KiB per CPU: fits the unprivileged budget
inline constexpr std::uint32_t kFpStackBytes = 512;        // enough to find a frameless leaf's caller
inline constexpr std::uint32_t kDwarfStackBytes = 8192;
inline constexpr std::uint32_t kMaxStackBytes = 65528;  // 65536 is EINVAL (docs/kernel-facts.md §3)

// Off-CPU recording (docs/record.md, "Off-CPU time"). switches: the sampling events also carry
// every switch of the target's threads (times, preempted or not). automatic: that, plus the call
// chain of each wait and its reason where the privilege level allows (sched:sched_switch as
// root, else the context-switches event where it fires), plus major faults.
enum class OffCpuMode { none, switches, automatic };

// Stack bytes the kernel copies with a wait's sample: the drain walks the frame-pointer chain in
// them (frame records up to 512 bytes above the stack pointer: the waits of every fixture but
// three, docs/kernel-facts.md §12), and report's unwinder finds the frameless leaf's caller (a C
// library wrapper's) in them; small enough that a program switching 100,000 times a second does
// not overrun its ring (a 1 KiB copy lost several times more waits on bench/switchy.c).
inline constexpr std::uint32_t kWaitCopyBytes = 512;
// Of that copy, the bytes a wait sample keeps in the data file (before the call-graph mode's trim).
inline constexpr std::uint32_t kWaitStackBytes = 512;

struct SamplerOptions {
  std::uint64_t frequency_hz = kDefaultFrequencyHz;  // used when period == 0
  std::uint64_t period = 0;                          // -c: one sample every `period` events
  CallGraph call_graph = CallGraph::automatic;
  std::uint32_t stack_bytes = 0;                 // 0: the call-graph mode's default
  std::uint32_t ring_pages = kDefaultRingPages;  // data pages per CPU, a power of two
  std::string force_event;                       // "cpu-clock" to skip the cycles attempt (tests)
  OffCpuMode off_cpu = OffCpuMode::automatic;
};

class Sampler {
 public:
  // Opens the sampling events on `tids`. Launched target: {pid}, disabled until exec
  // (enable_on_exec). Attached: every existing thread, enabled at once. Throws perfprobe::Error
  // naming the reason and the fix when no event can be opened.
  Sampler(const SamplerOptions& options, const std::vector<pid_t>& tids, bool enable_on_exec);
  ~Sampler();
  Sampler(Sampler&&) noexcept;
  Sampler& operator=(Sampler&&) noexcept;
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // Moves every record now in the rings into `out` (absolute CLOCK_MONOTONIC times).
  void drain(Profile& out);
  // Stops sampling (before the last drain of an attach, so the target is left alone).
  void disable() noexcept;
  // The fds of the wait rings (none without wait events): readable when a ring is a quarter full,
  // so a burst of waits is drained before the next timer tick; each hangs up for good once its
  // task and the tasks that inherited its event have exited (sys::perf_hung_up).
  [[nodiscard]] std::vector<int> wakeup_fds() const;
  [[nodiscard]] const SamplingConfig& config() const noexcept;
  // What off-CPU recording got (end_ns is the caller's to set).
  [[nodiscard]] const OffCpuConfig& off_cpu() const noexcept;
  // Messages for the user: ring shrunk for the mlock budget, threads that vanished...
  [[nodiscard]] const std::vector<std::string>& notes() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Rebases every time in `profile` from absolute CLOCK_MONOTONIC to ns since `t0_ns`.
void rebase_times(Profile& profile, std::int64_t t0_ns);

// Why perf_event_open/mmap refused sampling, in words a user can act on.
[[nodiscard]] std::string explain_sampling_error(int err);

}  // namespace perfprobe::sampling
