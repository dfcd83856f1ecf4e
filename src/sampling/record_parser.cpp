// Field-by-field decoding of PERF_RECORD_* (layouts from perf_event_open(2) and linux/perf_event.h).
#include "record_parser.hpp"

#include "byte_io.hpp"

#include "perfprobe/sampling/sampler.hpp"

#include <linux/perf_event.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace perfprobe::sampling {

namespace {

// Size of the sample_id trailer that sample_id_all appends to non-sample records.
std::size_t trailer_size(std::uint64_t type) {
  std::size_t n = 0;
  for (const std::uint64_t bit : {PERF_SAMPLE_TID, PERF_SAMPLE_TIME, PERF_SAMPLE_ID, PERF_SAMPLE_STREAM_ID,
                                  PERF_SAMPLE_CPU, PERF_SAMPLE_IDENTIFIER}) {
    if ((type & bit) != 0) n += 8;
  }
  return n;
}

// The time field of the trailer (TID comes first when present).
std::int64_t trailer_time(std::span<const std::uint8_t> record, std::uint64_t type) {
  if ((type & PERF_SAMPLE_TIME) == 0) return 0;
  const std::size_t at = record.size() - trailer_size(type) + ((type & PERF_SAMPLE_TID) != 0 ? 8 : 0);
  std::uint64_t t = 0;
  std::memcpy(&t, record.data() + at, sizeof t);
  return static_cast<std::int64_t>(t);
}

std::string hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (const auto b : bytes) {
    s.push_back(kDigits[b >> 4]);
    s.push_back(kDigits[b & 15]);
  }
  return s;
}

constexpr std::size_t kMaxChain = 127;  // perf_event_max_stack's default

// The copied stack of a sample. Without a kernel call chain (wait events), the chain is walked
// from the copy first, and only a prefix of the copy is kept.
void keep_stack(std::span<const std::uint8_t> copy, const RecordLayout& l, Sample& s) {
  if ((l.sample_type & PERF_SAMPLE_CALLCHAIN) == 0 && s.sp != 0) {
    s.callchain = frame_pointer_chain(s.ip, s.sp, s.bp, copy);
  }
  if (l.kept_stack_bytes != 0 && copy.size() > l.kept_stack_bytes) copy = copy.first(l.kept_stack_bytes);
  s.stack.assign(copy.begin(), copy.end());
}

// The fields of one sample, in the order perf_event_open(2) gives them. `raw_state` gets
// sched_switch's prev_state when the layout says where it lies.
bool decode_sample_fields(ByteReader& c, const RecordLayout& l, Sample& s, std::int64_t& raw_state) {
  const std::uint64_t t = l.sample_type;
  if ((t & PERF_SAMPLE_IDENTIFIER) != 0) (void)c.get<std::uint64_t>();
  if ((t & PERF_SAMPLE_IP) != 0) s.ip = c.get<std::uint64_t>();
  if ((t & PERF_SAMPLE_TID) != 0) {
    s.pid = static_cast<pid_t>(c.get<std::uint32_t>());
    s.tid = static_cast<pid_t>(c.get<std::uint32_t>());
  }
  if ((t & PERF_SAMPLE_TIME) != 0) s.t_ns = static_cast<std::int64_t>(c.get<std::uint64_t>());
  if ((t & PERF_SAMPLE_CPU) != 0) {
    s.cpu = c.get<std::uint32_t>();
    (void)c.get<std::uint32_t>();
  }
  if ((t & PERF_SAMPLE_PERIOD) != 0) s.period = c.get<std::uint64_t>();
  if ((t & PERF_SAMPLE_CALLCHAIN) != 0) {
    const auto nr = c.get<std::uint64_t>();
    if (nr > 4096) return false;
    for (std::uint64_t i = 0; i < nr && !c.bad(); ++i) {
      const auto ip = c.get<std::uint64_t>();
      if (ip < PERF_CONTEXT_MAX) s.callchain.push_back(ip);  // skip PERF_CONTEXT_USER and friends
    }
  }
  if (s.callchain.empty() && s.ip != 0) s.callchain.push_back(s.ip);
  if ((t & PERF_SAMPLE_RAW) != 0) {
    const auto size = c.get<std::uint32_t>();
    const auto raw = c.get_span(size);
    const auto at = static_cast<std::size_t>(l.state_offset);
    if (!c.bad() && l.state_offset >= 0 && at + sizeof(std::int64_t) <= raw.size()) {
      std::memcpy(&raw_state, raw.data() + at, sizeof raw_state);
    }
  }
  if ((t & PERF_SAMPLE_REGS_USER) != 0) {
    const auto abi = c.get<std::uint64_t>();
    std::uint64_t regs[64] = {};
    for (std::uint32_t i = 0; abi != PERF_SAMPLE_REGS_ABI_NONE && i < l.regs_count && i < 64; ++i) {
      regs[i] = c.get<std::uint64_t>();
    }
    // Registers come in increasing bit order (docs/kernel-facts.md §3); perfprobe asks for BP, SP, IP.
    std::uint32_t idx = 0;
    for (std::uint32_t bit = 0; bit < 64 && abi != PERF_SAMPLE_REGS_ABI_NONE; ++bit) {
      if ((l.regs_mask & (1ULL << bit)) == 0) continue;
      if (bit == 6) s.bp = regs[idx];
      if (bit == 7) s.sp = regs[idx];
      if (bit == 8) s.ip = regs[idx];
      ++idx;
    }
  }
  if ((t & PERF_SAMPLE_STACK_USER) != 0) {
    const auto size = c.get<std::uint64_t>();
    if (size > 0) {
      const auto data = c.get_span(size);
      const auto dyn = c.get<std::uint64_t>();
      if (!c.bad()) keep_stack(data.first(static_cast<std::size_t>(std::min(dyn, size))), l, s);
    }
  }
  return !c.bad();
}

bool parse_sample(ByteReader& c, const RecordLayout& l, Profile& out) {
  Sample s;
  std::int64_t state = -1;
  if (!decode_sample_fields(c, l, s, state)) return false;
  out.samples.push_back(std::move(s));
  return true;
}

// PERF_RECORD_SWITCH has no body: who and when are in its sample_id trailer (TID, then TIME).
bool parse_switch(std::span<const std::uint8_t> record, const RecordLayout& l, std::uint16_t misc, Profile& out) {
  const std::uint64_t t = l.sample_type;
  if ((t & PERF_SAMPLE_TID) == 0 || (t & PERF_SAMPLE_TIME) == 0) return true;  // nothing to place it by
  const std::size_t trailer = trailer_size(t);
  if (record.size() < sizeof(perf_event_header) + trailer) return false;
  const std::size_t at = record.size() - trailer;  // TID comes first in the trailer
  std::uint32_t ids[2] = {};
  std::memcpy(ids, record.data() + at, sizeof ids);
  Switch sw;
  sw.pid = static_cast<pid_t>(ids[0]);
  sw.tid = static_cast<pid_t>(ids[1]);
  sw.t_ns = trailer_time(record, t);
  sw.out = (misc & PERF_RECORD_MISC_SWITCH_OUT) != 0;
  sw.preempted = sw.out && (misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT) != 0;
  out.switches.push_back(sw);
  return true;
}

bool parse_mmap2(std::span<const std::uint8_t> record, ByteReader& c, const RecordLayout& l, std::uint16_t misc,
                 Profile& out) {
  Mapping m;
  m.pid = static_cast<pid_t>(c.get<std::uint32_t>());
  (void)c.get<std::uint32_t>();
  m.start = c.get<std::uint64_t>();
  m.length = c.get<std::uint64_t>();
  m.pgoff = c.get<std::uint64_t>();
  const auto id_block = c.get_span(24);  // maj/min/ino/generation, or build-id size + bytes
  (void)c.get<std::uint32_t>();          // prot
  (void)c.get<std::uint32_t>();          // flags
  m.path = c.get_padded_cstring(trailer_size(l.sample_type));
  if (c.bad()) return false;
  if ((misc & PERF_RECORD_MISC_MMAP_BUILD_ID) != 0) {
    const std::size_t n = std::min<std::size_t>(id_block[0], 20);
    m.build_id = hex(id_block.subspan(4, n));
  }
  m.t_ns = trailer_time(record, l.sample_type);
  out.mappings.push_back(std::move(m));
  return true;
}

bool parse_task(std::span<const std::uint8_t> record, ByteReader& c, const RecordLayout& l, std::uint32_t type,
                std::uint16_t misc, Profile& out) {
  TaskEvent e;
  e.pid = static_cast<pid_t>(c.get<std::uint32_t>());
  if (type == PERF_RECORD_COMM) {
    e.kind = TaskEvent::Kind::comm;
    e.tid = static_cast<pid_t>(c.get<std::uint32_t>());
    e.comm = c.get_padded_cstring(trailer_size(l.sample_type));
    e.exec = (misc & PERF_RECORD_MISC_COMM_EXEC) != 0;
    e.t_ns = trailer_time(record, l.sample_type);
  } else {
    e.kind = type == PERF_RECORD_FORK ? TaskEvent::Kind::fork : TaskEvent::Kind::exit;
    e.ppid = static_cast<pid_t>(c.get<std::uint32_t>());
    e.tid = static_cast<pid_t>(c.get<std::uint32_t>());
    e.ptid = static_cast<pid_t>(c.get<std::uint32_t>());
    e.t_ns = static_cast<std::int64_t>(c.get<std::uint64_t>());
  }
  if (c.bad()) return false;
  out.tasks.push_back(std::move(e));
  return true;
}

}  // namespace

bool parse_record(std::span<const std::uint8_t> record, const RecordLayout& layout, Profile& out) {
  if (record.size() < sizeof(perf_event_header)) return false;
  perf_event_header h{};
  std::memcpy(&h, record.data(), sizeof h);
  if (h.size != record.size()) return false;
  ByteReader c(record.subspan(sizeof h));
  switch (h.type) {
    case PERF_RECORD_SAMPLE:
      return parse_sample(c, layout, out);
    case PERF_RECORD_MMAP2:
      return parse_mmap2(record, c, layout, h.misc, out);
    case PERF_RECORD_COMM:
    case PERF_RECORD_FORK:
    case PERF_RECORD_EXIT:
      return parse_task(record, c, layout, h.type, h.misc, out);
    case PERF_RECORD_LOST: {
      (void)c.get<std::uint64_t>();  // id
      const auto lost = c.get<std::uint64_t>();
      if (c.bad()) return false;
      out.lost_samples += lost;
      ++out.lost_records;
      return true;
    }
    case PERF_RECORD_LOST_SAMPLES: {
      const auto lost = c.get<std::uint64_t>();
      if (c.bad()) return false;
      out.lost_samples += lost;
      ++out.lost_records;
      return true;
    }
    case PERF_RECORD_THROTTLE:
      ++out.throttled;
      return true;
    case PERF_RECORD_UNTHROTTLE:
      ++out.unthrottled;
      return true;
    case PERF_RECORD_SWITCH:
      return parse_switch(record, layout, h.misc, out);
    default:
      ++out.unknown_records;
      return true;
  }
}

std::vector<std::uint64_t> frame_pointer_chain(std::uint64_t ip, std::uint64_t sp, std::uint64_t bp,
                                               std::span<const std::uint8_t> stack) {
  std::vector<std::uint64_t> chain{ip};
  std::uint64_t fp = bp;
  while (chain.size() < kMaxChain && fp >= sp && fp - sp <= stack.size() && stack.size() - (fp - sp) >= 16) {
    std::uint64_t record[2] = {};  // saved BP, return address
    std::memcpy(record, stack.data() + (fp - sp), sizeof record);
    if (record[1] == 0) break;
    chain.push_back(record[1]);
    fp = record[0];
  }
  return chain;
}

WaitState wait_state(std::int64_t prev_state) {
  // TASK_REPORT_MAX (0x100) marks a preemption; otherwise one bit per state: 0 R, 1 S, 2 D.
  constexpr std::int64_t kPreempted = 0x100;
  if (prev_state < 0) return WaitState::unknown;
  if ((prev_state & kPreempted) != 0 || (prev_state & 0xff) == 0) return WaitState::runnable;
  if ((prev_state & 0xff) == 1) return WaitState::sleeping;
  if ((prev_state & 0xff) == 2) return WaitState::disk;
  return WaitState::other;
}

bool parse_wait_record(std::span<const std::uint8_t> record, const WaitLayouts& layouts, Profile& out) {
  if (record.size() < sizeof(perf_event_header)) return false;
  perf_event_header h{};
  std::memcpy(&h, record.data(), sizeof h);
  if (h.size != record.size()) return false;
  ByteReader c(record.subspan(sizeof h));
  switch (h.type) {
    case PERF_RECORD_SAMPLE: {
      const auto id = ByteReader(record.subspan(sizeof h)).get<std::uint64_t>();
      const auto it = std::find_if(layouts.begin(), layouts.end(), [&](const auto& l) { return l.first == id; });
      if (it == layouts.end()) return false;
      WaitSample w;
      w.kind = it->second.wait_kind;
      std::int64_t state = -1;
      if (!decode_sample_fields(c, it->second, w.sample, state)) return false;
      w.state = it->second.state_offset >= 0 ? wait_state(state) : WaitState::unknown;
      out.waits.push_back(std::move(w));
      return true;
    }
    case PERF_RECORD_LOST: {
      (void)c.get<std::uint64_t>();  // id
      const auto lost = c.get<std::uint64_t>();
      if (c.bad()) return false;
      out.lost_waits += lost;
      return true;
    }
    case PERF_RECORD_LOST_SAMPLES: {
      const auto lost = c.get<std::uint64_t>();
      if (c.bad()) return false;
      out.lost_waits += lost;
      return true;
    }
    default:
      return true;  // throttling of a wait event shows as waits without a sample
  }
}

void rebase_times(Profile& p, std::int64_t t0_ns) {
  for (auto& s : p.samples) s.t_ns -= t0_ns;
  for (auto& w : p.waits) w.sample.t_ns -= t0_ns;
  for (auto& sw : p.switches) sw.t_ns -= t0_ns;
  for (auto& m : p.mappings) m.t_ns -= t0_ns;
  for (auto& t : p.tasks) t.t_ns -= t0_ns;
}

}  // namespace perfprobe::sampling
