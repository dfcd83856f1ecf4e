// --fake-counters: JSON -> the CounterReadings of a ScriptedCounters, scaled like real ones.
#include "perfprobe/counters/scripted.hpp"

#include <nlohmann/json.hpp>

#include "perfprobe/error.hpp"

namespace perfprobe::counters {

namespace {

// The same scaling as scale() in counter_set.cpp: raw * enabled / running when multiplexed.
double scaled(const CounterReading& c) {
  return c.time_running_ns == 0 || c.time_running_ns >= c.time_enabled_ns
             ? static_cast<double>(c.raw)
             : static_cast<double>(c.raw) * static_cast<double>(c.time_enabled_ns) /
                   static_cast<double>(c.time_running_ns);
}

CounterReading reading_of(const std::string& name, const nlohmann::ordered_json& j) {
  CounterReading c;
  c.name = name;
  c.supported = j.value("supported", true);
  c.hardware = j.value("kind", std::string("hardware")) == "hardware";
  if (!c.supported) {
    c.reason = j.value("reason", std::string("scripted as not supported"));
    return c;
  }
  c.raw = j.at("raw").get<std::uint64_t>();
  c.time_enabled_ns = j.value("time_enabled_ns", std::uint64_t{1000000});
  c.time_running_ns = j.value("time_running_ns", c.time_enabled_ns);
  c.unit = j.value("unit", std::string());
  c.exclude_kernel = j.value("scope", std::string("user+kernel")) == "user";
  c.value = scaled(c);
  return c;
}

}  // namespace

std::vector<CounterReading> ScriptedCounters::read() const {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::vector<CounterReading> out;
  for (const auto& s : script_) {
    CounterReading c = s.reading;
    if (c.supported && s.raw_per_s > 0) {
      c.raw += static_cast<std::uint64_t>(s.raw_per_s * seconds);
      c.value = scaled(c);
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<ScriptedCounter> parse_counter_script(std::string_view text, const std::string& origin) {
  std::vector<ScriptedCounter> out;
  try {
    const auto doc = nlohmann::ordered_json::parse(text);  // keeps the file's order in the report
    if (!doc.is_object() || doc.empty()) throw UsageError("'" + origin + "' must be a non-empty JSON object");
    for (const auto& [name, value] : doc.items())
      out.push_back({reading_of(name, value), value.is_object() ? value.value("raw_per_s", 0.0) : 0.0});
  } catch (const nlohmann::json::exception& e) {
    throw UsageError("malformed --fake-counters file '" + origin + "': " + e.what(),
                     "see docs/testing.md for the format");
  }
  return out;
}

}  // namespace perfprobe::counters
