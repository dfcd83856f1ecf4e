// The HTML page shell (header, "at a glance", sections, footer, inline style and script) and the
// small formatting helpers every HTML section uses.
#include <cmath>
#include <cstdio>
#include <ctime>

#include "html_internal.hpp"
#include "perfprobe/report/html.hpp"
#include "perfprobe/report/markup.hpp"
#include "perfprobe/report/views.hpp"

namespace perfprobe::report {

std::string html_escape(std::string_view text) { return markup_escape(text, Markup::html); }

std::string html_value_cell(const std::string& metric, double raw, const std::string& text) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", raw);
  return "<td class=\"num\" data-metric=\"" + html_escape(metric) + "\" data-value=\"" + buf + "\">" +
         html_escape(text) + "</td>";
}

namespace html {

std::string num(double v, int decimals) {
  if (!std::isfinite(v)) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string ms_text(double ms) { return format_duration_ns(ms * 1e6); }
std::string bytes_text(double bytes) { return format_bytes(bytes); }
std::string count_text(double count) { return format_count(count); }

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> out;
  if (!(hi > lo) || target < 1) return {lo};
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  // An integer counter: each tick is k * step, never a sum that drifts.
  for (auto k = static_cast<long long>(std::ceil(lo / step));; ++k) {
    const double v = static_cast<double>(k) * step;
    if (v > hi + step * 1e-9) break;
    out.push_back(std::abs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

std::string color_of(std::string_view name, bool warm) {
  // FNV-1a: stable across runs and machines, so a function keeps its colour between reports.
  std::uint32_t h = 2166136261U;
  for (const char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619U;
  char buf[40];
  if (warm) {
    std::snprintf(buf, sizeof buf, "hsl(%u,%u%%,%u%%)", 8 + h % 42, 70 + (h >> 8) % 20, 55 + (h >> 16) % 12);
  } else {
    std::snprintf(buf, sizeof buf, "hsl(%u,55%%,55%%)", (h % 12) * 30);
  }
  return buf;
}

std::string time_axis(double total_ms, double y, double grid_top) {
  std::string s = "<g class=\"axis\" data-y=\"" + num(y) + "\" data-top=\"" + num(grid_top) + "\">";
  for (const double t : nice_ticks(0, total_ms, 8)) {
    const double x = kLeft + (total_ms > 0 ? t / total_ms * kPlot : 0);
    s += "<line class=\"grid\" x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(grid_top) + "\" y2=\"" +
         num(y) + "\"/><text x=\"" + num(x) + "\" y=\"" + num(y + 14) + "\" text-anchor=\"middle\">" +
         html_escape(ms_text(t)) + "</text>";
  }
  return s + "</g>";
}

std::string command_text(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) {
    const bool plain = !w.empty() && w.find_first_of(" \t'\"\\$`") == std::string::npos;
    s += (s.empty() ? "" : " ") + (plain ? w : "'" + w + "'");
  }
  return s;
}

std::string script_json(std::string_view id, const std::string& json_text) {
  std::string out = "<script type=\"application/json\" id=\"" + html_escape(id) + "\">";
  out.reserve(out.size() + json_text.size() + 16);
  // '<' only occurs inside JSON strings, where \u003c means the same character.
  for (const char c : json_text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out + "</script>";
}

}  // namespace html

namespace {

std::string utc_date(std::int64_t unix_s) {
  if (unix_s <= 0) return {};
  const std::time_t t = unix_s;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

}  // namespace

std::string HtmlPage::str() const {
  const std::string command = html::command_text(meta_.command);
  std::string out;
  out.reserve(1 << 16);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"generator\" content=\"" +
      html_escape(meta_.tool) + "\"><title>perfprobe " + html_escape(meta_.kind) + ": " + html_escape(command) +
      "</title><style>" + html::stylesheet() + "</style></head>\n<body>\n";
  out += "<header><h1>perfprobe " + html_escape(meta_.kind) + "</h1><p class=\"cmd\"><code>" +
         html_escape(command.empty() ? "(no command)" : command) + "</code></p></header>\n";
  out += "<section id=\"glance\"><h2>At a glance</h2><table class=\"facts\"><tbody>";
  const auto row = [&out](const std::string& k, const std::string& v) {
    if (!v.empty()) out += "<tr><th scope=\"row\">" + html_escape(k) + "</th><td>" + html_escape(v) + "</td></tr>";
  };
  row("command", command);
  std::string machine = meta_.hostname;
  if (!meta_.kernel.empty()) machine += (machine.empty() ? "Linux " : ", Linux ") + meta_.kernel;
  if (!meta_.cpu.empty()) machine += (machine.empty() ? "" : ", ") + meta_.cpu;
  row("machine", machine);
  row("perfprobe", meta_.tool);
  row("date", utc_date(meta_.unix_s));
  for (const auto& [k, v] : facts_) row(k, v);
  out += "</tbody></table>";
  if (!meta_.warnings.empty()) {
    out += "<ul class=\"warnings\">";
    for (const auto& w : meta_.warnings) out += "<li>" + html_escape(w) + "</li>";
    out += "</ul>";
  }
  out += "</section>\n";
  for (const auto& s : sections_) out += s + "\n";
  out += "<footer>Written by " + html_escape(meta_.tool) +
         ". One self-contained file: no network, no external script. Hover a chart for values; drag across a "
         "timeline to zoom in, double-click to zoom out; click a flame graph frame to zoom.</footer>\n"
         "<div id=\"tip\" role=\"tooltip\" hidden></div><div id=\"js-errors\" hidden></div>\n<script>" +
         std::string(html::script()) + "</script>\n</body></html>\n";
  return out;
}

}  // namespace perfprobe::report
