// listen and file readiness.
#include "perfprobe/markers/readiness.hpp"

#include <unistd.h>

#include "perfprobe/memory/rss.hpp"

namespace perfprobe::markers {

ReadinessProbe::ReadinessProbe(MarkerSpec spec, pid_t root) : spec_(std::move(spec)), root_(root) {
  if (spec_.kind == SpecKind::listen) diag_ = std::make_unique<sys::SockDiag>();
}

bool ReadinessProbe::poll() {
  if (spec_.kind == SpecKind::file) return ::access(spec_.path.c_str(), F_OK) == 0;
  if (!diag_) return false;
  std::vector<sys::ListenSocket> candidates;
  for (const auto& s : diag_->listening_tcp()) {
    if (spec_.port == 0 || s.port == spec_.port) candidates.push_back(s);
  }
  if (candidates.empty()) return false;
  // Only a listener of the target's own tree counts (another program may hold the same port).
  for (const pid_t pid : memory::process_tree(root_)) {
    const auto inodes = sys::socket_inodes(pid);
    for (const auto& s : candidates) {
      if (inodes.count(s.inode) != 0) return true;
    }
  }
  return false;
}

}  // namespace perfprobe::markers
