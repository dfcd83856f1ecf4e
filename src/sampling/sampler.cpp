// Opening the sampling events and their rings, with the fallbacks this machine needs: cpu-clock
// when there is no PMU, smaller rings when the unprivileged mlock budget is exhausted; and the
// wait events of off-CPU recording, in rings of their own so that a burst of waits never costs
// the switch records their place.
#include "perfprobe/sampling/sampler.hpp"

#include <linux/perf_event.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>

#include "perfprobe/error.hpp"
#include "perfprobe/sys/fd.hpp"
#include "perfprobe/sys/perf.hpp"
#include "perfprobe/sys/perf_ring.hpp"
#include "perfprobe/sys/tracefs.hpp"
#include "record_parser.hpp"
#include "ring.hpp"

namespace perfprobe::sampling {

namespace {

// BP, SP, IP: enough to start a DWARF unwind (perf register numbers, docs/kernel-facts.md §3).
constexpr std::uint64_t kRegsMask = (1ULL << 6) | (1ULL << 7) | (1ULL << 8);

// What every event of a recording shares: inherited by the target's threads, started at its exec
// (or at once for attach), no kernel call chains, and timestamps on the timeline's clock.
perf_event_attr recording_attr(bool enable_on_exec) {
  perf_event_attr a{};
  a.size = sizeof a;
  a.sample_id_all = 1;
  a.exclude_hv = 1;
  a.exclude_callchain_kernel = 1;
  a.inherit = 1;
  a.disabled = enable_on_exec ? 1 : 0;
  a.enable_on_exec = enable_on_exec ? 1 : 0;
  // The rings are drained on a timer, never polled: a wakeup per sample (wakeup_events 0 means 1)
  // would queue an irq_work per sample, a costly VM exit on machines like ours.
  a.wakeup_events = 1024;
  // Same clock as the timeline, so samples line up with markers and RSS (docs/kernel-facts.md §10).
  a.use_clockid = 1;
  a.clockid = CLOCK_MONOTONIC;
  return a;
}

perf_event_attr sampling_attr(const SamplerOptions& o, bool cycles, std::uint32_t stack_bytes, bool enable_on_exec) {
  // Switch records come from the sampling events themselves: side-band records of the target's
  // own events, which need no privilege (docs/kernel-facts.md §12).
  perf_event_attr a = recording_attr(enable_on_exec);
  a.type = cycles ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE;
  a.config = cycles ? std::uint64_t{PERF_COUNT_HW_CPU_CYCLES} : std::uint64_t{PERF_COUNT_SW_CPU_CLOCK};
  if (o.period != 0) {
    a.sample_period = o.period;
  } else {
    a.freq = 1;
    a.sample_freq = o.frequency_hz;
  }
  a.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD |
                  PERF_SAMPLE_CALLCHAIN;
  if (stack_bytes > 0) {
    a.sample_type |= PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
    a.sample_regs_user = kRegsMask;
    a.sample_stack_user = stack_bytes;
  }
  a.mmap = 1;
  a.mmap2 = 1;
  a.comm = 1;
  a.comm_exec = 1;
  a.task = 1;
  a.build_id = 1;
  a.context_switch = o.off_cpu != OffCpuMode::none ? 1 : 0;
  // User space only: works unprivileged at paranoid 2 (docs/kernel-facts.md §2).
  a.exclude_kernel = 1;
  return a;
}

// One sample per event: the wait events (a switch-out, a major fault); IDENTIFIER first tells the
// events of one ring apart. No kernel call chain: the kernel's frame-pointer walk of the user stack
// costs microseconds per sample here, a copy of the stack next to nothing, and the drain walks the
// same frame records in the copy (docs/kernel-facts.md §12).
perf_event_attr wait_attr(std::uint32_t wakeup_bytes, bool enable_on_exec) {
  perf_event_attr a = recording_attr(enable_on_exec);
  // A burst of waits can fill a ring between two timer drains: the ring's fd wakes the drain when a
  // quarter of it is written (Sampler::wakeup_fds).
  a.watermark = 1;
  a.wakeup_watermark = wakeup_bytes;
  a.sample_period = 1;
  a.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
                  PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
  a.sample_regs_user = kRegsMask;
  a.sample_stack_user = kWaitCopyBytes;
  return a;
}

// One kind of wait event, ready to open.
struct WaitEvent {
  perf_event_attr attr;
  RecordLayout layout;
};

// sched:sched_switch fires as a thread leaves the CPU and says in what state (root: tracefs
// and kernel-side events, docs/kernel-facts.md §12).
std::optional<WaitEvent> sched_switch_event(std::uint32_t wakeup_bytes, bool enable_on_exec) {
  const auto format = sys::read_tracepoint_format("sched", "sched_switch");
  if (!format) return std::nullopt;
  WaitEvent e{wait_attr(wakeup_bytes, enable_on_exec), {}};
  e.attr.type = PERF_TYPE_TRACEPOINT;
  e.attr.config = format->id;
  e.attr.sample_type |= PERF_SAMPLE_RAW;
  const auto state = format->fields.find("prev_state");
  if (state != format->fields.end() && state->second.size == 8) e.layout.state_offset = state->second.offset;
  return e;
}

// The context-switches software event also samples at switch-out, but it fires in the kernel:
// it needs kernel-side events (root or CAP_PERFMON), and gives no state.
WaitEvent context_switch_event(std::uint32_t wakeup_bytes, bool enable_on_exec) {
  WaitEvent e{wait_attr(wakeup_bytes, enable_on_exec), {}};
  e.attr.type = PERF_TYPE_SOFTWARE;
  e.attr.config = PERF_COUNT_SW_CONTEXT_SWITCHES;
  return e;
}

// Major faults are counted with the faulting user registers, so they sample unprivileged.
WaitEvent major_fault_event(std::uint32_t wakeup_bytes, bool enable_on_exec) {
  WaitEvent e{wait_attr(wakeup_bytes, enable_on_exec), {}};
  e.attr.type = PERF_TYPE_SOFTWARE;
  e.attr.config = PERF_COUNT_SW_PAGE_FAULTS_MAJ;
  e.attr.exclude_kernel = 1;
  e.layout.wait_kind = WaitSample::Kind::major_fault;
  return e;
}

}  // namespace

struct Sampler::State {
  SamplingConfig config;
  RecordLayout layout;
  std::vector<sys::Fd> fds;  // every event; the first of each CPU owns that CPU's ring
  std::vector<Ring> rings;
  std::vector<std::string> notes;
  std::uint64_t malformed = 0;
  OffCpuConfig off_cpu;
  std::vector<sys::Fd> wait_fds;  // every wait event, tid-major then CPU, as `fds`
  std::vector<Ring> wait_rings;
  WaitLayouts wait_layouts;
};

std::string explain_sampling_error(int err) {
  switch (err) {
    case EACCES:
    case EPERM:
      return std::string("permission denied (") + std::strerror(err) + "): kernel.perf_event_paranoid is " +
             std::to_string(sys::perf_event_paranoid()) +
             "; user-space sampling of your own processes needs paranoid <= 2, other users' need CAP_PERFMON";
    case ESRCH:
      return "the target exited before sampling could start (ESRCH)";
    case EMFILE:
    case ENFILE:
      return "too many open files for one event per CPU and thread (raise `ulimit -n`)";
    case EINVAL:
      return "the kernel rejected the sampling attributes (EINVAL): try a lower -F or a smaller --stack-size";
    default:
      return std::string("perf_event_open failed: ") + std::strerror(err);
  }
}

namespace {

// Opens one event per CPU on every tid. Returns 0, or the errno that stopped it.
int open_all(perf_event_attr attr, const std::vector<pid_t>& tids, int cpus, std::vector<sys::Fd>& fds,
             std::vector<int>& first_of_cpu, std::size_t& vanished) {
  fds.clear();
  first_of_cpu.assign(static_cast<std::size_t>(cpus), -1);
  for (const pid_t tid : tids) {
    std::vector<sys::Fd> mine;
    int err = 0;
    for (int cpu = 0; cpu < cpus && err == 0; ++cpu) {
      sys::Fd fd = sys::perf_open(attr, tid, cpu, -1, 0, err);
      if (fd.valid()) mine.push_back(std::move(fd));
    }
    if (err == ESRCH && tids.size() > 1) {  // a thread that exited meanwhile is no failure
      ++vanished;
      continue;
    }
    if (err != 0) return err;
    for (int cpu = 0; cpu < cpus; ++cpu) {
      auto& first = first_of_cpu[static_cast<std::size_t>(cpu)];
      if (first < 0) first = static_cast<int>(fds.size());
      fds.push_back(std::move(mine[static_cast<std::size_t>(cpu)]));
    }
  }
  return fds.empty() ? ESRCH : 0;
}

// One ring per CPU, owned by the first event opened on that CPU. EPERM means the
// perf_event_mlock_kb budget is spent: halve the ring until it fits (docs/kernel-facts.md §2).
std::uint32_t map_rings(const std::vector<sys::Fd>& fds, const std::vector<int>& first_of_cpu, std::uint32_t asked,
                        std::vector<Ring>& rings, std::vector<std::string>& notes) {
  std::uint32_t pages = std::bit_floor(std::max<std::uint32_t>(asked, 1));
  int err = 0;
  for (const int first : first_of_cpu) {
    const int owner = fds[static_cast<std::size_t>(first)].get();
    Ring ring = Ring::map(owner, pages, err);
    while (!ring.valid() && err == EPERM && pages > 1) {
      pages /= 2;
      ring = Ring::map(owner, pages, err);
    }
    if (!ring.valid()) {
      throw Error("cannot map the sample ring buffer: " + explain_sampling_error(err),
                  "lower --mmap-pages or raise kernel.perf_event_mlock_kb");
    }
    rings.push_back(std::move(ring));
  }
  if (pages < asked) {
    notes.push_back("sample rings shrunk to " + std::to_string(pages) +
                    " pages per CPU to fit kernel.perf_event_mlock_kb");
  }
  return pages;
}

// The other tasks' events on each CPU write into that CPU's ring (PERF_EVENT_IOC_SET_OUTPUT).
void share_rings(const std::vector<sys::Fd>& fds, const std::vector<int>& first_of_cpu) {
  const std::size_t cpus = first_of_cpu.size();
  for (std::size_t i = 0; i < fds.size(); ++i) {
    const int owner = fds[static_cast<std::size_t>(first_of_cpu[i % cpus])].get();
    if (fds[i].get() == owner) continue;
    if (const int err = sys::perf_set_output(fds[i].get(), owner); err != 0) {
      sys::throw_errno("cannot share the sample ring of CPU " + std::to_string(i % cpus), err);
    }
  }
}

// Opens `e` on every tid and CPU into `fds` (appended) and records each event's id with its
// layout. Returns 0 or the errno that stopped it (then nothing was added).
int open_wait_event(WaitEvent e, const std::vector<pid_t>& tids, int cpus, std::vector<sys::Fd>& fds,
                    WaitLayouts& layouts) {
  std::vector<sys::Fd> opened;
  std::vector<int> first;
  std::size_t vanished = 0;
  if (const int err = open_all(e.attr, tids, cpus, opened, first, vanished); err != 0) return err;
  e.layout.sample_type = e.attr.sample_type;
  e.layout.regs_mask = e.attr.sample_regs_user;
  e.layout.regs_count = static_cast<std::uint32_t>(std::popcount(e.attr.sample_regs_user));
  e.layout.kept_stack_bytes = kWaitStackBytes;
  for (auto& fd : opened) {
    layouts.emplace_back(sys::perf_event_id(fd.get()), e.layout);
    fds.push_back(std::move(fd));
  }
  return 0;
}

// The wait events this privilege level allows, in their own per-CPU rings: the chain of each
// switch-out (sched_switch, else context-switches) and major faults. Whatever does not open is
// simply not recorded; `off_cpu.mechanism` says what did.
struct WaitEvents {
  OffCpuConfig& config;
  std::vector<sys::Fd>& fds;
  WaitLayouts& layouts;
  std::vector<Ring>& rings;
  std::vector<std::string>& notes;
};
void open_wait_events(const SamplerOptions& o, const std::vector<pid_t>& tids, bool enable_on_exec, WaitEvents st);

}  // namespace

Sampler::Sampler(const SamplerOptions& o, const std::vector<pid_t>& tids, bool enable_on_exec)
    : state_(std::make_unique<State>()) {
  auto& st = *state_;
  const std::uint32_t stack = o.stack_bytes != 0              ? o.stack_bytes
                              : o.call_graph != CallGraph::fp ? kDwarfStackBytes
                                                              : kFpStackBytes;
  const int cpus = sys::online_cpus();
  std::vector<int> first_of_cpu;
  std::size_t vanished = 0;
  int err = ENOENT;
  bool cycles = o.force_event.empty() || o.force_event == "cycles";
  perf_event_attr attr{};
  if (cycles) {
    attr = sampling_attr(o, true, stack, enable_on_exec);
    err = open_all(attr, tids, cpus, st.fds, first_of_cpu, vanished);
    // No PMU (ENOENT/EOPNOTSUPP/ENODEV) is the common case in VMs: fall back to the CPU timer.
    cycles = err == 0;
  }
  if (!cycles && o.force_event != "cycles") {
    attr = sampling_attr(o, false, stack, enable_on_exec);
    err = open_all(attr, tids, cpus, st.fds, first_of_cpu, vanished);
  }
  if (err != 0) throw Error("cannot sample the target: " + explain_sampling_error(err));
  if (vanished > 0) st.notes.push_back(std::to_string(vanished) + " thread(s) exited before sampling started");

  const std::uint32_t pages = map_rings(st.fds, first_of_cpu, o.ring_pages, st.rings, st.notes);
  share_rings(st.fds, first_of_cpu);
  st.layout.sample_type = attr.sample_type;
  st.layout.regs_mask = attr.sample_regs_user;
  st.layout.regs_count = static_cast<std::uint32_t>(std::popcount(attr.sample_regs_user));
  st.config.event = cycles ? "cycles" : "cpu-clock";
  st.config.frequency_hz = o.period != 0 ? 0 : o.frequency_hz;
  st.config.period = o.period;
  st.config.call_graph = o.call_graph;
  st.config.stack_bytes = stack;
  st.config.ring_pages = pages;
  st.off_cpu.switches = o.off_cpu != OffCpuMode::none;
  if (o.off_cpu == OffCpuMode::automatic) {
    open_wait_events(o, tids, enable_on_exec, {st.off_cpu, st.wait_fds, st.wait_layouts, st.wait_rings, st.notes});
  }
}

namespace {

void open_wait_events(const SamplerOptions& o, const std::vector<pid_t>& tids, bool enable_on_exec, WaitEvents st) {
  const int cpus = sys::online_cpus();
  // A switch-out sample is written at every wait: its rings are twice the sampling rings, so that
  // a program switching tens of thousands of times a second fits between two drains. Switch-outs
  // need privilege (and with it the mlock budget); major faults alone do not: their rings stay.
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const auto wakeup = static_cast<std::uint32_t>(std::min<std::uint64_t>(2ULL * o.ring_pages * page / 4, 1U << 30));
  if (auto tp = sched_switch_event(wakeup, enable_on_exec);
      tp && open_wait_event(*tp, tids, cpus, st.fds, st.layouts) == 0) {
    st.config.mechanism = "sched_switch";
    st.config.states = tp->layout.state_offset >= 0;
  } else if (open_wait_event(context_switch_event(wakeup, enable_on_exec), tids, cpus, st.fds, st.layouts) == 0) {
    st.config.mechanism = "context-switches";
  }
  st.config.major_faults =
      open_wait_event(major_fault_event(wakeup, enable_on_exec), tids, cpus, st.fds, st.layouts) == 0;
  if (st.fds.empty()) return;
  std::vector<int> first_of_cpu(static_cast<std::size_t>(cpus));
  for (int cpu = 0; cpu < cpus; ++cpu) first_of_cpu[static_cast<std::size_t>(cpu)] = cpu;
  const std::uint32_t pages = st.config.mechanism.empty() ? o.ring_pages : 2 * o.ring_pages;
  try {
    map_rings(st.fds, first_of_cpu, pages, st.rings, st.notes);
    share_rings(st.fds, first_of_cpu);
  } catch (const Error& e) {
    // Switch records alone still give off-CPU time: the recording goes on without chains.
    st.notes.push_back(std::string("no call chains of waits: ") + e.what());
    st.rings.clear();
    st.fds.clear();
    st.layouts.clear();
    st.config.mechanism.clear();
    st.config.states = false;
    st.config.major_faults = false;
  }
}

}  // namespace

Sampler::~Sampler() = default;
Sampler::Sampler(Sampler&&) noexcept = default;
Sampler& Sampler::operator=(Sampler&&) noexcept = default;

void Sampler::drain(Profile& out) {
  auto& st = *state_;
  for (auto& ring : st.rings) {
    ring.drain([&](std::span<const std::uint8_t> rec) {
      if (!parse_record(rec, st.layout, out)) ++st.malformed;
    });
  }
  for (auto& ring : st.wait_rings) {
    ring.drain([&](std::span<const std::uint8_t> rec) {
      if (!parse_wait_record(rec, st.wait_layouts, out)) ++st.malformed;
    });
  }
  out.unknown_records += std::exchange(st.malformed, 0);
}

void Sampler::disable() noexcept {
  for (const auto& fd : state_->fds) sys::perf_disable(fd.get());
  for (const auto& fd : state_->wait_fds) sys::perf_disable(fd.get());
}

std::vector<int> Sampler::wakeup_fds() const {
  std::vector<int> fds;
  if (state_->wait_rings.empty()) return fds;
  // The ring of CPU n belongs to the wait event opened first on it: index n (open_wait_events).
  fds.reserve(state_->wait_rings.size());
  for (std::size_t cpu = 0; cpu < state_->wait_rings.size(); ++cpu) fds.push_back(state_->wait_fds[cpu].get());
  return fds;
}

const SamplingConfig& Sampler::config() const noexcept { return state_->config; }
const OffCpuConfig& Sampler::off_cpu() const noexcept { return state_->off_cpu; }
const std::vector<std::string>& Sampler::notes() const noexcept { return state_->notes; }

}  // namespace perfprobe::sampling
