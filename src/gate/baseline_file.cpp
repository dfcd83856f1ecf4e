// `perfprobe check --baseline FILE`: the per-run "samples" of an earlier `check --json` or
// `run --json`, keyed by the catalogue (older spellings mapped to today's keys). Anything else is a
// usage error naming the file; so is a negative time, size or rate (a corrupt file), and a gated
// metric whose median is zero or below, since no relative change can be taken from it.
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

void read_samples(const json& doc, const std::string& name, Samples& s) {
  if (!doc.contains("samples")) {
    if (doc.contains("runs"))
      throw UsageError("baseline '" + name +
                           "' has no \"samples\": it was written by a perfprobe older than "
                           "schema_version 2",
                       "record it again with this perfprobe (run --json or check --json)");
    bad(name, "has no \"samples\" (the per-run values of a check or run)");
  }
  if (!doc["samples"].is_object()) bad(name, "has a \"samples\" key that is not an object");
  for (const auto& [key, values] : doc["samples"].items()) {
    if (!values.is_array()) bad(name, "has samples." + key + " that is not an array");
    const auto id = metrics::find(key);
    auto& out = s[id ? id->key() : key];  // a key this version does not know is kept, never compared
    for (const auto& v : values) {
      if (!v.is_number()) bad(name, "has a value in samples." + key + " that is not a number");
      out.push_back(v.get<double>());
    }
  }
}

void check_medians(const Samples& s, const std::string& name) {
  for (const auto& [key, values] : s) {
    const auto id = metrics::find(key);
    if (!id || !id->metric->gated || values.empty()) continue;
    const double median = stats::percentile(values, 50);
    if (median <= 0) {
      throw UsageError("baseline '" + name + "': " + key + " has a median of " + std::to_string(median) +
                           ", from which no relative change can be taken",
                       "record the baseline again from runs that measured " + key);
    }
  }
}

}  // namespace

Samples parse_samples(const std::string& text, const std::string& name) {
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
  // A time, a size, a count or a rate is never negative: such a value is a corrupt file. Only a phase's
  // RSS change may be (a phase that frees memory). A zero median is refused for gated metrics only
  // (check_medians): a counter or an RSS change may well be zero in every run.
  for (const auto& [key, values] : s) {
    const auto id = metrics::find(key);
    if (id && id->metric->field.ends_with("_delta_bytes")) continue;
    for (const double v : values) {
      if (v < 0) bad(name, "has a negative value in " + key + " (" + std::to_string(v) + ")");
    }
  }
  return s;
}

Samples parse_baseline(const std::string& text, const std::string& name) {
  Samples s = parse_samples(text, name);
  check_medians(s, name);
  return s;
}

}  // namespace perfprobe::gate
