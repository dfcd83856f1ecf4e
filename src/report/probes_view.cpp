// `perfprobe probes` output.
#include "perfprobe/report/probes_view.hpp"
#include "perfprobe/report/json_text.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "perfprobe/report/run_report.hpp"

namespace perfprobe::report {

std::string probes_json(const std::vector<elf::SdtProbe>& probes) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : probes) {
    list.push_back({{"provider", p.provider},
                    {"name", p.name},
                    {"address", p.address},
                    {"offset", p.offset},
                    {"semaphore", p.semaphore},
                    {"semaphore_offset", p.semaphore_offset},
                    {"args", p.args},
                    {"file", p.path}});
  }
  return perfprobe::report::dump_json(nlohmann::json{{"schema_version", kSchemaVersion}, {"probes", std::move(list)}},
                                      2) +
         "\n";
}

std::string probes_text(const std::vector<elf::SdtProbe>& probes) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-28s %-18s %-18s %-28s %s\n", "PROBE", "ADDRESS", "SEMAPHORE", "ARGS", "FILE");
  out += line;
  for (const auto& p : probes) {
    const std::string sem = p.semaphore != 0 ? [&] {
      char b[32];
      std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(p.semaphore));
      return std::string(b);
    }() : "-";
    std::snprintf(line, sizeof line, "%-28s 0x%-16llx %-18s %-28s %s\n", (p.provider + ":" + p.name).c_str(),
                  static_cast<unsigned long long>(p.address), sem.c_str(), p.args.empty() ? "-" : p.args.c_str(),
                  p.path.c_str());
    out += line;
  }
  if (probes.empty()) out += "(no SDT probes)\n";
  return out;
}

std::string functions_json(const std::vector<elf::FunctionSymbol>& functions) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : functions) {
    list.push_back({{"name", f.name},
                    {"demangled", f.demangled},
                    {"address", f.address},
                    {"offset", f.offset},
                    {"size", f.size},
                    {"file", f.path}});
  }
  return nlohmann::json{{"schema_version", kSchemaVersion}, {"functions", std::move(list)}}.dump(2) + "\n";
}

std::string functions_text(const std::vector<elf::FunctionSymbol>& functions) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-18s %-18s %8s  %s\n", "ADDRESS", "OFFSET", "SIZE", "FUNCTION");
  out += line;
  for (const auto& f : functions) {
    std::snprintf(line, sizeof line, "0x%-16llx +0x%-15llx %8llu  ", static_cast<unsigned long long>(f.address),
                  static_cast<unsigned long long>(f.offset), static_cast<unsigned long long>(f.size));
    out += line + f.demangled;
    if (f.demangled != f.name) out += "  [" + f.name + "]";
    out += "\n";
  }
  if (functions.empty()) out += "(no matching functions)\n";
  return out;
}

}  // namespace perfprobe::report
