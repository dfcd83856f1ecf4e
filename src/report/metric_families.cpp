// Run results -> Prometheus metric families. Every name comes from a row of the metrics catalogue,
// turned into Prometheus conventions (docs/exports.md, "Names"): the
// unit to its base unit at the end of the name, counts into counters, the token latency
// percentiles into one summary.
#include <cstdio>
#include <map>
#include <string>

#include "perfprobe/metrics/catalogue.hpp"
#include "perfprobe/report/openmetrics.hpp"
#include "perfprobe/stats/summary.hpp"

namespace perfprobe::report {

namespace {

struct Naming {
  std::string name;  // family name (a counter's without _total)
  MetricType type = MetricType::gauge;
  std::string unit;  // "seconds", "bytes" when the name ends with it
  double scale = 1;  // catalogue unit -> base unit
};

// "xxx_ms" -> "xxx_seconds" (unit declared); "xxx_ms_yyy" -> "xxx_seconds_yyy" (unit not last).
Naming time_name(std::string stem, const std::string& suffix, double scale) {
  if (stem.ends_with(suffix))
    return {stem.substr(0, stem.size() - suffix.size()) + "_seconds", MetricType::gauge, "seconds", scale};
  if (const auto at = stem.find(suffix + "_"); at != std::string::npos)
    stem.replace(at, suffix.size(), "_seconds");
  else
    stem += "_seconds";
  return {stem, MetricType::gauge, "", scale};
}

Naming naming(const metrics::MetricId& id) {
  const metrics::Metric& m = *id.metric;
  const std::string field(m.field), group(m.group);
  if (m.family == metrics::Family::counter) {
    if (id.unit() == metrics::Unit::ns) return {"perfprobe_event_seconds", MetricType::counter, "seconds", 1e-9};
    return {"perfprobe_events", MetricType::counter, "", 1};
  }
  std::string stem = m.family == metrics::Family::phase          ? "phase_" + field
                     : group.empty() || field.starts_with(group) ? field
                                                                 : group + "_" + field;
  stem = "perfprobe_" + metric_name_part(stem);
  switch (id.unit()) {
    case metrics::Unit::ms:
      return time_name(stem, "_ms", 1e-3);
    case metrics::Unit::ns:
      return time_name(stem, "_ns", 1e-9);
    case metrics::Unit::bytes:
      return {stem, MetricType::gauge, stem.ends_with("_bytes") ? "bytes" : "", 1};
    case metrics::Unit::per_s:
      if (stem.ends_with("_per_s")) stem = stem.substr(0, stem.size() - 1) + "second";
      return {stem, MetricType::gauge, "", 1};
    case metrics::Unit::count:
      if (stem.ends_with("_count")) stem.resize(stem.size() - 6);
      return {stem, MetricType::counter, "", 1};
  }
  return {stem, MetricType::gauge, "", 1};
}

std::string help(const metrics::MetricId& id) {
  switch (id.metric->family) {
    case metrics::Family::counter:
      return "A perf event counter's value over the run, by event.";
    case metrics::Family::phase:
      return "Phase " + std::string(id.metric->label) + ", by phase.";
    case metrics::Family::run:
      break;
  }
  return "The run's " + std::string(id.metric->label) + ".";
}

// The token latency percentiles become one summary instead of a gauge each.
bool is_latency_percentile(const metrics::MetricId& id) {
  return id.metric->group == "tokens" && id.metric->field.starts_with("latency_p");
}

Labels base_labels(const ExportLabels& l, std::size_t run) {
  return {{"command", l.command}, {"host", l.host}, {"run", std::to_string(run + 1)}};
}

MetricFamily& family(std::vector<MetricFamily>& out, std::map<std::string, std::size_t>& index, const Naming& n,
                     const std::string& help) {
  const auto [it, added] = index.emplace(n.name, out.size());
  if (added) out.push_back({n.name, n.type, n.unit, help, {}});
  return out[it->second];
}

std::optional<LatencySummary> summary_of(const RunResult& run) {
  if (!run.tokens || run.tokens->latency_ms.empty()) return std::nullopt;
  const auto& lat = run.tokens->latency_ms;
  LatencySummary s;
  for (const double q : kLatencyQuantiles) s.quantiles.emplace_back(q, stats::percentile(lat, q * 100) / 1e3);
  double sum = 0;
  for (const double v : lat) sum += v;
  s.sum_s = sum / 1e3;
  s.count = static_cast<double>(lat.size());
  return s;
}

void latency_summary(std::vector<MetricFamily>& out, const std::vector<RunResult>& runs, const ExportLabels& l,
                     const std::vector<std::optional<LatencySummary>>& given) {
  MetricFamily f{"perfprobe_token_latency_seconds",
                 MetricType::summary,
                 "seconds",
                 "Time between consecutive tokens of a run.",
                 {}};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto s = i < given.size() && given[i] ? given[i] : summary_of(runs[i]);
    if (!s || s->count == 0) continue;
    for (const auto& [q, seconds] : s->quantiles) {
      Labels labels = base_labels(l, i);
      char qtext[16];
      std::snprintf(qtext, sizeof qtext, "%g", q);
      labels.emplace_back("quantile", qtext);
      f.points.push_back({"", labels, seconds});
    }
    f.points.push_back({"_sum", base_labels(l, i), s->sum_s});
    f.points.push_back({"_count", base_labels(l, i), s->count});
  }
  out.push_back(std::move(f));
}

void marker_counts(std::vector<MetricFamily>& out, const std::vector<RunResult>& runs, const ExportLabels& l) {
  MetricFamily f{"perfprobe_markers", MetricType::counter, "", "Markers seen, by name.", {}};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (const auto& [name, n] : runs[i].marker_counts) {
      Labels labels = base_labels(l, i);
      labels.emplace_back("marker", name);
      f.points.push_back({"_total", labels, static_cast<double>(n)});
    }
  }
  out.push_back(std::move(f));
}

// The process tree's RSS at the run's last sample: a finished run's at its end; a live attach's
// now (each scrape takes a sample). Not a catalogue row: a run's figure to compare is its peak.
void rss_at_last_sample(std::vector<MetricFamily>& out, const std::vector<RunResult>& runs, const ExportLabels& l) {
  MetricFamily f{"perfprobe_rss_bytes",
                 MetricType::gauge,
                 "bytes",
                 "Resident memory of the process tree at the run's last sample (live: at the scrape).",
                 {}};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!runs[i].rss.empty())
      f.points.push_back({"", base_labels(l, i), static_cast<double>(runs[i].rss.back().rss_bytes)});
  }
  out.push_back(std::move(f));
}

// Which layout and which perfprobe wrote the figures, the way Prometheus exporters say it (an _info
// gauge of value 1 whose labels carry the facts).
MetricFamily export_info(const ExportLabels& l) {
  return {"perfprobe_export_info",
          MetricType::gauge,
          "",
          "The layout version of perfprobe's figures (docs/exports.md) and the perfprobe that wrote them.",
          {{"",
            {{"command", l.command},
             {"host", l.host},
             {"schema_version", std::to_string(kExportSchemaVersion)},
             {"version", PERFPROBE_VERSION}},
            1.0}}};
}

}  // namespace

std::vector<MetricFamily> run_families(const std::vector<RunResult>& runs, const ExportLabels& labels,
                                       const std::vector<std::optional<LatencySummary>>& latency) {
  std::vector<MetricFamily> out{export_info(labels)};
  std::map<std::string, std::size_t> index;
  for (const auto& id : metrics::metrics_of(runs)) {
    if (is_latency_percentile(id)) continue;
    const Naming n = naming(id);
    MetricFamily& f = family(out, index, n, help(id));
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const auto v = id.value(runs[i]);
      if (!v) continue;
      Labels l = base_labels(labels, i);
      if (id.metric->family == metrics::Family::phase) l.emplace_back("phase", id.member);
      if (id.metric->family == metrics::Family::counter) l.emplace_back("event", id.member);
      f.points.push_back({n.type == MetricType::counter ? "_total" : "", l, *v * n.scale});
    }
  }
  rss_at_last_sample(out, runs, labels);
  latency_summary(out, runs, labels, latency);
  marker_counts(out, runs, labels);
  return out;
}

}  // namespace perfprobe::report
