// libpfm4: event names (perf's generic names and every PMU's native names) -> perf_event_attr.
// The only place that includes libpfm4. A successful encoding only means the name parsed:
// whether this machine can count it is decided by opening it (docs/kernel-facts.md §1).
#pragma once

#include <linux/perf_event.h>

#include <string>
#include <string_view>
#include <vector>

namespace perfprobe::counters {

struct EventSpec {
  std::string name;                       // as the user spelled it
  std::string canonical;                  // libpfm4's fully qualified name
  perf_event_attr attr{};                 // type/config/config1/... filled in; flags are the caller's
  bool explicit_privilege_level = false;  // the name carried :u/:k/:h, so keep libpfm's exclude bits
};

// Owns libpfm4's global state: initialised once in main and passed down.
class PfmLibrary {
 public:
  PfmLibrary();  // throws perfprobe::Error if libpfm4 cannot initialise
  ~PfmLibrary();
  PfmLibrary(const PfmLibrary&) = delete;
  PfmLibrary& operator=(const PfmLibrary&) = delete;

  // Throws UsageError naming the event and libpfm4's reason when the name is unknown.
  [[nodiscard]] EventSpec encode(std::string_view name) const;
};

// The default event set of `run`, like perf stat's.
[[nodiscard]] std::vector<std::string> default_events();

}  // namespace perfprobe::counters
