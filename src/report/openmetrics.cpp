// The two text expositions of metric families. They differ in a counter's metadata name
// (OpenMetrics names the family without "_total"), in # UNIT and # EOF (OpenMetrics only), and in
// what a timestamp counts (OpenMetrics: seconds; we stamp only OpenMetrics files).
#include "perfprobe/report/openmetrics.hpp"

#include <charconv>
#include <cmath>

namespace perfprobe::report {

namespace {

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string escape(const std::string& s, bool quote) {
  std::string out;
  for (const char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quote)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

const char* type_name(MetricType t) {
  switch (t) {
    case MetricType::counter:
      return "counter";
    case MetricType::summary:
      return "summary";
    case MetricType::gauge:
      break;
  }
  return "gauge";
}

void render_family(std::string& out, const MetricFamily& m, Exposition f, const std::string& stamp) {
  const bool om = f == Exposition::openmetrics;
  const std::string meta_name = !om && m.type == MetricType::counter ? m.name + "_total" : m.name;
  if (om) {
    out += "# TYPE " + meta_name + " " + type_name(m.type) + "\n";
    if (!m.unit.empty()) out += "# UNIT " + meta_name + " " + m.unit + "\n";
    out += "# HELP " + meta_name + " " + escape(m.help, true) + "\n";
  } else {
    out += "# HELP " + meta_name + " " + escape(m.help, false) + "\n";
    out += "# TYPE " + meta_name + " " + type_name(m.type) + "\n";
  }
  for (const auto& p : m.points) {
    out += m.name;
    out += p.suffix;
    if (!p.labels.empty()) {
      out += '{';
      for (std::size_t i = 0; i < p.labels.size(); ++i) {
        if (i > 0) out += ',';
        out += p.labels[i].first;
        out += "=\"";
        out += escape(p.labels[i].second, true);
        out += '"';
      }
      out += '}';
    }
    out += ' ';
    out += format_value(p.value);
    out += stamp;
    out += '\n';
  }
}

}  // namespace

std::string render_metrics(const std::vector<MetricFamily>& families, Exposition format,
                           std::optional<double> timestamp_s) {
  const bool om = format == Exposition::openmetrics;
  std::string stamp;
  if (om && timestamp_s) {
    stamp = " ";
    stamp += format_value(*timestamp_s);
  }
  std::string out;
  for (const auto& m : families) {
    if (!m.points.empty()) render_family(out, m, format, stamp);
  }
  if (om) out += "# EOF\n";
  return out;
}

std::string metric_name_part(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    const char mapped = ok ? c : '_';
    if (mapped == '_' && !out.empty() && out.back() == '_') continue;
    out += mapped;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (!out.empty() && out.front() >= '0' && out.front() <= '9') out = "_" + out;
  return out;
}

}  // namespace perfprobe::report
