// Trimming copied stacks at record time, so that the data file holds what `report` reads.
#include "perfprobe/sampling/stack_policy.hpp"

#include <iterator>

namespace perfprobe::sampling {

namespace {
constexpr std::uint64_t kFrameRecord = 16;  // saved BP + return address at BP
}  // namespace

void trim_stack(Sample& s, CallGraph mode) {
  if (mode == CallGraph::dwarf || s.stack.empty() || s.bp <= s.sp) return;
  const std::uint64_t keep = s.bp - s.sp + kFrameRecord;
  if (keep < s.stack.size()) s.stack.resize(keep);
}

bool stack_kept_whole(const Sample& s) { return !(s.bp > s.sp && s.stack.size() == s.bp - s.sp + kFrameRecord); }

StackPolicy::StackPolicy(CallGraph mode, FramePointerProbe has_frame_pointers)
    : mode_(mode), probe_(std::move(has_frame_pointers)) {}

void StackPolicy::add_mapping(const Mapping& m) {
  if (mode_ != CallGraph::automatic || m.length == 0) return;
  auto it = by_path_.find(m.path);
  if (it == by_path_.end()) {
    // Not a file (anonymous JIT code, [vdso]): no frame pointers to count on.
    const bool framed = !m.path.empty() && m.path[0] == '/' && probe_(m.path);
    it = by_path_.emplace(m.path, framed).first;
  }
  // A new mapping replaces whatever overlapped it (the address space was remapped).
  const std::uint64_t end = m.start + m.length;
  auto first = ranges_.lower_bound(m.start);
  if (first != ranges_.begin() && std::prev(first)->second.end > m.start) --first;
  auto last = ranges_.lower_bound(end);
  ranges_.erase(first, last);
  ranges_[m.start] = Range{end, it->second};
}

bool StackPolicy::framed(std::uint64_t addr) const {
  auto it = ranges_.upper_bound(addr);
  if (it == ranges_.begin()) return false;
  --it;
  return addr < it->second.end && it->second.framed;
}

void StackPolicy::apply(Sample& s) {
  if (mode_ != CallGraph::automatic) {
    trim_stack(s, mode_);
    return;
  }
  bool all_framed = !s.callchain.empty();
  for (std::size_t i = 0; i + 1 < s.callchain.size() && all_framed; ++i) all_framed = framed(s.callchain[i]);
  if (s.callchain.size() == 1) all_framed = framed(s.callchain[0]);
  if (all_framed) {
    trim_stack(s, CallGraph::fp);
  } else if (!s.stack.empty()) {
    ++kept_whole_;
  }
}

std::vector<std::string> StackPolicy::frameless_modules() const {
  std::vector<std::string> out;
  for (const auto& [path, framed] : by_path_) {
    if (!framed && !path.empty() && path[0] == '/') out.push_back(path);
  }
  return out;
}

}  // namespace perfprobe::sampling
