// USDT sampling through per-CPU uprobe events, filtered to the target's process tree.
#include "perfprobe/markers/usdt.hpp"

#include <linux/perf_event.h>

#include <bit>
#include <cstring>
#include <ctime>

#include "perfprobe/error.hpp"
#include "perfprobe/sys/perf.hpp"
#include "perfprobe/sys/perf_ring.hpp"

namespace perfprobe::markers {

namespace {

constexpr std::size_t kProbePages = 256;  // 1 MiB per CPU: ~3000 hits with a 2 KiB stack copy
constexpr std::size_t kForkPages = 16;
constexpr std::uint32_t kStackBytes = 2048;  // enough for -N(%rbp)/N(%rsp) operands of the probing frame

template <typename T>
T take(const char*& p, const char* end) {
  T v{};
  if (p + sizeof v <= end) std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

constexpr std::uint64_t kRetprobeBit = 1;  // /sys/bus/event_source/devices/uprobe/format/retprobe: config:0

// "usdt" or "uprobe", for the one-line messages.
std::string kind_of(const std::vector<ProbePoint>& points) {
  bool usdt = false;
  bool uprobe = false;
  for (const auto& p : points) (p.source == EventSource::usdt ? usdt : uprobe) = true;
  return usdt && uprobe ? "usdt/uprobe" : usdt ? "usdt" : "uprobe";
}

std::string open_error(int err, const std::string& kind, const std::string& what) {
  if (err == EACCES || err == EPERM) {
    return kind +
           ": uprobes need root (CAP_SYS_ADMIN; CAP_PERFMON is not enough); the marker API and output "
           "specs work without it";
  }
  return kind + ": cannot attach to " + what + ": " + std::strerror(err);
}

}  // namespace

ProbePoint usdt_point(const elf::SdtProbe& probe) {
  ProbePoint p;
  p.source = EventSource::usdt;
  p.name = probe.provider + ":" + probe.name;
  p.path = probe.path;
  p.offset = probe.offset;
  p.ref_ctr_offset = probe.semaphore_offset;
  p.args = parse_sdt_args(probe.args);
  return p;
}

std::vector<SdtArg> calling_convention_args(bool ret) {
  std::vector<SdtArg> out;
  for (const char* reg :
       ret ? std::vector<const char*>{"rax"} : std::vector<const char*>{"rdi", "rsi", "rdx", "rcx", "r8", "r9"}) {
    SdtArg a;
    a.kind = SdtArg::Kind::reg;
    a.size = 8;
    a.is_signed = true;
    a.reg = perf_register(reg);
    out.push_back(a);
  }
  return out;
}

UsdtSession::UsdtSession(const std::vector<ProbePoint>& points, pid_t root) : points_(points) {
  tree_.insert(static_cast<std::uint32_t>(root));
  for (const auto& p : points_) {
    for (const auto& a : p.args) need_stack_ = need_stack_ || a.kind == SdtArg::Kind::mem;
  }
  if (sys::uprobe_pmu_type() < 0)
    throw Error(kind_of(points_) + ": this kernel has no uprobe PMU (/sys/bus/event_source/devices/uprobe)");
  for (int cpu = 0; cpu < sys::online_cpus(); ++cpu) open_cpu(cpu, root, points_);
}

void UsdtSession::open_cpu(int cpu, pid_t root, const std::vector<ProbePoint>& points) {
  Ring probe_ring;
  for (std::size_t i = 0; i < points.size(); ++i) {
    perf_event_attr a{};
    a.size = sizeof a;
    a.type = static_cast<std::uint32_t>(sys::uprobe_pmu_type());
    a.config = points[i].ref_ctr_offset << 32;  // ref_ctr_offset: the kernel keeps the semaphore raised
    if (points[i].ret) a.config |= kRetprobeBit;
    a.config1 = reinterpret_cast<std::uint64_t>(points[i].path.c_str());
    a.config2 = points[i].offset;
    a.sample_period = 1;
    a.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_REGS_USER |
                    (need_stack_ ? PERF_SAMPLE_STACK_USER : 0);
    a.sample_regs_user = kSdtRegsMask;
    a.sample_stack_user = need_stack_ ? kStackBytes : 0;
    a.use_clockid = 1;
    a.clockid = CLOCK_MONOTONIC;  // the timeline's clock (docs/kernel-facts.md §10)
    a.watermark = 1;
    a.wakeup_watermark = 16384;
    int err = 0;
    sys::Fd fd = sys::perf_open(a, -1, cpu, -1, 0, err);  // never inherit (see the header)
    if (!fd.valid()) throw Error(open_error(err, kind_of(points), points[i].name + " in " + points[i].path));
    probe_of_id_[sys::perf_event_id(fd.get())] = i;
    if (!probe_ring.fd.valid()) {
      probe_ring.map = sys::map_perf_ring(fd.get(), kProbePages);
      probe_ring.fd = std::move(fd);
    } else {
      if (const int e = sys::perf_set_output(fd.get(), probe_ring.fd.get()); e != 0)
        throw Error(open_error(e, kind_of(points), "a shared ring"));
      members_.push_back(std::move(fd));
    }
  }
  perf_event_attr d{};
  d.size = sizeof d;
  d.type = PERF_TYPE_SOFTWARE;
  d.config = PERF_COUNT_SW_DUMMY;
  d.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME;
  d.sample_id_all = 1;
  d.task = 1;     // FORK and EXIT records of every descendant
  d.inherit = 1;  // harmless for a software event; only uprobe events break inheritance
  d.exclude_kernel = 1;
  d.use_clockid = 1;
  d.clockid = CLOCK_MONOTONIC;
  int err = 0;
  Ring fork_ring{sys::perf_open(d, root, cpu, -1, 0, err), {}};
  if (!fork_ring.fd.valid()) {
    throw Error(kind_of(points) + ": cannot follow the target's forks: " + std::string(std::strerror(err)));
  }
  fork_ring.map = sys::map_perf_ring(fork_ring.fd.get(), kForkPages);
  rings_.push_back(std::move(probe_ring));
  rings_.push_back(std::move(fork_ring));
}

std::vector<int> UsdtSession::ring_fds() const {
  std::vector<int> fds;
  for (std::size_t i = 0; i < rings_.size(); i += 2) fds.push_back(rings_[i].fd.get());
  return fds;
}

void UsdtSession::on_sample(const char* p, const char* end) {
  const auto id = take<std::uint64_t>(p, end);
  const auto pid = take<std::uint32_t>(p, end);
  (void)take<std::uint32_t>(p, end);  // tid
  const auto time = take<std::uint64_t>(p, end);
  const auto it = probe_of_id_.find(id);
  if (it == probe_of_id_.end()) return;
  std::vector<std::uint64_t> regs;
  if (take<std::uint64_t>(p, end) != PERF_SAMPLE_REGS_ABI_NONE) {
    for (int i = 0; i < std::popcount(kSdtRegsMask); ++i) regs.push_back(take<std::uint64_t>(p, end));
  }
  std::vector<char> stack;
  if (need_stack_) {
    const auto size = take<std::uint64_t>(p, end);
    if (size > 0 && p + size + 8 <= end) {
      const char* data = p;
      p += size;
      const auto dyn = take<std::uint64_t>(p, end);
      stack.assign(data, data + std::min(size, dyn));
    }
  }
  Event e;
  e.t_ns = static_cast<std::int64_t>(time);
  e.kind = EventKind::marker;
  const ProbePoint& point = points_[it->second];
  e.source = point.source;
  e.name = point.name;
  for (const auto& a : point.args) e.args.push_back(decode_sdt_arg(a, regs, stack).value_or(0));
  if (tree_.count(pid) != 0) {
    out_->push_back(std::move(e));
  } else {
    pending_.push_back(Pending{pid, std::move(e)});
  }
}

void UsdtSession::read_ring(Ring& ring, bool forks_only) {
  sys::read_perf_ring(ring.map, [&](std::string_view rec) {
    perf_event_header h{};
    std::memcpy(&h, rec.data(), sizeof h);
    const char* p = rec.data() + sizeof h;
    const char* end = rec.data() + rec.size();
    if (forks_only && h.type == PERF_RECORD_FORK) {
      const auto pid = take<std::uint32_t>(p, end);
      const auto ppid = take<std::uint32_t>(p, end);
      if (tree_.count(ppid) != 0) tree_.insert(pid);
    } else if (!forks_only && h.type == PERF_RECORD_SAMPLE) {
      on_sample(p, end);
    } else if (h.type == PERF_RECORD_LOST) {
      (void)take<std::uint64_t>(p, end);
      lost_ += take<std::uint64_t>(p, end);
    }
  });
}

void UsdtSession::drain(std::vector<Event>& out, bool final) {
  out_ = &out;
  for (std::size_t i = 1; i < rings_.size(); i += 2) read_ring(rings_[i], true);  // forks first
  for (std::size_t i = 0; i < rings_.size(); i += 2) read_ring(rings_[i], false);
  std::vector<Pending> still;
  for (auto& pnd : pending_) {
    if (tree_.count(pnd.pid) != 0) {
      out.push_back(std::move(pnd.event));
    } else if (!final) {
      still.push_back(std::move(pnd));
    }
  }
  pending_ = std::move(still);
  out_ = nullptr;
}

}  // namespace perfprobe::markers
