// `report --annotate FUNC`: which function the name means, and its samples per source line (self:
// the sample's leaf is there; total: the function is on the stack there, e.g. the line of a call).
#include "perfprobe/report/annotate.hpp"

#include <algorithm>
#include <set>

#include "perfprobe/error.hpp"

namespace perfprobe::report {

namespace {

using FunctionKey = std::pair<std::string, std::string>;  // name, module

// Samples with each function anywhere on the stack, to choose among functions of the same name.
std::map<FunctionKey, std::uint64_t> totals(const ResolvedProfile& p) {
  std::map<FunctionKey, std::uint64_t> out;
  for (const auto& s : p.samples) {
    std::set<FunctionKey> seen;
    for (const auto f : p.stack_of(s)) {
      const auto& frame = p.frames[f];
      if (seen.insert({frame.function, frame.module}).second) ++out[{frame.function, frame.module}];
    }
  }
  return out;
}

std::string candidates_text(const std::vector<std::pair<std::uint64_t, std::string>>& by_samples) {
  std::string s;
  for (std::size_t i = 0; i < by_samples.size() && i < 5; ++i) s += (i == 0 ? "" : ", ") + by_samples[i].second;
  return by_samples.size() > 5 ? s + ", ..." : s;
}

// The exact name (the module with the most samples when several have it), else the one name
// that contains `name`.
FunctionKey choose(const ResolvedProfile& p, const std::string& name) {
  const auto all = totals(p);
  const FunctionKey* best = nullptr;
  std::map<std::string, std::uint64_t> containing;
  for (const auto& [key, n] : all) {
    if (key.first == name && (best == nullptr || n > all.at(*best))) best = &key;
    if (key.first.find(name) != std::string::npos) containing[key.first] += n;
  }
  if (best != nullptr) return *best;
  std::vector<std::pair<std::uint64_t, std::string>> by_samples;
  by_samples.reserve(containing.size());
  for (const auto& [fn, n] : containing) by_samples.emplace_back(n, fn);
  std::sort(by_samples.rbegin(), by_samples.rend());
  if (by_samples.empty()) {
    throw UsageError("--annotate: no function '" + name + "' has samples in this recording",
                     "perfprobe report lists the functions that do; give one of their names");
  }
  if (by_samples.size() > 1) {
    throw UsageError("--annotate: '" + name + "' names several functions: " + candidates_text(by_samples),
                     "give the whole name of one of them");
  }
  return choose(p, by_samples.front().second);
}

std::vector<AnnotatedFile> by_file(const std::map<std::pair<std::string, int>, AnnotatedLine>& lines) {
  std::map<std::string, AnnotatedFile> files;
  for (const auto& [where, l] : lines) {
    auto& f = files[where.first];
    f.path = where.first;
    f.lines.push_back(l);  // the map's order: by line within a file
  }
  std::vector<AnnotatedFile> out;
  out.reserve(files.size());
  for (auto& [path, f] : files) out.push_back(std::move(f));
  const auto total = [](const AnnotatedFile& f) {
    std::uint64_t n = 0;
    for (const auto& l : f.lines) n += l.total_samples;
    return n;
  };
  std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return total(a) > total(b); });
  return out;
}

}  // namespace

Annotation annotate(const ResolvedProfile& p, const std::string& name) {
  const auto [function, module] = choose(p, name);
  Annotation a;
  a.function = function;
  a.module = module;
  a.samples = p.samples.size();
  std::map<std::pair<std::string, int>, AnnotatedLine> lines;
  for (const auto& s : p.samples) {
    const auto& stack = p.stack_of(s);
    for (std::size_t i = 0; i < stack.size(); ++i) {
      const auto& f = p.frames[stack[i]];
      if (f.function != function || f.module != module) continue;
      auto& l = lines[{f.file, f.line}];
      l.line = f.line;
      ++l.total_samples;
      ++a.total_samples;
      if (i == 0) {
        ++l.self_samples;
        ++a.self_samples;
      }
      break;  // once per sample: the innermost call of a recursive function
    }
  }
  a.files = by_file(lines);
  return a;
}

}  // namespace perfprobe::report
