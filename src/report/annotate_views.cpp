// The views of `report --annotate FUNC`: source lines with their samples (text), or JSON
// (docs/json-schema.md, "report --annotate").
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "perfprobe/report/annotate.hpp"
#include "perfprobe/report/json_text.hpp"

namespace perfprobe::report {

namespace {

// Unsampled lines around and between sampled ones that are still shown; longer gaps become "...".
constexpr int kContext = 2;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from < text.size()) {
    const auto nl = text.find('\n', from);
    out.push_back(text.substr(from, nl == std::string::npos ? std::string::npos : nl - from));
    if (nl == std::string::npos) break;
    from = nl + 1;
  }
  return out;
}

double pct(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::string counts(const Annotation& a, const AnnotatedLine* l) {
  char buf[64];
  if (l == nullptr) {
    std::snprintf(buf, sizeof buf, "%30s", "");  // blank, as wide as the figures below
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%7llu %5.1f%%  %7llu %5.1f%%", static_cast<unsigned long long>(l->self_samples),
                pct(l->self_samples, a.self_samples), static_cast<unsigned long long>(l->total_samples),
                pct(l->total_samples, a.total_samples));
  return buf;
}

std::string numbered(int line, const std::string& text) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "  %6d  ", line);
  return buf + text;
}

void write_file(std::ostream& out, const Annotation& a, const AnnotatedFile& f, const SourceTexts& sources) {
  const auto src = sources.find(f.path);
  const std::string display = std::filesystem::path(f.path).lexically_normal().string();  // no "dir/../"
  if (src == sources.end()) {
    out << display << ": cannot read it, so its lines are shown without text; run report where the source tree is "
        << "at that path (where the binary was built)\n";
    for (const auto& l : f.lines) out << counts(a, &l) << numbered(l.line, "") << "\n";
    return;
  }
  out << display << "\n";
  const auto text = split_lines(src->second);
  const auto line_text = [&](int n) {
    return n >= 1 && static_cast<std::size_t>(n) <= text.size() ? text[static_cast<std::size_t>(n - 1)] : "";
  };
  int shown = 0;  // the last line printed
  for (const auto& l : f.lines) {
    const int from = std::max(shown + 1, l.line - kContext);
    if (shown > 0 && from > shown + 1) out << "     ...\n";
    for (int n = from; n < l.line; ++n) out << counts(a, nullptr) << numbered(n, line_text(n)) << "\n";
    out << counts(a, &l) << numbered(l.line, line_text(l.line)) << "\n";
    shown = l.line;
    // Context after the last sampled line only: between two, the next one's context covers it.
    if (&l == &f.lines.back()) {
      for (int n = l.line + 1; n <= l.line + kContext && static_cast<std::size_t>(n) <= text.size(); ++n)
        out << counts(a, nullptr) << numbered(n, line_text(n)) << "\n";
    }
  }
}

}  // namespace

void write_annotation_text(std::ostream& out, const Annotation& a, const SourceTexts& sources) {
  char buf[160];
  std::snprintf(buf, sizeof buf, ": %llu samples by itself (%.1f%% of all), %llu with it on the stack (%.1f%%)",
                static_cast<unsigned long long>(a.self_samples), pct(a.self_samples, a.samples),
                static_cast<unsigned long long>(a.total_samples), pct(a.total_samples, a.samples));
  out << a.function << " [" << a.module << "]" << buf << "\n";
  std::snprintf(buf, sizeof buf, "%7s %6s  %7s %6s  %6s  %s\n", "self", "%", "total", "%", "line", "source");
  out << buf;
  for (const auto& f : a.files) write_file(out, a, f, sources);
}

std::string annotation_to_json(const Annotation& a, const SourceTexts& sources) {
  using nlohmann::json;
  json files = json::array();
  for (const auto& f : a.files) {
    const auto src = sources.find(f.path);
    const auto text = src == sources.end() ? std::vector<std::string>{} : split_lines(src->second);
    json lines = json::array();
    for (const auto& l : f.lines) {
      json j{{"line", l.line},
             {"self_samples", l.self_samples},
             {"self_pct", pct(l.self_samples, a.self_samples)},
             {"total_samples", l.total_samples},
             {"total_pct", pct(l.total_samples, a.total_samples)}};
      const auto i = static_cast<std::size_t>(l.line);
      if (l.line >= 1 && i <= text.size()) j["text"] = text[i - 1];
      lines.push_back(std::move(j));
    }
    files.push_back({{"file", f.path}, {"readable", src != sources.end()}, {"lines", std::move(lines)}});
  }
  const json doc{{"schema_version", kAnnotateSchemaVersion},
                 {"function", a.function},
                 {"module", a.module},
                 {"samples", a.samples},
                 {"self_samples", a.self_samples},
                 {"total_samples", a.total_samples},
                 {"files", std::move(files)}};
  return dump_json(doc, 2) + "\n";
}

}  // namespace perfprobe::report
