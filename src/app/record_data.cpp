// Assembling the data file and the run views for record and attach.
#include "record_data.hpp"

#include <ctime>
#include <map>
#include <sstream>

#include "output_files.hpp"
#include "perfprobe/report/profile_report.hpp"
#include "perfprobe/report/views.hpp"
#include "perfprobe/symbols/symbolizer.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::app {

sampling::RecordData make_record_data(const report::RunReport& rep, ProfileSink sink, pid_t attached_pid) {
  sampling::RecordData d;
  d.tool = rep.tool;
  d.command = rep.command;
  d.attached_pid = attached_pid;
  d.hostname = host_name();
  d.kernel = kernel_release();
  d.recorded_unix_s = static_cast<std::int64_t>(std::time(nullptr));
  d.run = rep.runs.front();
  d.unavailable = rep.unavailable;
  d.notes = std::move(sink.notes);
  d.profile = std::move(sink.profile);
  std::map<std::string, std::string> ids;
  for (auto& m : d.profile.mappings) {
    if (!m.build_id.empty() || m.path.empty() || m.path[0] != '/') continue;
    auto it = ids.find(m.path);
    if (it == ids.end()) it = ids.emplace(m.path, symbols::read_build_id(m.path)).first;
    m.build_id = it->second;
  }
  return d;
}

std::string recorded_line(const sampling::RecordData& d, std::uint64_t samples, const std::string& path) {
  const auto& c = d.profile.config;
  std::string s = "recorded " + std::to_string(samples) + " samples (" + c.event;
  s += c.period != 0 ? " every " + std::to_string(c.period) + " events"
                     : " at " + std::to_string(c.frequency_hz) + " Hz";
  s += ", " + std::string(sampling::call_graph_name(c.call_graph)) + " call graph), " +
       std::to_string(d.profile.lost_samples) + " lost";
  if (d.profile.throttled > 0) s += ", throttled " + std::to_string(d.profile.throttled) + "x";
  const auto& off = d.profile.off_cpu;
  if (off.switches) {
    s +=
        "; off-CPU: switch records" + (off.mechanism.empty() ? std::string(" (no call chains of waits: they need root)")
                                                             : " and " + off.mechanism + " call chains");
    if (d.profile.lost_waits > 0) s += ", " + std::to_string(d.profile.lost_waits) + " waits lost";
  }
  for (const auto& n : d.notes) s += "; " + n;
  return s + ": " + path + "; next: perfprobe report " + path;
}

}  // namespace perfprobe::app
