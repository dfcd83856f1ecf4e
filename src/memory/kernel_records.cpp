// kmem:rss_stat and page-fault samples of a launched target, one ring per CPU.
#include "perfprobe/memory/kernel_records.hpp"

#include <linux/perf_event.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <string>

#include "perfprobe/error.hpp"
#include "perfprobe/sys/perf.hpp"
#include "perfprobe/sys/perf_ring.hpp"
#include "perfprobe/sys/tracefs.hpp"

namespace perfprobe::memory {

namespace {

// 512 KiB per CPU: about 10,000 records between two drains; the ring wakes perfprobe half full.
constexpr std::size_t kRingPages = 128;
constexpr std::uint32_t kWakeupBytes = kRingPages * 4096 / 2;

template <typename T>
T take_at(std::string_view data, std::size_t offset) {
  T v{};
  if (offset + sizeof v <= data.size()) std::memcpy(&v, data.data() + offset, sizeof v);
  return v;
}

perf_event_attr sampled(std::uint64_t period) {
  perf_event_attr a{};
  a.size = sizeof a;
  a.sample_period = period;
  a.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TIME;
  a.inherit = 1;
  a.disabled = 1;
  a.enable_on_exec = 1;
  a.use_clockid = 1;
  a.clockid = CLOCK_MONOTONIC;  // the probes' clock (docs/kernel-facts.md §10)
  a.watermark = 1;
  a.wakeup_watermark = kWakeupBytes;
  return a;
}

}  // namespace

KernelRecorder::KernelRecorder(pid_t pid, std::uint64_t period, bool faults) : period_(period) {
  const auto format = sys::read_tracepoint_format("kmem", "rss_stat");
  if (!format)
    throw Error(
        "kernel records: the kmem:rss_stat tracepoint cannot be read (needs root, and tracefs mounted: mount -t "
        "tracefs nodev /sys/kernel/tracing)");
  tracepoint_id_ = format->id;
  const auto field = [&](const char* name, int& offset) {
    if (const auto it = format->fields.find(name); it != format->fields.end()) offset = it->second.offset;
  };
  field("mm_id", mm_offset_);
  field("member", member_offset_);
  field("size", size_offset_);
  records_.period = period;
  records_.faults = faults;
  for (int cpu = 0; cpu < sys::online_cpus(); ++cpu) open_cpu(cpu, pid, faults);
}

void KernelRecorder::open_cpu(int cpu, pid_t pid, bool faults) {
  perf_event_attr rss = sampled(period_);
  rss.type = PERF_TYPE_TRACEPOINT;
  rss.config = tracepoint_id_;
  rss.sample_type |= PERF_SAMPLE_RAW;
  int err = 0;
  Ring ring{sys::perf_open(rss, pid, cpu, -1, 0, err), {}};
  if (!ring.fd.valid()) throw Error("kernel records: cannot open kmem:rss_stat: " + std::string(std::strerror(err)));
  is_fault_[sys::perf_event_id(ring.fd.get())] = false;
  ring.map = sys::map_perf_ring(ring.fd.get(), kRingPages);
  if (faults) {
    perf_event_attr pf = sampled(period_);
    pf.type = PERF_TYPE_SOFTWARE;
    pf.config = PERF_COUNT_SW_PAGE_FAULTS;  // user and kernel mode, as root's page-faults counter
    sys::Fd fd = sys::perf_open(pf, pid, cpu, -1, 0, err);
    if (!fd.valid()) throw Error("kernel records: cannot sample page faults: " + std::string(std::strerror(err)));
    if (const int e = sys::perf_set_output(fd.get(), ring.fd.get()); e != 0)
      throw Error("kernel records: cannot share a ring: " + std::string(std::strerror(e)));
    is_fault_[sys::perf_event_id(fd.get())] = true;
    members_.push_back(std::move(fd));
  }
  rings_.push_back(std::move(ring));
}

std::vector<int> KernelRecorder::ring_fds() const {
  std::vector<int> fds;
  fds.reserve(rings_.size());
  for (const auto& r : rings_) fds.push_back(r.fd.get());
  return fds;
}

// A sample: header, id, time, then (rss_stat) the raw data's u32 size and the raw data.
void KernelRecorder::on_record(std::string_view rec) {
  const auto type = take_at<std::uint32_t>(rec, 0);
  if (type == PERF_RECORD_LOST) {
    records_.lost += take_at<std::uint64_t>(rec, sizeof(perf_event_header) + 8);
    return;
  }
  if (type != PERF_RECORD_SAMPLE) return;
  const auto id = take_at<std::uint64_t>(rec, sizeof(perf_event_header));
  const auto time = static_cast<std::int64_t>(take_at<std::uint64_t>(rec, sizeof(perf_event_header) + 8));
  const auto it = is_fault_.find(id);
  if (it == is_fault_.end()) return;
  if (it->second) {
    records_.fault_times.push_back(time);
    return;
  }
  const std::string_view raw = rec.substr(std::min(rec.size(), sizeof(perf_event_header) + 20));
  KernelRecords::Rss r;
  r.t_ns = time;
  r.mm = take_at<std::uint32_t>(raw, static_cast<std::size_t>(mm_offset_));
  r.member = take_at<std::int32_t>(raw, static_cast<std::size_t>(member_offset_));
  r.bytes = take_at<std::int64_t>(raw, static_cast<std::size_t>(size_offset_));
  records_.rss.push_back(r);
}

void KernelRecorder::drain() {
  for (auto& ring : rings_) sys::read_perf_ring(ring.map, [this](std::string_view rec) { on_record(rec); });
}

KernelRecords KernelRecorder::finish() {
  drain();
  std::stable_sort(records_.rss.begin(), records_.rss.end(),
                   [](const KernelRecords::Rss& a, const KernelRecords::Rss& b) { return a.t_ns < b.t_ns; });
  std::sort(records_.fault_times.begin(), records_.fault_times.end());
  return std::move(records_);
}

}  // namespace perfprobe::memory
