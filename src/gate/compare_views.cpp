// Views of compare: the side-by-side text table (stderr), JSON (--json) and Markdown (--markdown,
// a pull-request comment). One row per metric, values as median ± stddev.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "perfprobe/gate/compare.hpp"
#include "perfprobe/gate/views.hpp"
#include "perfprobe/report/json_text.hpp"
#include "perfprobe/report/views.hpp"
#include "perfprobe/stats/summary.hpp"

namespace perfprobe::gate {

using nlohmann::json;

namespace {

std::string command_of(const Side& s) {
  std::string cmd;
  for (const auto& w : s.command) cmd += (cmd.empty() ? "" : " ") + w;
  return cmd.empty() ? s.name : cmd;
}

// "812.4 ms ± 3.2 ms" over a side's runs, or the one value.
std::string value_of(const Side& side, const RegressionResult& r) {
  const auto it = side.samples.find(r.metric);
  if (it == side.samples.end()) return "-";
  const auto s = stats::summarize(it->second);
  std::string out = report::format_metric(r.unit, s.median);
  if (s.n > 1) out += " ± " + report::format_metric(r.unit, s.stddev);
  return out;
}

std::string verdict_word(const RegressionResult& r) {
  switch (r.outcome) {
    case Outcome::regressed:
      return "worse";
    case Outcome::improved:
      return "better";
    case Outcome::inconclusive:
      return "inconclusive";
    case Outcome::same:
      break;
  }
  return "same";
}

// The one-sided p-value in the direction the median moved: what the outcome was decided on.
std::string p_text(const RegressionResult& r) {
  if (r.method == "none") return "-";
  return format_p_value(r.worse_by > 0 ? r.p_value : r.p_better);
}

std::string settings_line(const BaselineSettings& s) {
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "medians ± stddev; p: Mann-Whitney U, one-sided in the direction of the change, at %.3g%% confidence, "
                "tolerance %.3g%%, each "
                "metric's floor and the runs' spread (docs/check.md)",
                s.confidence * 100, s.tolerance * 100);
  return buf;
}

std::string cell(const std::string& s) {
  std::string out;
  for (const char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c == '\n' ? ' ' : c);
  return out;
}

}  // namespace

void write_compare_text(std::ostream& out, const std::vector<Comparison>& comparisons, const BaselineSettings& settings,
                        bool color) {
  const auto paint = [&](const std::string& s, const char* code) {
    return color ? std::string("\033[") + code + "m" + s + "\033[0m" : s;
  };
  bool inconclusive = false;
  for (const auto& c : comparisons) {
    out << "\nA: " << command_of(c.reference) << "  (" << c.reference.name << ", " << c.reference.runs << " runs)\n";
    out << "B: " << command_of(c.other) << "  (" << c.other.name << ", " << c.other.runs << " runs)\n";
    std::size_t width = 22;
    for (const auto& r : c.metrics) width = std::max(width, r.label.size() + 2);
    out << "  " << report::pad_right("metric", width) << report::pad_right("A", 22) << report::pad_right("B", 22)
        << report::pad_right("B vs A", 18) << report::pad_right("p", 9) << "result\n";
    for (const auto& r : c.metrics) {
      const std::string word = verdict_word(r);
      const char* code = r.outcome == Outcome::regressed      ? "31"
                         : r.outcome == Outcome::improved     ? "32"
                         : r.outcome == Outcome::inconclusive ? "33"
                                                              : "0";
      out << "  " << report::pad_right(r.label, width) << report::pad_right(value_of(c.reference, r), 22)
          << report::pad_right(value_of(c.other, r), 22) << report::pad_right(describe_change(r), 18)
          << report::pad_right(p_text(r), 9) << paint(word, code) << "\n";
      inconclusive = inconclusive || r.outcome == Outcome::inconclusive;
    }
  }
  out << "  " << settings_line(settings) << "\n";
  if (inconclusive)
    out << "  hint: inconclusive is a change beyond the tolerance that the runs cannot confirm: add runs (-r)\n";
}

std::string compare_to_json(const std::vector<Comparison>& comparisons, const BaselineSettings& settings) {
  json doc{{"schema_version", 1},
           {"tool", "perfprobe " PERFPROBE_VERSION},
           {"test", "mann-whitney-u"},
           {"confidence", settings.confidence},
           {"tolerance_pct", settings.tolerance * 100}};
  json list = json::array();
  for (const auto& c : comparisons) {
    json rows = json::array();
    for (const auto& r : c.metrics) {
      rows.push_back(json{{"metric", r.metric},
                          {"label", r.label},
                          {"unit", metrics::unit_name(r.unit)},
                          {"higher_is_better", !r.higher_is_worse},
                          {"a_n", r.baseline_n},
                          {"b_n", r.current_n},
                          {"a_median", r.baseline_median},
                          {"b_median", r.current_median},
                          {"change_pct", r.change * 100},
                          {"worse_pct", r.worse_by * 100},
                          {"change", describe_change(r)},
                          {"floor", r.floor},
                          {"spread", r.spread},
                          {"p_value_worse", r.p_value},
                          {"p_value_better", r.p_better},
                          {"method", r.method},
                          {"outcome", verdict_word(r)}});
    }
    list.push_back(
        json{{"a", {{"file", c.reference.name}, {"command", c.reference.command}, {"runs", c.reference.runs}}},
             {"b", {{"file", c.other.name}, {"command", c.other.command}, {"runs", c.other.runs}}},
             {"metrics", std::move(rows)}});
  }
  doc["comparisons"] = std::move(list);
  return report::dump_json(doc, 2) + "\n";
}

std::string interleaved_to_json(const std::vector<std::string>& run_documents,
                                const std::vector<Comparison>& comparisons, const BaselineSettings& settings) {
  json runs = json::array();
  for (const auto& text : run_documents) runs.push_back(json::parse(text));
  const json doc{{"schema_version", 1},
                 {"tool", "perfprobe " PERFPROBE_VERSION},
                 {"order", "interleaved"},
                 {"commands", std::move(runs)},
                 {"comparison", json::parse(compare_to_json(comparisons, settings))}};
  return report::dump_json(doc, 2) + "\n";
}

std::string compare_to_markdown(const std::vector<Comparison>& comparisons, const BaselineSettings& settings) {
  std::ostringstream out;
  out << "### perfprobe compare\n\n";
  for (const auto& c : comparisons) {
    out << "**A** `" << cell(command_of(c.reference)) << "` (" << c.reference.runs << " runs) → **B** `"
        << cell(command_of(c.other)) << "` (" << c.other.runs << " runs)\n\n";
    out << "| metric | A | B | B vs A | p | result |\n|---|---:|---:|---:|---:|---|\n";
    for (const auto& r : c.metrics) {
      const std::string shown = r.outcome == Outcome::regressed      ? "❌ **worse**"
                                : r.outcome == Outcome::improved     ? "✅ better"
                                : r.outcome == Outcome::inconclusive ? "⚠️ inconclusive"
                                                                     : "same";
      out << "| " << cell(r.label) << " | " << value_of(c.reference, r) << " | " << value_of(c.other, r) << " | "
          << describe_change(r) << " | " << p_text(r) << " | " << shown << " |\n";
    }
    out << "\n";
  }
  out << "<sub>" << settings_line(settings) << "</sub>\n";
  return out.str();
}

}  // namespace perfprobe::gate
