// The live status line: figures -> one width-limited line (docs/live.md).
#include "perfprobe/report/live_line.hpp"

#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <vector>

#include "perfprobe/report/views.hpp"

namespace perfprobe::report {

namespace {

// A name from the target (a phase) must not move the cursor or change colours on the terminal.
std::string printable(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return out;
}

// Concatenation by append: GCC 12 at -O3 sees a false -Wrestrict in "literal" + std::string&&.
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const auto p : parts) out.append(p);
  return out;
}

std::size_t columns_of(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Cuts `s` to `width` columns without splitting a UTF-8 sequence.
std::string cut(std::string s, std::size_t width) {
  std::size_t cols = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (cols == width) return s.substr(0, i);
    ++cols;
  }
  return s;
}

// Joins as many fields as fit in `width` columns, dropping from the right; the first is cut if even
// it alone does not fit.
std::string fit(const std::vector<std::string>& fields, std::size_t width) {
  std::string line;
  for (const auto& f : fields) {
    if (f.empty()) continue;
    const std::string next = line.empty() ? f : cat({line, "  ", f});
    if (columns_of(next) > width) break;
    line = next;
  }
  if (line.empty() && !fields.empty()) line = cut(fields.front(), width);
  return line;
}

}  // namespace

std::string live_duration(double seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 1.0) return format_double("%.0f ms", seconds * 1000.0);
  if (seconds < 60.0) return format_double("%.1f s", seconds);
  const auto whole = static_cast<long long>(std::floor(seconds));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld min %02lld s", whole / 60, whole % 60);
  return buf;
}

std::string live_line(const LiveFigures& f, std::size_t columns) {
  const std::size_t width = columns > 1 ? columns - 1 : 0;
  std::vector<std::string> fields;
  if (f.warmup > 0) {
    fields.push_back(cat({"warm-up ", std::to_string(f.warmup), "/", std::to_string(f.warmups)}));
  } else if (f.runs > 1) {
    fields.push_back(cat({"run ", std::to_string(f.run), "/", std::to_string(f.runs)}));
  }
  const bool series = f.runs > 1 || f.warmups > 0;
  if (series) {
    if (f.eta_s) fields.push_back(cat({"ETA ", live_duration(*f.eta_s)}));
    if (f.last_wall_s) fields.push_back(cat({"last ", live_duration(*f.last_wall_s)}));
    if (f.mean_wall_s) fields.push_back(cat({"mean ", live_duration(*f.mean_wall_s)}));
  }
  if (f.elapsed_s) {
    if (series) fields.emplace_back("|");
    fields.push_back(live_duration(*f.elapsed_s));
    if (!f.phase.empty()) fields.push_back(printable(f.phase));
    if (f.tokens) fields.push_back(cat({std::to_string(*f.tokens), " tok"}));
    if (f.tokens_per_s) fields.push_back(format_double("%.1f tok/s", *f.tokens_per_s));
    if (f.rss_bytes) fields.push_back(cat({"RSS ", format_bytes(static_cast<double>(*f.rss_bytes))}));
  }
  std::string line = fit(fields, width);
  // A separator left dangling at the end says nothing.
  if (line.size() >= 3 && line.compare(line.size() - 3, 3, "  |") == 0) line.resize(line.size() - 3);
  return line;
}

std::string count_line(std::string_view what, std::uint64_t done, std::uint64_t total, std::string_view unit,
                       std::size_t columns) {
  const std::size_t width = columns > 1 ? columns - 1 : 0;
  std::string text = cat({printable(what), " ", std::to_string(done), "/", std::to_string(total)});
  if (!unit.empty()) text = cat({text, " ", unit});
  std::vector<std::string> fields{text};
  if (total > 0) {
    fields.push_back(format_double("(%.0f%%)", 100.0 * static_cast<double>(done) / static_cast<double>(total)));
  }
  return fit(fields, width);
}

}  // namespace perfprobe::report
