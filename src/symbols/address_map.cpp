// Address-space bookkeeping from MMAP2, FORK and COMM(exec) records.
#include "address_map.hpp"

#include <algorithm>
#include <limits>

namespace perfprobe::symbols {

AddressMap::AddressMap(const sampling::Profile& p) {
  for (const auto& m : p.mappings) by_pid_[m.pid].push_back(&m);
  for (auto& [pid, maps] : by_pid_) {
    std::stable_sort(maps.begin(), maps.end(), [](auto* a, auto* b) { return a->t_ns < b->t_ns; });
  }
  for (const auto& t : p.tasks) {
    if (t.kind == sampling::TaskEvent::Kind::fork && t.pid != t.ppid) parent_[t.pid] = t.ppid;
    if (t.kind == sampling::TaskEvent::Kind::comm && t.exec) execs_[t.pid].push_back(t.t_ns);
  }
}

pid_t AddressMap::parent_of(pid_t pid) const {
  const auto it = parent_.find(pid);
  return it == parent_.end() ? 0 : it->second;
}

std::int64_t AddressMap::exec_before(pid_t pid, std::int64_t t_ns) const {
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  if (const auto it = execs_.find(pid); it != execs_.end()) {
    for (const auto t : it->second) {
      if (t <= t_ns) last = std::max(last, t);
    }
  }
  return last;
}

const sampling::Mapping* AddressMap::find(pid_t pid, std::uint64_t addr, std::int64_t t_ns) const {
  for (int depth = 0; pid != 0 && depth < 64; ++depth, pid = parent_of(pid)) {
    const std::int64_t exec = exec_before(pid, t_ns);
    if (const auto it = by_pid_.find(pid); it != by_pid_.end()) {
      const sampling::Mapping* fallback = nullptr;
      // Newest first; a range-for would need std::views::reverse, which clang 14 with libstdc++ 12
      // cannot compile.
      // NOLINTNEXTLINE(modernize-loop-convert)
      for (auto m = it->second.rbegin(); m != it->second.rend(); ++m) {
        if (addr < (*m)->start || addr - (*m)->start >= (*m)->length) continue;
        if ((*m)->t_ns <= t_ns && (*m)->t_ns >= exec) return *m;
        if (fallback == nullptr) fallback = *m;  // clocks of side-band and samples may differ slightly
      }
      if (fallback != nullptr) return fallback;
    }
    // After an exec the parent's address space is gone.
    if (exec != std::numeric_limits<std::int64_t>::min()) break;
  }
  return nullptr;
}

std::vector<std::int64_t> AddressMap::change_times(pid_t pid) const {
  std::vector<std::int64_t> out;
  for (int depth = 0; pid != 0 && depth < 64; ++depth, pid = parent_of(pid)) {
    if (const auto it = by_pid_.find(pid); it != by_pid_.end()) {
      for (const auto* m : it->second) out.push_back(m->t_ns);
    }
    if (const auto it = execs_.find(pid); it != execs_.end())
      out.insert(out.end(), it->second.begin(), it->second.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<const sampling::Mapping*> AddressMap::visible(pid_t pid, std::int64_t t_ns) const {
  std::vector<const sampling::Mapping*> out;
  for (int depth = 0; pid != 0 && depth < 64; ++depth, pid = parent_of(pid)) {
    const std::int64_t exec = exec_before(pid, t_ns);
    if (const auto it = by_pid_.find(pid); it != by_pid_.end()) {
      // Newest first; a range-for would need std::views::reverse, which clang 14 with libstdc++ 12
      // cannot compile.
      // NOLINTNEXTLINE(modernize-loop-convert)
      for (auto m = it->second.rbegin(); m != it->second.rend(); ++m) {
        if ((*m)->t_ns >= exec) out.push_back(*m);
      }
    }
    if (exec != std::numeric_limits<std::int64_t>::min()) break;
  }
  return out;
}

}  // namespace perfprobe::symbols
