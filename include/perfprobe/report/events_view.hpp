// Views of `perfprobe events`: which well-known events this machine and user can count, as a table
// or JSON (docs/json-schema.md).
#pragma once

#include <string>
#include <vector>

namespace perfprobe::report {

struct EventAvailability {
  std::string name;       // as perfprobe's users spell it
  std::string canonical;  // libpfm4's name; empty when libpfm4 does not know it
  bool supported = false;
  std::string reason;  // why not, when not supported
  std::string scope;   // "user" or "user+kernel", when supported
};

[[nodiscard]] std::string events_json(const std::vector<EventAvailability>& events);
[[nodiscard]] std::string events_text(const std::vector<EventAvailability>& events);

}  // namespace perfprobe::report
