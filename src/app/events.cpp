// `perfprobe events`: try each well-known event on this process and say which can be counted.
#include <iostream>

#include "perfprobe/app/app.hpp"
#include "perfprobe/counters/counter_set.hpp"
#include "perfprobe/report/events_view.hpp"

namespace perfprobe::app {

namespace {

report::EventAvailability try_event(const counters::PfmLibrary& pfm, const std::string& name) {
  report::EventAvailability a;
  a.name = name;
  counters::EventSpec spec;
  try {
    spec = pfm.encode_with_libpfm(name);
  } catch (const std::exception&) {
    a.reason = "libpfm4 does not know it on this CPU";
    return a;
  }
  a.canonical = spec.canonical;
  const counters::CounterSet set({spec}, {0}, counters::OpenOptions{.enable_on_exec = false, .inherit = false});
  const auto reading = set.read().front();
  a.supported = reading.supported;
  a.reason = reading.reason;
  a.scope = reading.exclude_kernel ? "user" : "user+kernel";
  return a;
}

}  // namespace

int events_command(const cli::EventsOptions& options, const Diag& diag) {
  (void)diag;
  const counters::PfmLibrary pfm;
  std::vector<std::string> names = counters::default_events();
  for (const char* extra :
       {"cpu-clock", "alignment-faults", "emulation-faults", "ref-cycles", "stalled-cycles-frontend",
        "stalled-cycles-backend", "L1-dcache-load-misses", "LLC-load-misses", "dTLB-load-misses"}) {
    names.emplace_back(extra);
  }
  std::vector<report::EventAvailability> events;
  events.reserve(names.size());
  for (const auto& name : names) events.push_back(try_event(pfm, name));
  std::cout << (options.json ? report::events_json(events) : report::events_text(events));
  return 0;
}

}  // namespace perfprobe::app
