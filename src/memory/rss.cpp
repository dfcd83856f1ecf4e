// RSS of a process tree, read from /proc without stopping anything.
#include "perfprobe/memory/rss.hpp"

#include <dirent.h>

#include <charconv>
#include <cstdlib>
#include <string>

#include "perfprobe/sys/clock.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::memory {

namespace {

std::uint64_t parse_kb_field(std::string_view text, std::string_view key) {
  const auto pos = text.find(key);
  if (pos == std::string_view::npos) return 0;
  auto rest = text.substr(pos + key.size());
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  std::uint64_t value = 0;
  std::from_chars(rest.data(), rest.data() + rest.size(), value);
  return value;
}

std::vector<pid_t> list_numeric_dir(const std::string& path) {
  std::vector<pid_t> out;
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return out;
  while (const dirent* entry = ::readdir(dir)) {
    const char* name = entry->d_name;
    if (name[0] < '0' || name[0] > '9') continue;
    out.push_back(static_cast<pid_t>(std::strtol(name, nullptr, 10)));
  }
  ::closedir(dir);
  return out;
}

}  // namespace

ProcStatus parse_status(std::string_view text) {
  ProcStatus s;
  s.rss_bytes = parse_kb_field(text, "\nVmRSS:") * 1024;
  s.anon_bytes = parse_kb_field(text, "\nRssAnon:") * 1024;
  s.file_bytes = parse_kb_field(text, "\nRssFile:") * 1024;
  s.shmem_bytes = parse_kb_field(text, "\nRssShmem:") * 1024;
  s.hwm_bytes = parse_kb_field(text, "\nVmHWM:") * 1024;
  s.voluntary_ctxt_switches = parse_kb_field(text, "\nvoluntary_ctxt_switches:");
  s.nonvoluntary_ctxt_switches = parse_kb_field(text, "\nnonvoluntary_ctxt_switches:");
  return s;
}

std::vector<pid_t> threads_of(pid_t pid) { return list_numeric_dir("/proc/" + std::to_string(pid) + "/task"); }

std::vector<pid_t> process_tree(pid_t root) {
  std::vector<pid_t> tree{root};
  std::string text;
  for (std::size_t i = 0; i < tree.size() && tree.size() < 100000; ++i) {
    const std::string base = "/proc/" + std::to_string(tree[i]) + "/task/";
    for (const pid_t tid : threads_of(tree[i])) {
      if (!sys::read_file(base + std::to_string(tid) + "/children", text)) continue;
      const char* p = text.c_str();
      char* end = nullptr;
      for (long child = std::strtol(p, &end, 10); end != p; child = std::strtol(p, &end, 10)) {
        tree.push_back(static_cast<pid_t>(child));
        p = end;
      }
    }
  }
  return tree;
}

std::optional<RssSample> RssSampler::sample(std::int64_t t_ns) {
  const std::int64_t start = sys::monotonic_ns();
  RssSample s;
  s.t_ns = t_ns;
  std::string text;
  for (const pid_t pid : process_tree(root_)) {
    if (!sys::read_file("/proc/" + std::to_string(pid) + "/status", text)) continue;
    const ProcStatus st = parse_status(text);
    if (st.rss_bytes == 0 && st.hwm_bytes == 0) continue;  // a zombie has no memory lines
    s.rss_bytes += st.rss_bytes;
    s.anon_bytes += st.anon_bytes;
    s.file_bytes += st.file_bytes;
    s.shmem_bytes += st.shmem_bytes;
    ++s.processes;
  }
  cost_ns_ += static_cast<std::uint64_t>(sys::monotonic_ns() - start);
  ++samples_;
  if (s.processes == 0) return std::nullopt;
  return s;
}

}  // namespace perfprobe::memory
