// libpfm4 wrapper: name -> perf_event_attr, with libpfm's error text for unknown names.
#include "perfprobe/counters/pfm.hpp"

#include <perfmon/pfmlib_perf_event.h>

#include <cstdlib>
#include <cstring>
#include <regex>

#include "perfprobe/error.hpp"

namespace perfprobe::counters {

PfmLibrary::PfmLibrary() {
  const int rc = pfm_initialize();
  if (rc != PFM_SUCCESS) {
    throw Error(std::string("cannot initialise libpfm4: ") + pfm_strerror(rc),
                "check that libpfm4 is installed (apt-get install libpfm4)");
  }
}

PfmLibrary::~PfmLibrary() { pfm_terminate(); }

namespace {
bool has_privilege_modifier(std::string_view name) {
  static const std::regex modifier(R"(:(u|k|h)(=[01])?(:|$))");
  return std::regex_search(name.begin(), name.end(), modifier);
}
}  // namespace

EventSpec PfmLibrary::encode(std::string_view name) const {
  EventSpec spec;
  spec.name = std::string(name);
  // libpfm checks attr.size against its own struct; set it first (docs/kernel-facts.md §1).
  spec.attr.size = sizeof(perf_event_attr);
  char* fstr = nullptr;
  pfm_perf_encode_arg_t arg{};
  arg.attr = &spec.attr;
  arg.fstr = &fstr;
  arg.size = sizeof arg;
  const int rc = pfm_get_os_event_encoding(spec.name.c_str(), PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
  if (rc != PFM_SUCCESS) {
    throw UsageError("unknown event '" + spec.name + "': " + pfm_strerror(rc),
                     "list names with `perfprobe events`; perf's generic names (cycles, task-clock, "
                     "page-faults, ...) and PMU names such as 'perf::cycles' work");
  }
  if (fstr != nullptr) {
    spec.canonical = fstr;
    std::free(fstr);  // NOLINT: allocated by libpfm4 with malloc
  }
  spec.attr.size = sizeof(perf_event_attr);
  spec.explicit_privilege_level = has_privilege_modifier(name);
  return spec;
}

std::vector<std::string> default_events() {
  return {"cycles",     "instructions", "cache-references", "cache-misses", "branches",         "branch-misses",
          "task-clock", "page-faults",  "major-faults",     "minor-faults", "context-switches", "cpu-migrations"};
}

}  // namespace perfprobe::counters
