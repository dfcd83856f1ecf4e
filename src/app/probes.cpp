// `perfprobe probes`: SDT notes of a file, or of every ELF file a running process maps; or the
// functions of a file (--functions).
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "perfprobe/app/app.hpp"
#include "perfprobe/elf/functions.hpp"
#include "perfprobe/elf/sdt.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/report/probes_view.hpp"

namespace perfprobe::app {

namespace {

// The executable and libraries a process maps, from /proc/PID/maps, in first-mapped order.
std::vector<std::string> mapped_files(int pid) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  if (!maps) throw UsageError("no process " + std::to_string(pid) + " (or it is not yours)", "check the pid with ps");
  std::vector<std::string> files;
  std::set<std::string> seen;
  for (std::string line; std::getline(maps, line);) {
    const auto slash = line.find(" /");
    if (slash == std::string::npos) continue;
    std::string path = line.substr(slash + 1);
    if (path.size() > 10 && path.compare(path.size() - 10, 10, " (deleted)") == 0) continue;
    if (seen.insert(path).second) files.push_back(std::move(path));
  }
  return files;
}

}  // namespace

int probes_command(const cli::ProbesOptions& o, const Diag& diag) {
  (void)diag;
  if (o.functions) {
    const auto found = elf::match_functions(elf::read_functions(o.file), o.pattern);
    std::cout << (o.json ? report::functions_json(found) : report::functions_text(found));
    std::cout.flush();
    return 0;
  }
  std::vector<elf::SdtProbe> probes;
  if (!o.file.empty()) {
    probes = elf::read_sdt_probes(o.file);
  } else {
    for (const auto& f : mapped_files(o.pid)) {
      try {
        for (auto& p : elf::read_sdt_probes(f)) probes.push_back(std::move(p));
      } catch (const UsageError&) {
        // a mapped data file (locale archive, model weights...) is not ELF: nothing to list
      }
    }
  }
  std::cout << (o.json ? report::probes_json(probes) : report::probes_text(probes));
  std::cout.flush();
  return 0;
}

}  // namespace perfprobe::app
