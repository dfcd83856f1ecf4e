// `perfprobe check --baseline FILE`: per-run samples from the JSON of an earlier `check` (its
// "samples") or `run` (its "runs"). Anything else is a usage error naming the file.
#include <nlohmann/json.hpp>

#include <cmath>

#include "perfprobe/error.hpp"
#include "perfprobe/gate/files.hpp"
#include "perfprobe/stats/summary.hpp"

namespace perfprobe::gate {

using nlohmann::json;

namespace {

[[noreturn]] void bad(const std::string& name, const std::string& why) {
  throw UsageError("baseline '" + name + "' " + why,
                   "give the --json file of an earlier `perfprobe check` or `perfprobe run`");
}

void add(Samples& s, const std::string& key, const json& v) {
  if (v.is_number() && std::isfinite(v.get<double>())) s[key].push_back(v.get<double>());
}

// One run of a `run --json` document (docs/json-schema.md).
void add_run(Samples& s, const json& r) {
  if (!r.is_object()) return;
  add(s, "wall_ms", r.value("wall_ms", json()));
  if (r.contains("peak_rss_bytes")) {
    const double a = r.value("peak_rss_bytes", 0.0);
    const double b = r.value("peak_tree_rss_bytes", 0.0);
    s["peak_rss_bytes"].push_back(std::max(a, b));
  }
  add(s, "startup_ms", r.value("startup_ms", json()));
  const json tokens = r.value("tokens", json());
  if (tokens.is_object() && tokens.value("count", 0) >= 2) {
    add(s, "tokens_per_s", tokens.value("tokens_per_s", json()));
    const json lat = tokens.value("latency_ms", json());
    std::vector<double> values;
    if (lat.is_array()) {
      for (const auto& v : lat) {
        if (v.is_number()) values.push_back(v.get<double>());
      }
    }
    if (!values.empty()) s["token_latency_p95_ms"].push_back(stats::percentile(values, 95));
    // run's JSON summarises the latencies instead of listing them: take its p95 when present.
    if (lat.is_object()) add(s, "token_latency_p95_ms", lat.value("p95", json()));
  }
  const json phases = r.value("phases", json());
  if (phases.is_array()) {
    for (const auto& p : phases) {
      if (!p.is_object() || !p.value("name", json()).is_string()) continue;
      const std::string key = "phase_ms." + p["name"].get<std::string>();
      if (p.contains("duration_ms")) {
        add(s, key, p["duration_ms"]);
      } else if (p.value("start_ms", json()).is_number() && p.value("end_ms", json()).is_number()) {
        s[key].push_back(p["end_ms"].get<double>() - p["start_ms"].get<double>());
      }
    }
  }
}

}  // namespace

static void read_samples(const json& doc, const std::string& name, Samples& s);

Samples parse_baseline(const std::string& text, const std::string& name) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number that overflows
    bad(name, "is not valid JSON: " + std::string(e.what()));
  }
  if (!doc.is_object()) bad(name, "is not a JSON object");
  Samples s;
  try {
    read_samples(doc, name, s);
  } catch (const json::exception& e) {
    bad(name, "has a value of the wrong type: " + std::string(e.what()));
  }
  if (s.empty()) bad(name, "holds no runs to compare with");
  // Every metric is a time, a size or a rate: a negative value is a corrupt file, and a median of 0
  // is a baseline nothing could ever regress against.
  for (const auto& [key, values] : s) {
    for (const double v : values) {
      if (v < 0) bad(name, "has a negative value in " + key + " (" + std::to_string(v) + ")");
    }
    if (!values.empty() && stats::percentile(values, 50) <= 0) {
      bad(name, "has a median of 0 for " + key + ": no run can be compared against it");
    }
  }
  return s;
}

void read_samples(const json& doc, const std::string& name, Samples& s) {
  if (doc.contains("samples")) {
    if (!doc["samples"].is_object()) bad(name, "has a \"samples\" key that is not an object");
    for (const auto& [key, values] : doc["samples"].items()) {
      if (!values.is_array()) bad(name, "has samples." + key + " that is not an array");
      for (const auto& v : values) {
        if (!v.is_number()) bad(name, "has a value in samples." + key + " that is not a number");
        s[key].push_back(v.get<double>());
      }
    }
  } else if (doc.contains("runs") && doc["runs"].is_array()) {
    for (const auto& r : doc["runs"]) add_run(s, r);
  } else {
    bad(name, "has neither \"samples\" (a check) nor \"runs\" (a run)");
  }
}

}  // namespace perfprobe::gate
