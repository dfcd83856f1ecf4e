// Event names -> perf_event_attr: a table of perf's generic names, libpfm4 (loaded on first use) for
// the rest.
#include "perfprobe/counters/pfm.hpp"

#include <perfmon/pfmlib_perf_event.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <regex>

#include "perfprobe/error.hpp"
#include "perfprobe/sys/shared_library.hpp"

namespace perfprobe::counters {

namespace {

struct Generic {
  std::string_view name;
  std::uint32_t type;
  std::uint64_t config;
};

// The names libpfm4's perf:: table gives for the kernel's generic events (include/uapi/linux/
// perf_event.h), with the same type and config; the unit test holds the two together.
constexpr std::array kGeneric{
    Generic{"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
    Generic{"cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
    Generic{"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
    Generic{"cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES},
    Generic{"cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
    Generic{"branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
    Generic{"branch-instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
    Generic{"branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES},
    Generic{"bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES},
    Generic{"stalled-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND},
    Generic{"stalled-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND},
    Generic{"ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES},
    Generic{"cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK},
    Generic{"task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK},
    Generic{"page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS},
    Generic{"faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS},
    Generic{"major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ},
    Generic{"minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN},
    Generic{"context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES},
    Generic{"cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES},
    Generic{"cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS},
    Generic{"migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS},
};

bool has_privilege_modifier(std::string_view name) {
  static const std::regex modifier(R"(:(u|k|h)(=[01])?(:|$))");
  return std::regex_search(name.begin(), name.end(), modifier);
}

constexpr const char* kInstallHint = "install libpfm4 (apt-get install libpfm4)";

}  // namespace

std::optional<EventSpec> generic_event(std::string_view name) {
  for (const auto& g : kGeneric) {
    if (g.name != name) continue;
    EventSpec spec;
    spec.name = std::string(name);
    spec.attr.size = sizeof(perf_event_attr);
    spec.attr.type = g.type;
    spec.attr.config = g.config;
    // What libpfm4 sets for user+kernel (PFM_PLM0 | PFM_PLM3): no hypervisor, no guest.
    spec.attr.exclude_hv = 1;
    spec.attr.exclude_guest = 1;
    return spec;
  }
  return std::nullopt;
}

// The four functions perfprobe calls, looked up once.
struct PfmLibrary::Loaded {
  sys::SharedLibrary library{"libpfm.so.4", kInstallHint};
  decltype(&::pfm_initialize) initialize = library.function<decltype(::pfm_initialize)>("pfm_initialize");
  decltype(&::pfm_terminate) terminate = library.function<decltype(::pfm_terminate)>("pfm_terminate");
  decltype(&::pfm_strerror) strerror = library.function<decltype(::pfm_strerror)>("pfm_strerror");
  decltype(&::pfm_get_os_event_encoding) encode =
      library.function<decltype(::pfm_get_os_event_encoding)>("pfm_get_os_event_encoding");

  Loaded() {
    const int rc = initialize();
    if (rc != PFM_SUCCESS) throw Error(std::string("cannot initialise libpfm4: ") + strerror(rc), kInstallHint);
  }
  ~Loaded() { terminate(); }
  Loaded(const Loaded&) = delete;
  Loaded& operator=(const Loaded&) = delete;
};

PfmLibrary::PfmLibrary() = default;

PfmLibrary::~PfmLibrary() = default;

const PfmLibrary::Loaded& PfmLibrary::loaded() const {
  if (!loaded_) loaded_ = std::make_unique<Loaded>();
  return *loaded_;
}

EventSpec PfmLibrary::encode(std::string_view name) const {
  if (auto spec = generic_event(name)) return *spec;
  return encode_with_libpfm(name);
}

EventSpec PfmLibrary::encode_with_libpfm(std::string_view name) const {
  const Loaded& pfm = loaded();
  EventSpec spec;
  spec.name = std::string(name);
  // libpfm checks attr.size against its own struct; set it first (docs/kernel-facts.md §1).
  spec.attr.size = sizeof(perf_event_attr);
  char* fstr = nullptr;
  pfm_perf_encode_arg_t arg{};
  arg.attr = &spec.attr;
  arg.fstr = &fstr;
  arg.size = sizeof arg;
  const int rc = pfm.encode(spec.name.c_str(), PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
  if (rc != PFM_SUCCESS) {
    throw UsageError("unknown event '" + spec.name + "': " + pfm.strerror(rc),
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
