// `perfprobe events`: try each well-known event on this process and say which can be counted.
#include <nlohmann/json.hpp>

#include <iostream>

#include "perfprobe/app/app.hpp"
#include "perfprobe/counters/counter_set.hpp"

namespace perfprobe::app {

int events_command(const cli::EventsOptions& options, const Diag& diag) {
  (void)diag;
  const counters::PfmLibrary pfm;
  std::vector<std::string> names = counters::default_events();
  for (const char* extra :
       {"cpu-clock", "alignment-faults", "emulation-faults", "ref-cycles", "stalled-cycles-frontend",
        "stalled-cycles-backend", "L1-dcache-load-misses", "LLC-load-misses", "dTLB-load-misses"}) {
    names.emplace_back(extra);
  }
  counters::OpenOptions open;
  open.enable_on_exec = false;
  open.inherit = false;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& name : names) {
    counters::EventSpec spec;
    try {
      spec = pfm.encode(name);
    } catch (const std::exception&) {
      out.push_back({{"name", name}, {"supported", false}, {"reason", "libpfm4 does not know it on this CPU"}});
      continue;
    }
    const counters::CounterSet set({spec}, {0}, open);
    const auto reading = set.read().front();
    nlohmann::json j{{"name", name}, {"canonical", spec.canonical}, {"supported", reading.supported}};
    if (!reading.supported) j["reason"] = reading.reason;
    if (reading.supported) j["scope"] = reading.exclude_kernel ? "user" : "user+kernel";
    out.push_back(j);
  }
  if (options.json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  for (const auto& j : out) {
    std::string name = j["name"];
    name.resize(std::max<std::size_t>(name.size(), 26), ' ');
    std::cout << name
              << (j["supported"].get<bool>() ? "yes  " + j["scope"].get<std::string>()
                                             : "no   " + j["reason"].get<std::string>())
              << "\n";
  }
  return 0;
}

}  // namespace perfprobe::app
