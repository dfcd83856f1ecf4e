// Folded stacks (flamegraph.pl's input): root first, frames joined by ';', then a space and the
// count. Inlined frames appear as frames of their own, as in perf script | stackcollapse-perf.
#include <map>

#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {

std::string to_folded(const ResolvedProfile& p) {
  std::map<std::string, std::uint64_t> stacks;
  for (const auto& s : p.samples) {
    std::string line;
    for (std::size_t i = s.stack.size(); i-- > 0;) {  // the sample's stack is leaf first
      std::string name = p.frames[s.stack[i]].function;
      for (auto& c : name) {
        if (c == ';' || c == '\n') c = '_';  // the separators of the format
      }
      if (!line.empty()) line += ';';
      line += name;
    }
    if (line.empty()) line = "[unknown]";
    ++stacks[line];
  }
  std::string out;
  for (const auto& [stack, n] : stacks) out += stack + " " + std::to_string(n) + "\n";
  return out;
}

}  // namespace perfprobe::report
