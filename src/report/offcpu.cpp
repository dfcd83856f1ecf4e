// Off-CPU time in `report`: each scope's wall time = on-CPU + off-CPU by reason (interval overlap
// with the scope, per thread), the heaviest waits by call chain, and the hint that says where the
// threads wait (docs/record.md, "Off-CPU time").
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <unordered_map>

#include "perfprobe/in_order.hpp"
#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {

namespace {

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

std::string fmt_pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v);
  return buf;
}

// Time off CPU by reason and call chain (function names, leaf first): ms and how many waits.
using WaitTimes = std::map<std::pair<OffCpuReason, std::vector<std::string>>, std::pair<double, std::uint64_t>>;

// The entry of `times` for each interval's reason and frame names, the names made once per distinct
// stack of frame ids: made per interval they were a string per frame of tens of thousands of waits.
// Each entry still sums its intervals in the order they come.
class WaitSlots {
 public:
  WaitSlots(const ResolvedProfile& p, WaitTimes& times) : p_(p), times_(times) {}

  WaitTimes::mapped_type& operator()(const OffCpuInterval& i) {
    auto [it, added] = slots_.try_emplace(Key{i.reason, &i.stack}, nullptr);
    if (added) {
      std::vector<std::string> names;
      names.reserve(i.stack.size());
      for (const auto f : i.stack) names.push_back(p_.frames[f].function);
      it->second = &times_[{i.reason, std::move(names)}];
    }
    return *it->second;
  }

 private:
  struct Key {
    OffCpuReason reason;
    const std::vector<std::uint32_t>* stack;  // an interval's, alive as long as the profile
    bool operator==(const Key& o) const { return reason == o.reason && *stack == *o.stack; }
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      auto h = static_cast<std::size_t>(k.reason);
      for (const auto f : *k.stack) h = h * 0x9e3779b97f4a7c15ULL + f;
      return h;
    }
  };
  const ResolvedProfile& p_;
  WaitTimes& times_;
  std::unordered_map<Key, WaitTimes::mapped_type*, KeyHash> slots_;
};

// Each thread's intervals and sample times, grouped once for all the scopes of a report.
class WallIndex {
 public:
  explicit WallIndex(const ResolvedProfile& p) : p_(p) {
    for (const auto& i : p.off_cpu) intervals_[i.tid].push_back(&i);
    // Each thread's intervals come in time order from the resolver: sorted only when they do not.
    const auto earlier = [](const OffCpuInterval* a, const OffCpuInterval* b) { return a->start_ns < b->start_ns; };
    for (auto& [tid, list] : intervals_) {
      stable_sort_unless_sorted(list.begin(), list.end(), earlier);
    }
    const auto spin_frames = spin_wait_frames(p);
    // Without a spinning frame every share is 0: no need for the samples' times.
    if (std::find(spin_frames.begin(), spin_frames.end(), 1) == spin_frames.end()) return;
    {
      std::map<pid_t, std::size_t> counts;  // each thread's lists made at their size
      for (const auto& s : p.samples) ++counts[s.tid];
      for (const auto& [tid, n] : counts) {
        auto& t = samples_[tid];
        t.times.reserve(n);
        t.spins.reserve(n);
      }
    }
    for (const auto& s : p.samples) {
      auto& t = samples_[s.tid];
      t.times.push_back(s.t_ns);
      const auto& stack = p.stack_of(s);
      const bool spin = !stack.empty() && spin_frames[stack.front()] != 0;
      t.spins.push_back((t.spins.empty() ? 0 : t.spins.back()) + (spin ? 1 : 0));
    }
    for (auto& [tid, t] : samples_) sort_by_time(t);
  }

  [[nodiscard]] WallSplit split(std::int64_t from, std::int64_t to, pid_t tid) const {
    return split({TimeRange{from, to}}, tid, nullptr);
  }

  // The split over disjoint `ranges` in time order; `waits`, when given, gets each wait's time
  // within them by reason and chain.
  WallSplit split(const std::vector<TimeRange>& ranges, pid_t tid, WaitTimes* waits) const {
    WallSplit w;
    std::optional<WaitSlots> slots;
    if (waits != nullptr) slots.emplace(p_, *waits);
    for (const auto& span : p_.thread_spans) {
      if (tid != 0 && span.tid != tid) continue;
      const auto it = intervals_.find(span.tid);
      for (const auto& r : ranges) {
        const auto lo = std::max(r.start_ns, span.start_ns);
        const auto hi = std::min(r.end_ns, span.end_ns);
        if (hi <= lo) continue;
        double off_ms = 0;  // the intervals of one thread never overlap; summed as doubles all the same
        if (it != intervals_.end()) off_ms = off_within(it->second, lo, hi, w, slots ? &*slots : nullptr);
        const double alive_ms = ms(hi - lo);
        const double on_ms = std::max(alive_ms - off_ms, 0.0);
        w.wall_ms += alive_ms;
        w.off_cpu_ms += std::min(off_ms, alive_ms);
        w.on_cpu_ms += on_ms;
        w.spin_wait_ms += on_ms * spin_share(span.tid, lo, hi);
      }
    }
    return w;
  }

 private:
  // Off-CPU time of one thread's `intervals` (in time order) within [lo, hi), added to `w`'s reasons.
  double off_within(const std::vector<const OffCpuInterval*>& intervals, std::int64_t lo, std::int64_t hi, WallSplit& w,
                    WaitSlots* waits) const {
    auto i = std::partition_point(intervals.begin(), intervals.end(),
                                  [&](const OffCpuInterval* x) { return x->end_ns <= lo; });
    double off_ms = 0;
    for (; i != intervals.end() && (*i)->start_ns < hi; ++i) {
      const double n = ms(overlap_ns((*i)->start_ns, (*i)->end_ns, lo, hi));
      off_ms += n;
      w.reason_ms[static_cast<std::size_t>((*i)->reason)] += n;
      if (waits != nullptr && n > 0) {
        auto& acc = (*waits)(**i);
        acc.first += n;
        ++acc.second;
      }
    }
    return off_ms;
  }

  struct Samples {
    std::vector<std::int64_t> times;
    std::vector<std::uint64_t> spins;  // spin-wait samples up to and including each one
  };

  // Samples of one thread come in time order from the data file; kept sorted for the searches.
  static void sort_by_time(Samples& t) {
    if (std::is_sorted(t.times.begin(), t.times.end())) return;
    std::vector<std::size_t> order(t.times.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return t.times[a] < t.times[b]; });
    Samples sorted;
    std::uint64_t prev = 0;
    for (const auto i : order) {
      const std::uint64_t one = t.spins[i] - (i == 0 ? 0 : t.spins[i - 1]);
      sorted.times.push_back(t.times[i]);
      prev += one;
      sorted.spins.push_back(prev);
    }
    t = std::move(sorted);
  }

  // The share of the thread's samples in [from, to) whose leaf spins (0 when none can).
  [[nodiscard]] double spin_share(pid_t tid, std::int64_t from, std::int64_t to) const {
    const auto it = samples_.find(tid);
    if (it == samples_.end()) return 0;
    const auto& t = it->second;
    const auto a = static_cast<std::size_t>(std::lower_bound(t.times.begin(), t.times.end(), from) - t.times.begin());
    const auto b = static_cast<std::size_t>(std::lower_bound(t.times.begin(), t.times.end(), to) - t.times.begin());
    if (b <= a) return 0;
    const std::uint64_t spins = t.spins[b - 1] - (a == 0 ? 0 : t.spins[a - 1]);
    return static_cast<double>(spins) / static_cast<double>(b - a);
  }

  const ResolvedProfile& p_;
  std::map<pid_t, std::vector<const OffCpuInterval*>> intervals_;
  std::map<pid_t, Samples> samples_;
};

// The waits of `by_stack`, heaviest first, `pct` of their sum.
std::vector<OffCpuStack> by_weight(const WaitTimes& by_stack, std::size_t top) {
  double all = 0;
  for (const auto& [key, acc] : by_stack) all += acc.first;
  std::vector<OffCpuStack> out;
  out.reserve(by_stack.size());
  for (const auto& [key, acc] : by_stack) {
    OffCpuStack s;
    s.reason = key.first;
    s.frames = key.second;
    s.ms = acc.first;
    s.pct = all <= 0 ? 0 : 100.0 * acc.first / all;
    s.waits = acc.second;
    out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(), [](const OffCpuStack& a, const OffCpuStack& b) { return a.ms > b.ms; });
  if (out.size() > top) out.resize(top);
  return out;
}

std::vector<OffCpuStack> heaviest_waits(const ResolvedProfile& p, std::size_t top) {
  // By function names: frames that differ only in address or line are one wait to a reader.
  WaitTimes by_stack;
  WaitSlots slot(p, by_stack);
  for (const auto& i : p.off_cpu) {
    auto& acc = slot(i);
    acc.first += ms(i.end_ns - i.start_ns);
    ++acc.second;
  }
  return by_weight(by_stack, top);
}

// "clock_nanosleep <- sleep_half <- main": the leaf and its first callers.
std::string chain_text(const std::vector<std::string>& frames) {
  std::string s;
  for (std::size_t i = 0; i < frames.size() && i < 3; ++i) s += (i == 0 ? "" : " <- ") + frames[i];
  return s;
}

void add_hint(ProfileReport& r) {
  const auto& w = r.off_cpu.wall;
  if (w.wall_ms <= 0 || w.off_cpu_ms < 0.2 * w.wall_ms) return;
  std::string reasons;
  for (std::size_t k = 0; k < kOffCpuReasons; ++k) {
    if (w.reason_ms[k] < 0.01 * w.wall_ms) continue;
    reasons += (reasons.empty() ? "" : ", ") + std::string(off_cpu_reason_name(static_cast<OffCpuReason>(k))) + " " +
               fmt_pct(100 * w.reason_ms[k] / w.wall_ms);
  }
  std::string hint = "off-CPU: the threads spend " + fmt_pct(100 * w.off_cpu_ms / w.wall_ms) +
                     " of their time waiting (" + reasons + ")";
  const auto top = std::find_if(r.off_cpu.stacks.begin(), r.off_cpu.stacks.end(),
                                [](const OffCpuStack& s) { return !s.frames.empty(); });
  if (top != r.off_cpu.stacks.end()) {
    hint += "; the longest wait: " + std::string(off_cpu_reason_name(top->reason)) + " in " + chain_text(top->frames) +
            " (" + fmt_pct(top->pct) + " of the off-CPU time)";
  } else if (r.off_cpu.mechanism.empty()) {
    hint += "; record as root for the call chain and reason of each wait";
  }
  r.hints.push_back(hint);
}

}  // namespace

WallSplit wall_split(const ResolvedProfile& p, std::int64_t from, std::int64_t to, pid_t tid) {
  return WallIndex(p).split(from, to, tid);
}

std::vector<ScopeWaits> scope_waits(const ResolvedProfile& p, const std::vector<std::vector<TimeRange>>& scopes) {
  std::vector<ScopeWaits> out;
  out.reserve(scopes.size());
  const WallIndex index(p);
  for (const auto& ranges : scopes) {
    WaitTimes waits;
    ScopeWaits s;
    s.wall = index.split(ranges, 0, &waits);
    if (auto top = by_weight(waits, 1); !top.empty()) s.top_wait = std::move(top.front());
    out.push_back(std::move(s));
  }
  return out;
}

std::uint64_t off_cpu_weight(const ResolvedProfile& p, double ns) {
  // One sample stands for 1/frequency s of CPU (or `period` ns of cpu-clock); with a fixed period
  // of another event there is no such figure, and a millisecond counts one.
  double per_ns = 1e-6;
  if (p.frequency_hz > 0) {
    per_ns = static_cast<double>(p.frequency_hz) / 1e9;
  } else if (p.event == "cpu-clock" && p.period > 0) {
    per_ns = 1.0 / static_cast<double>(p.period);
  }
  const double n = std::round(ns * per_ns);
  return n <= 0 ? 0 : n >= 1e18 ? std::uint64_t{1'000'000'000'000'000'000} : static_cast<std::uint64_t>(n);
}

void add_off_cpu(ProfileReport& r, const ResolvedProfile& p, std::size_t top) {
  auto& o = r.off_cpu;
  o.recorded = p.off_cpu_recorded;
  if (!o.recorded) return;
  o.mechanism = p.off_cpu_mechanism;
  o.states = p.off_cpu_states;
  o.lost_waits = p.lost_waits;
  const WallIndex index(p);
  std::int64_t begin = 0;
  std::int64_t end = 0;
  for (const auto& s : p.thread_spans) end = std::max(end, s.end_ns);
  o.wall = index.split(begin, end, 0);
  for (const auto& ph : r.phases) o.phases.push_back(index.split(ph.start_ns, ph.end_ns, 0));
  for (const auto& s : p.thread_spans) {
    const auto name = p.thread_names.find(s.tid);
    o.threads.push_back(
        {s.tid, s.pid, name == p.thread_names.end() ? std::string() : name->second, index.split(begin, end, s.tid)});
  }
  std::stable_sort(o.threads.begin(), o.threads.end(),
                   [](const ThreadWall& a, const ThreadWall& b) { return a.wall.wall_ms > b.wall.wall_ms; });
  double all_ms = 0;
  for (const auto& i : p.off_cpu) {
    all_ms += ms(i.end_ns - i.start_ns);
    if (i.stack.empty()) continue;
    ++o.chained_waits;
    if (p.frames[i.stack.back()].function != kTruncatedFrame) continue;
    ++o.truncated_waits;
    o.truncated_ms += ms(i.end_ns - i.start_ns);
  }
  if (all_ms > 0) o.truncated_pct = 100 * o.truncated_ms / all_ms;
  o.stacks = heaviest_waits(p, top);
  add_hint(r);
  if (o.lost_waits > 0) {
    r.warnings.push_back(std::to_string(o.lost_waits) +
                         " wait samples lost in ring overruns (their waits have no call chain): raise --mmap-pages");
  }
}

}  // namespace perfprobe::report
