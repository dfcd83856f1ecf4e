// /proc/PID/maps lines: "start-end perms offset dev inode path" (proc(5)).
#include "perfprobe/sampling/proc_maps.hpp"

#include <cstdlib>
#include <sstream>
#include <string>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sampling {

std::vector<Mapping> parse_proc_maps(std::string_view text, pid_t pid, std::int64_t t_ns) {
  std::vector<Mapping> out;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string range, perms, offset, dev, inode, path;
    if (!(f >> range >> perms >> offset >> dev >> inode)) continue;
    std::getline(f >> std::ws, path);
    const auto dash = range.find('-');
    if (dash == std::string::npos || perms.size() < 3 || perms[2] != 'x' || path.empty()) continue;
    Mapping m;
    m.t_ns = t_ns;
    m.pid = pid;
    m.start = std::strtoull(range.c_str(), nullptr, 16);
    m.length = std::strtoull(range.c_str() + dash + 1, nullptr, 16) - m.start;
    m.pgoff = std::strtoull(offset.c_str(), nullptr, 16);
    m.path = path;
    out.push_back(std::move(m));
  }
  return out;
}

void add_proc_state(pid_t pid, const std::vector<pid_t>& tids, std::int64_t t_mono_ns, Profile& profile) {
  const std::string base = "/proc/" + std::to_string(pid);
  std::string text;
  if (sys::read_file(base + "/maps", text)) {
    for (auto& m : parse_proc_maps(text, pid, t_mono_ns)) profile.mappings.push_back(std::move(m));
  }
  for (const pid_t tid : tids) {
    if (!sys::read_file(base + "/task/" + std::to_string(tid) + "/comm", text)) continue;  // exited meanwhile
    TaskEvent e;
    e.kind = TaskEvent::Kind::comm;
    e.t_ns = t_mono_ns;
    e.pid = pid;
    e.tid = tid;
    e.comm = text.substr(0, text.find('\n'));
    profile.tasks.push_back(std::move(e));
  }
}

}  // namespace perfprobe::sampling
