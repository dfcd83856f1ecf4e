// Pairing switch-outs with switch-ins per thread, and finding for each wait the sample that says
// where and why it happened (docs/record.md, "Off-CPU time").
#include "perfprobe/sampling/off_cpu.hpp"

#include <algorithm>
#include <map>

#include "perfprobe/in_order.hpp"

namespace perfprobe::sampling {

namespace {

// Times from a damaged file can be anything: kept within [0, 2^62] ns (146 years), differences
// and sums of two never overflow.
constexpr std::int64_t kMaxNs = std::int64_t{1} << 62;
std::int64_t clamp_ns(std::int64_t t) { return std::clamp<std::int64_t>(t, 0, kMaxNs); }

OffCpuReason from_state(WaitState s) {
  switch (s) {
    case WaitState::runnable:
      return OffCpuReason::runnable;
    case WaitState::sleeping:
      return OffCpuReason::sleep;
    case WaitState::disk:
      return OffCpuReason::io;
    case WaitState::unknown:
    case WaitState::other:
      break;
  }
  return OffCpuReason::unknown;
}

// What /proc's state says about a thread that is off CPU: S sleeps, D waits for I/O, R waits for
// a CPU.
bool waiting(char state) { return state == 'S' || state == 'D'; }
OffCpuReason from_proc_state(char state) {
  switch (state) {
    case 'S':
      return OffCpuReason::sleep;
    case 'D':
      return OffCpuReason::io;
    case 'R':
      return OffCpuReason::runnable;
    default:
      return OffCpuReason::unknown;
  }
}

// One thread's records, each list in time order.
struct ThreadRecords {
  std::vector<const Switch*> switches;
  std::vector<std::int64_t> outs;    // indices into Profile::waits (switch_out samples)
  std::vector<std::int64_t> faults;  // indices into Profile::waits (major_fault samples)
};

// Builds one thread's intervals; `outs` and `faults` are walked once, in step with time.
class ThreadPairing {
 public:
  ThreadPairing(const Profile& p, const ThreadRecords& r, const ThreadSpan& span, bool forked, char found_state,
                std::vector<WaitInterval>& out)
      : p_(p), r_(r), span_(span), forked_(forked), found_(from_proc_state(found_state)), out_(out) {}

  void run() {
    const Switch* pending = nullptr;
    std::int64_t last_in = span_.start_ns;
    bool seen_any = false;
    for (const Switch* sw : r_.switches) {
      const std::int64_t t = clamp_ns(sw->t_ns);
      if (sw->out) {
        pending = sw;  // a second switch-out before a switch-in: the switch-in between was lost
      } else if (pending != nullptr) {
        add(clamp_ns(pending->t_ns), t, pending->preempted, last_in);
        pending = nullptr;
      } else if (!seen_any && t > span_.start_ns) {
        // A new thread waits for its first CPU; a thread found off CPU at an attach waited for
        // what its /proc state said then, else for a reason the recording never saw.
        add_interval(span_.start_ns, t, forked_ ? OffCpuReason::runnable : found_, -1);
      }
      if (!sw->out) last_in = t;
      seen_any = true;
    }
    if (pending != nullptr) add(clamp_ns(pending->t_ns), span_.end_ns, pending->preempted, last_in);
  }

 private:
  // The switch-out sample taken between the previous switch-in and this wait's end is this wait's.
  std::int64_t out_sample(std::int64_t after, std::int64_t until) {
    std::int64_t found = -1;
    while (next_out_ < r_.outs.size() && p_.waits[static_cast<std::size_t>(r_.outs[next_out_])].sample.t_ns <= until) {
      const auto idx = r_.outs[next_out_++];
      if (p_.waits[static_cast<std::size_t>(idx)].sample.t_ns >= after) found = idx;
    }
    return found;
  }

  // A major fault counted soon after the thread woke: the wait was that fault's I/O.
  std::int64_t fault_sample(std::int64_t woke) {
    while (next_fault_ < r_.faults.size() &&
           p_.waits[static_cast<std::size_t>(r_.faults[next_fault_])].sample.t_ns < woke) {
      ++next_fault_;
    }
    if (next_fault_ == r_.faults.size()) return -1;
    const auto idx = r_.faults[next_fault_];
    if (clamp_ns(p_.waits[static_cast<std::size_t>(idx)].sample.t_ns) > woke + kFaultAfterWakeNs) return -1;
    ++next_fault_;
    return idx;
  }

  void add(std::int64_t from, std::int64_t to, bool preempted, std::int64_t last_in) {
    const std::int64_t wait = out_sample(last_in, to);
    OffCpuReason reason = OffCpuReason::unknown;
    if (preempted) {
      reason = OffCpuReason::runnable;
    } else if (wait >= 0) {
      reason = from_state(p_.waits[static_cast<std::size_t>(wait)].state);
    }
    std::int64_t chain = wait;
    if (reason == OffCpuReason::io || reason == OffCpuReason::unknown) {
      if (const auto fault = fault_sample(to); fault >= 0) {
        reason = OffCpuReason::major_fault;
        if (chain < 0) chain = fault;
      }
    }
    add_interval(from, to, reason, chain);
  }

  // Cut to the thread's life: a record before its creation or after its exit is a lost one's
  // neighbour, not time it waited.
  void add_interval(std::int64_t from, std::int64_t to, OffCpuReason reason, std::int64_t wait) {
    from = std::max(from, span_.start_ns);
    to = std::min(to, span_.end_ns);
    if (to <= from) return;
    out_.push_back({from, to, span_.pid, span_.tid, reason, wait});
  }

  const Profile& p_;
  const ThreadRecords& r_;
  const ThreadSpan& span_;
  bool forked_;
  OffCpuReason found_;
  std::vector<WaitInterval>& out_;
  std::size_t next_out_ = 0;
  std::size_t next_fault_ = 0;
};

}  // namespace

std::vector<ThreadSpan> thread_spans(const Profile& p) {
  std::map<pid_t, ThreadSpan> by_tid;
  const auto seen = [&](pid_t pid, pid_t tid) -> ThreadSpan& {
    auto [it, added] = by_tid.try_emplace(tid);
    if (added) it->second = {pid, tid, 0, clamp_ns(p.off_cpu.end_ns)};
    return it->second;
  };
  for (const auto& t : p.tasks) {
    auto& s = seen(t.pid, t.tid);
    if (t.kind == TaskEvent::Kind::fork) s.start_ns = clamp_ns(t.t_ns);
    if (t.kind == TaskEvent::Kind::exit) s.end_ns = clamp_ns(t.t_ns);
  }
  for (const auto& sw : p.switches) seen(sw.pid, sw.tid);
  for (const auto& s : p.samples) seen(s.pid, s.tid);
  for (const auto& w : p.window_states) seen(w.pid, w.tid);
  std::vector<ThreadSpan> out;
  for (auto& [tid, s] : by_tid) {
    s.end_ns = std::max(s.end_ns, s.start_ns);
    out.push_back(s);
  }
  return out;
}

std::vector<WaitInterval> wait_intervals(const Profile& p, const std::vector<ThreadSpan>& spans) {
  std::map<pid_t, ThreadRecords> by_tid;
  for (const auto& sw : p.switches) by_tid[sw.tid].switches.push_back(&sw);
  for (std::size_t i = 0; i < p.waits.size(); ++i) {
    const auto& w = p.waits[i];
    auto& r = by_tid[w.sample.tid];
    (w.kind == WaitSample::Kind::major_fault ? r.faults : r.outs).push_back(static_cast<std::int64_t>(i));
  }
  std::map<pid_t, bool> forked;
  for (const auto& t : p.tasks) {
    if (t.kind == TaskEvent::Kind::fork) forked[t.tid] = true;
  }
  const auto time_of_switch = [](const Switch* a, const Switch* b) { return a->t_ns < b->t_ns; };
  const auto time_of_wait = [&](std::int64_t a, std::int64_t b) {
    return p.waits[static_cast<std::size_t>(a)].sample.t_ns < p.waits[static_cast<std::size_t>(b)].sample.t_ns;
  };
  std::map<pid_t, const WindowState*> window;
  for (const auto& w : p.window_states) window[w.tid] = &w;
  std::vector<WaitInterval> out;
  for (const auto& span : spans) {
    const auto ws = window.find(span.tid);
    const WindowState* state = ws == window.end() ? nullptr : ws->second;
    const auto it = by_tid.find(span.tid);
    if (it == by_tid.end() || it->second.switches.empty()) {
      // No switch in the window: the thread ran all along, or waited all along. /proc tells which
      // (docs/record.md, "Off-CPU time"): asleep at the start and at the end is off CPU throughout.
      if (state != nullptr && waiting(state->start) && waiting(state->end)) {
        out.push_back({span.start_ns, span.end_ns, span.pid, span.tid, from_proc_state(state->start), -1});
      }
      continue;
    }
    auto& r = it->second;
    stable_sort_unless_sorted(r.switches.begin(), r.switches.end(), time_of_switch);  // the reader sorted them all
    stable_sort_unless_sorted(r.outs.begin(), r.outs.end(), time_of_wait);  // file order: each CPU's in time order
    stable_sort_unless_sorted(r.faults.begin(), r.faults.end(), time_of_wait);
    ThreadPairing(p, r, span, forked.contains(span.tid), state == nullptr ? '?' : state->start, out).run();
  }
  return out;
}

}  // namespace perfprobe::sampling
