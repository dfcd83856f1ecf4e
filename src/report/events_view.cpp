// `perfprobe events` as JSON (an array, one object per event) or an aligned table.
#include "perfprobe/report/events_view.hpp"

#include <nlohmann/json.hpp>

#include "perfprobe/report/json_text.hpp"
#include "perfprobe/report/views.hpp"

namespace perfprobe::report {

std::string events_json(const std::vector<EventAvailability>& events) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : events) {
    nlohmann::json j{{"name", e.name}};
    if (!e.canonical.empty()) j["canonical"] = e.canonical;
    j["supported"] = e.supported;
    if (!e.supported) j["reason"] = e.reason;
    if (e.supported) j["scope"] = e.scope;
    out.push_back(std::move(j));
  }
  return dump_json(out, 2) + "\n";
}

std::string events_text(const std::vector<EventAvailability>& events) {
  std::string out;
  for (const auto& e : events) {
    out += pad_right(e.name, 26) + (e.supported ? "yes  " + e.scope : "no   " + e.reason) + "\n";
  }
  return out;
}

}  // namespace perfprobe::report
