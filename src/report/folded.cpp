// Folded stacks (flamegraph.pl's input): root first, frames joined by ';', then a space and the
// count. Inlined frames appear as frames of their own, as in perf script | stackcollapse-perf.
// Off-CPU waits sit beside the samples: their chain, then a leaf "[off-cpu: REASON]", weighted in
// sample equivalents (docs/record.md, "Off-CPU time").
#include <map>

#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {

namespace {

// Root first; an empty stack is "[unknown]".
std::string folded_line(const ResolvedProfile& p, const std::vector<std::uint32_t>& stack) {
  std::string line;
  for (std::size_t i = stack.size(); i-- > 0;) {  // stacks are leaf first
    std::string name = p.frames[stack[i]].function;
    for (auto& c : name) {
      if (c == ';' || c == '\n') c = '_';  // the separators of the format
    }
    if (!line.empty()) line += ';';
    line += name;
  }
  return line;
}

}  // namespace

std::string to_folded(const ResolvedProfile& p) {
  std::map<std::string, std::uint64_t> stacks;
  for (const auto& s : p.samples) {
    const std::string line = folded_line(p, p.stack_of(s));
    ++stacks[line.empty() ? "[unknown]" : line];
  }
  std::map<std::string, double> waits;  // ns, rounded once per line
  for (const auto& i : p.off_cpu) {
    std::string line = folded_line(p, i.stack);
    if (!line.empty()) line += ';';
    line.append("[off-cpu: ").append(off_cpu_reason_name(i.reason)).append("]");
    waits[line] += static_cast<double>(i.end_ns) - static_cast<double>(i.start_ns);
  }
  for (const auto& [line, ns] : waits) {
    if (const auto n = off_cpu_weight(p, ns); n > 0) stacks[line] += n;
  }
  std::string out;
  for (const auto& [stack, n] : stacks) out += stack + " " + std::to_string(n) + "\n";
  return out;
}

}  // namespace perfprobe::report
