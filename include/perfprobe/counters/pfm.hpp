// Event names -> perf_event_attr: perf's generic names from the kernel's ABI constants, every other
// name (PMU native names, modifiers) through libpfm4. The only place that uses libpfm4, which is
// loaded on first use: loading it costs more than all of `run -- /bin/true` (docs/benchmarks.md,
// "Startup"). A successful encoding only means the name parsed: whether this machine can count it is
// decided by opening it (docs/kernel-facts.md §1).
#pragma once

#include <linux/perf_event.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfprobe::counters {

struct EventSpec {
  std::string name;                       // as the user spelled it
  std::string canonical;                  // libpfm4's fully qualified name (empty for a generic name)
  perf_event_attr attr{};                 // type/config/config1/... filled in; flags are the caller's
  bool explicit_privilege_level = false;  // the name carried :u/:k/:h, so keep libpfm's exclude bits
};

// perf's generic hardware and software event names (cycles, task-clock, cs, ...), encoded exactly as
// libpfm4 encodes them; nothing for any other name.
[[nodiscard]] std::optional<EventSpec> generic_event(std::string_view name);

// Owns libpfm4's global state, loaded and initialised the first time a name needs it, and passed down.
class PfmLibrary {
 public:
  PfmLibrary();
  ~PfmLibrary();
  PfmLibrary(const PfmLibrary&) = delete;
  PfmLibrary& operator=(const PfmLibrary&) = delete;

  // A generic name without libpfm4, any other through it. Throws UsageError naming the event and
  // libpfm4's reason when the name is unknown, perfprobe::Error when libpfm4 cannot be loaded.
  [[nodiscard]] EventSpec encode(std::string_view name) const;
  // Always through libpfm4, which also gives the canonical name.
  [[nodiscard]] EventSpec encode_with_libpfm(std::string_view name) const;

 private:
  struct Loaded;
  const Loaded& loaded() const;
  mutable std::unique_ptr<Loaded> loaded_;
};

// The default event set of `run`, like perf stat's.
[[nodiscard]] std::vector<std::string> default_events();

}  // namespace perfprobe::counters
