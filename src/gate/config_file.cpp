// `perfprobe check --config FILE`: the JSON config, checked key by key. Unknown keys are errors, so
// a typo ("budget", "startup") fails loudly instead of silently checking nothing.
#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include "perfprobe/error.hpp"
#include "perfprobe/gate/files.hpp"

namespace perfprobe::gate {

using nlohmann::json;

namespace {

const std::set<std::string> top_keys{"binary", "command", "runs",     "warmup",     "ready",     "tokens",
                                     "cold",   "budgets", "baseline", "confidence", "tolerance", "confirm"};
const std::set<std::string> budget_keys{"file_size", "stripped_size",     "startup_p95",      "wall_p95",
                                        "peak_rss",  "token_latency_p95", "tokens_per_s_min", "phase_p95"};

[[noreturn]] void bad(const std::string& name, const std::string& key, const std::string& why) {
  throw UsageError("config '" + name + "': " + key + " " + why, "see docs/check.md for the config file keys");
}

std::string join(const std::set<std::string>& keys) {
  std::string s;
  for (const auto& k : keys) s += (s.empty() ? "" : ", ") + k;
  return s;
}

std::vector<std::string> string_list(const json& v, const std::string& name, const std::string& key) {
  if (v.is_string()) return {v.get<std::string>()};
  if (!v.is_array()) bad(name, key, "must be a string or an array of strings");
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string()) bad(name, key, "must contain only strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

// A budget value: a string with its unit, or a bare number (written back with the default unit).
std::string value_text(const json& v, const std::string& name, const std::string& key, const char* number_unit) {
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_number()) bad(name, key, "must be a string with a unit (\"15MiB\", \"100ms\") or a number");
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < 0) bad(name, key, "must not be negative");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g%s", d, number_unit);
  return buf;
}

const char* number_unit(const std::string& key) {
  if (key == "file_size" || key == "stripped_size" || key == "peak_rss") return "B";
  if (key == "tokens_per_s_min") return "";
  return "ms";
}

void read_budgets(const json& b, const std::string& name, CheckConfig& c) {
  if (!b.is_object()) bad(name, "budgets", "must be an object");
  for (const auto& [key, v] : b.items()) {
    if (budget_keys.count(key) == 0) bad(name, "budgets." + key, "is not a budget; known: " + join(budget_keys));
    if (key == "phase_p95") {
      if (!v.is_object()) bad(name, "budgets.phase_p95", "must be an object of phase name -> time");
      for (const auto& [phase, t] : v.items())
        c.phase_budgets.emplace_back(phase, value_text(t, name, "budgets.phase_p95." + phase, "ms"));
      continue;
    }
    c.budgets.emplace_back(key, value_text(v, name, "budgets." + key, number_unit(key)));
  }
}

void read_scalars(const json& doc, const std::string& name, CheckConfig& c) {
  const auto get_int = [&](const char* key, std::optional<int>& out) {
    if (!doc.contains(key)) return;
    if (!doc[key].is_number_integer() || doc[key].get<long long>() < 0 || doc[key].get<long long>() > 100000) {
      bad(name, key, "must be a whole number between 0 and 100000");
    }
    out = doc[key].get<int>();
  };
  const auto get_string = [&](const char* key, std::optional<std::string>& out) {
    if (!doc.contains(key)) return;
    if (!doc[key].is_string()) bad(name, key, "must be a string");
    out = doc[key].get<std::string>();
  };
  get_int("runs", c.runs);
  get_int("warmup", c.warmup);
  get_string("ready", c.ready);
  get_string("tokens", c.tokens);
  get_string("baseline", c.baseline);
  if (doc.contains("cold")) {
    if (!doc["cold"].is_boolean()) bad(name, "cold", "must be true or false");
    c.cold = doc["cold"].get<bool>();
  }
  if (doc.contains("confidence")) {
    if (!doc["confidence"].is_number()) bad(name, "confidence", "must be a number such as 0.99");
    c.confidence = doc["confidence"].get<double>();
  }
  if (doc.contains("confirm")) {
    const auto& v = doc["confirm"];
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 5)
      bad(name, "confirm", "must be a whole number from 0 to 5");
    c.confirm = static_cast<int>(v.get<std::int64_t>());
  }
  if (doc.contains("tolerance")) c.tolerance = value_text(doc["tolerance"], name, "tolerance", "");
}

}  // namespace

CheckConfig parse_check_config(const std::string& text, const std::string& name) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number that overflows
    throw UsageError("config '" + name + "' is not valid JSON: " + std::string(e.what()),
                     "see docs/check.md for an example");
  }
  if (!doc.is_object()) bad(name, "the document", "must be a JSON object");
  for (const auto& [key, v] : doc.items()) {
    if (top_keys.count(key) == 0) bad(name, "key '" + key + "'", "is unknown; known keys: " + join(top_keys));
  }
  CheckConfig c;
  if (doc.contains("binary")) c.binaries = string_list(doc["binary"], name, "binary");
  if (doc.contains("command")) {
    c.command = string_list(doc["command"], name, "command");
    if (c.command.empty()) bad(name, "command", "must not be empty");
  }
  read_scalars(doc, name, c);
  if (doc.contains("budgets")) read_budgets(doc["budgets"], name, c);
  return c;
}

}  // namespace perfprobe::gate
